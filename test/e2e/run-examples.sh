#!/usr/bin/env bash
# run-examples.sh EXAMPLES_DIR WORK_DIR - every example, end to end.
#
# For each EXAMPLES_DIR/*.sgl: compile it with sglc, run the plan with sglrun
# on the built-in default model with the example's arguments (its
# NAME.args.json, else the --args of its usage comment
# "//   sglrun x.sglp --args '{...}'", else {}), and check that
#   - sglrun exits 0, prints exactly one line and nothing on stderr,
#   - the line is a JSON object whose keys are the plan's captures outside
#     forks, in order, each a string (a json_schema gen's: any JSON value; a
#     fork's: an array of objects whose keys are its branches' captures,
#     checked the same way; a call's: such an object of the callee's; inside loops: nested lists of those, or null
#     where an iteration did not reach it; null for a capture the run did
#     not reach),
#   - a second run prints the same bytes.
# Prints "ok NAME: OUTPUT" per example and "examples: N ok" at the end.
# sglc and sglrun are taken from PATH.
set -euo pipefail

examples="$1"
work="$2"
mkdir -p "$work"
python=/usr/bin/python3
[ -x "$python" ] || python=python3

count=0
for src in "$examples"/*.sgl; do
  name="$(basename "$src" .sgl)"
  if [ -f "$examples/$name.args.json" ]; then
    args="$(cat "$examples/$name.args.json")"
  else
    args="$(sed -n "s|^//.*sglrun [^ ]* --args '\(.*\)'.*\$|\1|p" "$src" | head -n 1)"
    [ -n "$args" ] || args='{}'
  fi
  plan="$work/$name.sglp"
  sglc "$src" -o "$plan"
  sglc --emit=plan-json "$src" > "$work/$name.plan.json"
  for run in 1 2; do
    if ! sglrun "$plan" --args "$args" > "$work/$name.out$run" 2> "$work/$name.err$run"; then
      echo "FAIL $name: sglrun exited non-zero:" >&2
      cat "$work/$name.err$run" >&2
      exit 1
    fi
    if [ -s "$work/$name.err$run" ]; then
      echo "FAIL $name: sglrun wrote to stderr:" >&2
      cat "$work/$name.err$run" >&2
      exit 1
    fi
  done
  if ! cmp -s "$work/$name.out1" "$work/$name.out2"; then
    echo "FAIL $name: two runs printed different output" >&2
    exit 1
  fi
  "$python" - "$work/$name.out1" "$work/$name.plan.json" "$name" <<'PY'
import json, sys
out_path, plan_path, name = sys.argv[1:]
text = open(out_path, encoding="utf-8").read()
lines = text.split("\n")
if len(lines) != 2 or lines[1] != "":
    sys.exit(f"FAIL {name}: expected exactly one line, got {text!r}")
captures = json.loads(lines[0], object_pairs_hook=lambda p: [tuple(x) for x in p])
if not isinstance(captures, list):
    sys.exit(f"FAIL {name}: output is not a JSON object")
plan = json.load(open(plan_path, encoding="utf-8"))
program = plan["programs"][0]
def steps(block):
    for step in block:
        yield step
        for key in ("then", "else", "body"):
            yield from steps(step.get(key, []))
all_steps = list(steps(program["steps"]))
# A fork's branches each give an object of the captures it lists; a call
# gives one.
forks = {s["slot"]: s.get("captures", []) for s in all_steps
         if s["op"] == "fork"}
calls = {s["slot"]: s.get("captures", []) for s in all_steps
         if s["op"] == "call"}
in_fork = {c for listed in list(forks.values()) + list(calls.values())
           for c in listed}
typed = {s["slot"] for s in all_steps
         if s["op"] == "gen" and "json_schema" in s}
# A json_schema gen's capture is the JSON value it generated; a capture in
# `depth` loops is that many levels of lists (null for an iteration that did
# not reach it); one the run did not reach is null.
def shaped(value, capture, depth):
    if value is None:
        return True
    if depth > 0:
        return isinstance(value, list) and all(
            shaped(item, capture, depth - 1) for item in value)
    slot = capture["slot"]
    if slot in forks:
        return isinstance(value, list) and all(
            object_shaped(branch, forks[slot]) for branch in value)
    if slot in calls:
        return object_shaped(value, calls[slot])
    return slot in typed or isinstance(value, str)
def object_shaped(pairs, indices):
    if not isinstance(pairs, list) or not all(
            isinstance(p, tuple) for p in pairs):
        return False
    listed = [program["captures"][i] for i in indices]
    return [k for k, _ in pairs] == [c["name"] for c in listed] and all(
        shaped(v, c, c.get("depth", 0)) for c, (_, v) in zip(listed, pairs))
top = [i for i in range(len(program["captures"])) if i not in in_fork]
if not object_shaped(captures, top):
    want = [program["captures"][i]["name"] for i in top]
    sys.exit(f"FAIL {name}: the output {captures!r} does not have the "
             f"captures {want} in their shapes")
PY
  echo "ok $name: $(cat "$work/$name.out1")"
  count=$((count + 1))
done
[ "$count" -gt 0 ] || { echo "FAIL: no examples in $examples" >&2; exit 1; }
echo "examples: $count ok"
