"""check-typed-gen.py OUTPUTS: each capture of Inputs/typed-gen.sgl has the
JSON type of its .sgl type (an int is an integer, not a real)."""
import json
import sys

runs = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
for run in runs:
    assert isinstance(run["info"], dict) and set(run["info"]) <= {
        "name", "house", "wand", "alive", "nickname"}, run
    assert type(run["age"]) is int and 11 <= run["age"] <= 150, run
    assert type(run["wizard"]) is bool, run
    assert type(run["score"]) in (int, float) and 0 <= run["score"] <= 1, run
    assert type(run["tags"]) is list and 1 <= len(run["tags"]) <= 3, run
    assert all(type(t) is str and len(t) <= 6 for t in run["tags"]), run
    assert run["house"] in ("Gryffindor", "Slytherin"), run
    assert isinstance(run["tree"], dict), run
print(f"{len(runs)} runs typed")
