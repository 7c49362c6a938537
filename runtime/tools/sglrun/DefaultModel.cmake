#===- DefaultModel.cmake - The built-in tiny model sglrun falls back to ---===#
#
# Generates, once per build tree:
#   <build>/tokenizers/{llama3_1,qwen3}/   real tokenizer files, written by
#                                          tools/write-tokenizers.js from the
#                                          npm dev dependencies
#   <build>/share/sgl/models/default/      sgl-make-tiny-model with the Llama
#                                          3.1 tokenizer, 2 layers, hidden 128,
#                                          seed 0 (random, deterministic)
# sglrun finds the model at <exe dir>/../share/sgl/models/default, so the
# build tree and an install tree (bin/ + share/) both work.
#
#===----------------------------------------------------------------------===#
option(SGL_BUILD_DEFAULT_MODEL
  "Generate sglrun's built-in tiny model (needs node and `npm ci`)" ON)
if(NOT SGL_BUILD_DEFAULT_MODEL)
  return()
endif()

find_program(SGL_NODE NAMES node nodejs)
if(NOT SGL_NODE)
  message(FATAL_ERROR
    "node was not found: it writes the tokenizer files of sglrun's default "
    "model. Install Node.js (scripts/test does) or configure with "
    "-DSGL_BUILD_DEFAULT_MODEL=OFF.")
endif()

set(SGL_TOKENIZERS_DIR ${CMAKE_BINARY_DIR}/tokenizers)
set(SGL_TOKENIZERS_STAMP ${SGL_TOKENIZERS_DIR}/.written)
set(SGL_TOKENIZER_FILES)
foreach(name llama3_1 qwen3)
  list(APPEND SGL_TOKENIZER_FILES
    ${SGL_TOKENIZERS_DIR}/${name}/tokenizer.json
    ${SGL_TOKENIZERS_DIR}/${name}/tokenizer_config.json)
endforeach()

add_custom_command(
  OUTPUT ${SGL_TOKENIZERS_STAMP}
  BYPRODUCTS ${SGL_TOKENIZER_FILES}
  COMMAND ${CMAKE_COMMAND}
    -DSOURCE_DIR=${CMAKE_SOURCE_DIR}
    -P ${CMAKE_CURRENT_SOURCE_DIR}/CheckNodeModules.cmake
  COMMAND ${SGL_NODE} ${CMAKE_SOURCE_DIR}/tools/write-tokenizers.js
    ${SGL_TOKENIZERS_DIR}
  COMMAND ${CMAKE_COMMAND} -E touch ${SGL_TOKENIZERS_STAMP}
  DEPENDS
    ${CMAKE_SOURCE_DIR}/package-lock.json
    ${CMAKE_SOURCE_DIR}/tools/write-tokenizers.js
    ${CMAKE_CURRENT_SOURCE_DIR}/CheckNodeModules.cmake
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
  COMMENT "Writing tokenizer files to ${SGL_TOKENIZERS_DIR}"
  VERBATIM)
add_custom_target(sgl-tokenizers DEPENDS ${SGL_TOKENIZERS_STAMP})

set(SGL_DEFAULT_MODEL_DIR ${CMAKE_BINARY_DIR}/share/sgl/models/default)
set(SGL_DEFAULT_MODEL_FILES)
foreach(file config.json generation_config.json model.safetensors
             tokenizer.json tokenizer_config.json)
  list(APPEND SGL_DEFAULT_MODEL_FILES ${SGL_DEFAULT_MODEL_DIR}/${file})
endforeach()

add_custom_command(
  OUTPUT ${SGL_DEFAULT_MODEL_FILES}
  COMMAND ${CMAKE_COMMAND} -E rm -rf ${SGL_DEFAULT_MODEL_DIR}
  COMMAND $<TARGET_FILE:sgl-make-tiny-model> ${SGL_DEFAULT_MODEL_DIR}
    --tokenizer ${SGL_TOKENIZERS_DIR}/llama3_1
    --layers 2 --hidden 128 --seed 0
  DEPENDS sgl-make-tiny-model ${SGL_TOKENIZERS_STAMP}
  COMMENT "Generating sglrun's default model in ${SGL_DEFAULT_MODEL_DIR}"
  VERBATIM)
add_custom_target(sgl-default-model ALL DEPENDS ${SGL_DEFAULT_MODEL_FILES})

install(DIRECTORY ${SGL_DEFAULT_MODEL_DIR} DESTINATION share/sgl/models)
