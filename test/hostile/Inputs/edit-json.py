"""edit-json.py FILE PYTHON-EXPR: rewrites the JSON in FILE in place.

The expression sees the parsed document as `j` and may change it; e.g.
  edit-json.py m/config.json "j.update(rms_norm_eps=-1)"
A value json cannot spell (1e400) is written with a RAW placeholder:
  edit-json.py m/config.json "j.update(rms_norm_eps='RAW:1e400')"
"""
import json
import sys

path, expr = sys.argv[1], sys.argv[2]
with open(path) as f:
    j = json.load(f)
exec(expr)
text = json.dumps(j, indent=1)
# '"RAW:x"' becomes x, for numbers no JSON library writes.
import re
text = re.sub(r'"RAW:([^"]*)"', r"\1", text)
with open(path, "w") as f:
    f.write(text)
