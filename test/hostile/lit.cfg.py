# lit configuration for test/hostile: one file per class of hostile input
# (see README.md beside this file). Same tools and substitutions as
# test/lit, plus caps on memory and time for the classes that are about
# resources.
import os

lit_config.load_config(config, os.path.join(config.sgl_src_root, "test", "lit", "lit.cfg.py"))

config.name = "sgl-hostile"
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.sgl_obj_root, "test", "hostile")
config.excludes = ["Inputs", "README.md", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py.in"]

# %memcap CMD runs CMD with a memory ceiling that only super-linear growth
# breaks. ASan reserves terabytes of address space, so a sanitized build caps
# resident memory through the sanitizer instead of the address space.
# %smallmemcap is the same at 640 MiB, for runs that need little memory
# unless they regress (select scoring a long choice).
def memcap(cap_mib):
    if config.sgl_sanitize:
        # ASan's shadow memory and quarantine roughly double resident memory.
        return "env ASAN_OPTIONS=hard_rss_limit_mb=%d:detect_leaks=0" % (2 * cap_mib)
    return "prlimit --as=%d --" % (cap_mib * 1024 * 1024)
if config.sgl_sanitize:
    config.available_features.add("sanitizer")
config.substitutions.append(("%memcap", memcap(3072)))
config.substitutions.append(("%smallmemcap", memcap(640)))
# %timecap CMD: a generous wall-clock ceiling (sanitized builds run slower).
config.substitutions.append(("%timecap", "timeout %d" % (300 if config.sgl_sanitize else 60)))
config.substitutions.append(("%tokenizers", os.path.join(config.sgl_obj_root, "tokenizers")))
config.substitutions.append(("%default_model",
                             os.path.join(config.sgl_obj_root, "share", "sgl", "models", "default")))
# %exits N CMD: CMD must exit with exactly status N.
config.substitutions.append(("%exits", "bash " + os.path.join(config.test_source_root, "Inputs", "exits.sh")))
# %edit-json FILE EXPR: rewrite a JSON file in place (see Inputs/edit-json.py).
config.substitutions.append(("%edit-json", "/usr/bin/python3 " + os.path.join(config.test_source_root, "Inputs", "edit-json.py")))
