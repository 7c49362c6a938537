# lit configuration for sgl: FileCheck tests of sglc, sgl-opt and sgl-plan.
import os

import lit.formats

config.name = "sgl"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".sgl", ".mlir", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py.in"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.sgl_obj_root, "test", "lit")

# Our tools first, then FileCheck/not/count from LLVM.
path = os.pathsep.join([config.sgl_tools_dir, config.llvm_tools_dir,
                        config.environment.get("PATH", os.environ.get("PATH", ""))])
config.environment["PATH"] = path

config.substitutions.append(("%examples", os.path.join(config.sgl_src_root, "examples")))
config.substitutions.append(("%sgl_src_root", config.sgl_src_root))
config.substitutions.append(("%sgl_obj_root", config.sgl_obj_root))
# Debian's Python, whose packages (jsonschema, numpy) the checks import.
config.substitutions.append(("%python", "/usr/bin/python3"))
config.substitutions.append(("%tokenizers", os.path.join(config.sgl_obj_root, "tokenizers")))
