#!/usr/bin/env python3
"""check-fork-shape.py OUT N: the output of program tips of
Inputs/fork.sgl run with n = N: the branches' captures are fields of N
objects under "tip", not captures of the program."""
import json
import sys

out_path, n = sys.argv[1], int(sys.argv[2])
out = json.loads(open(out_path, encoding="utf-8").read(),
                 object_pairs_hook=lambda pairs: pairs)
assert [k for k, _ in out] == ["tip", "summary"], out
value = dict(out)
tips = value["tip"]
assert isinstance(tips, list) and len(tips) == n, value
for tip in tips:
    assert [k for k, _ in tip] == ["text", "rating", "detail"], tip
    tip = dict(tip)
    assert isinstance(tip["text"], str), tip
    assert tip["rating"] in (" good", " bad"), tip
    assert len(tip["detail"]) == 2, tip
    assert all([k for k, _ in d] == ["more"] and isinstance(d[0][1], str)
               for d in tip["detail"]), tip
assert isinstance(value["summary"], str), value
print("shape ok")
