#!/usr/bin/env python3
"""check-flow-shape.py OUT ROUNDS STOP_AT ITEMS VERBOSE: the output of
Inputs/control-flow.sgl has the shape the arguments decide."""
import json
import sys

out_path, rounds, stop_at, items, verbose = sys.argv[1:]
rounds, stop_at, items = int(rounds), int(stop_at), int(items)
out = json.loads(open(out_path, encoding="utf-8").read(),
                 object_pairs_hook=lambda pairs: pairs)
keys = [k for k, _ in out]
assert keys == ["explanation", "line", "parity", "pair", "summary"], keys
value = dict(out)
ran = min(rounds, stop_at + 1)
if verbose == "true":
    assert isinstance(value["explanation"], str), value
else:
    assert value["explanation"] is None, value
assert isinstance(value["line"], list) and len(value["line"]) == ran, value
assert all(isinstance(x, str) for x in value["line"]), value
parity = value["parity"]
assert len(parity) == ran, value
for i, p in enumerate(parity):
    assert (p in ("odd", "even")) if i % 2 == 1 else p is None, (i, value)
pair = value["pair"]
assert len(pair) == items and all(
    isinstance(p, list) and len(p) == 2 and all(isinstance(s, str) for s in p)
    for p in pair), value
assert isinstance(value["summary"], str), value
print("shape ok")
