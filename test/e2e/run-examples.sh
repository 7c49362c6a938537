#!/usr/bin/env bash
# run-examples.sh EXAMPLES_DIR WORK_DIR - every example, end to end.
#
# For each EXAMPLES_DIR/*.sgl: compile it with sglc, run the plan with sglrun
# on the built-in default model with the example's arguments (its
# NAME.args.json, else the --args of its usage comment
# "//   sglrun x.sglp --args '{...}'", else {}), and check that
#   - sglrun exits 0, prints exactly one line and nothing on stderr,
#   - the line is a JSON object whose keys are the plan's captures, in order,
#     each a string (a json_schema gen's: any JSON value; inside loops:
#     nested lists of those, or null where an iteration did not reach it;
#     null for a capture the run did not reach),
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
captures = json.loads(lines[0], object_pairs_hook=list)
if not isinstance(captures, list):
    sys.exit(f"FAIL {name}: output is not a JSON object")
plan = json.load(open(plan_path, encoding="utf-8"))
program = plan["programs"][0]
want = [c["name"] for c in program["captures"]]
got = [k for k, v in captures]
if got != want:
    sys.exit(f"FAIL {name}: captures {got}, plan has {want}")
# A json_schema gen's capture is the JSON value it generated; a capture in
# `depth` loops is that many levels of lists (null for an iteration that did
# not reach it); one the run did not reach is null.
def steps(block):
    for step in block:
        yield step
        for key in ("then", "else", "body"):
            yield from steps(step.get(key, []))
typed = {s["slot"] for s in steps(program["steps"])
         if s["op"] == "gen" and "json_schema" in s}
def shaped(value, depth, json_value):
    if value is None:
        return True
    if depth == 0:
        return json_value or isinstance(value, str)
    return isinstance(value, list) and all(
        shaped(item, depth - 1, json_value) for item in value)
for c, (k, v) in zip(program["captures"], captures):
    if not shaped(v, c.get("depth", 0), c["slot"] in typed):
        sys.exit(f"FAIL {name}: capture {k} has the wrong shape: {v!r}")
PY
  echo "ok $name: $(cat "$work/$name.out1")"
  count=$((count + 1))
done
[ "$count" -gt 0 ] || { echo "FAIL: no examples in $examples" >&2; exit 1; }
echo "examples: $count ok"
