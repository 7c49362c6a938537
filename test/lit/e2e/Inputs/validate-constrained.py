#!/usr/bin/python3
"""validate-constrained.py PLAN_JSON OUTPUTS_JSONL - check constrained captures.

An independent check of sglrun's constrained gens: PLAN_JSON is the plan as
`sglc --emit=plan-json` prints it (one program), OUTPUTS_JSONL one line of
captures per run (sglrun's output, or batch records with "captures"). Every
regex capture must be a string that re.fullmatch accepts, every json_schema
capture a JSON value that jsonschema validates, with its FormatChecker.
Prints one summary line; exits 1 listing every failure.
"""
import json
import re
import sys

import jsonschema


def steps(block):
    """The steps of a block and of the blocks inside them, in order."""
    for step in block:
        yield step
        for key in ("then", "else", "body"):
            yield from steps(step.get(key, []))


def main():
    plan_path, outputs_path = sys.argv[1:]
    plan = json.load(open(plan_path, encoding="utf-8"))
    program = plan["programs"][0]
    names = {c["slot"]: c["name"] for c in program["captures"]}
    constraints = {}
    for step in steps(program["steps"]):
        if step["op"] != "gen":
            continue
        if "regex" in step:
            constraints[names[step["slot"]]] = ("regex", re.compile(step["regex"]))
        elif "json_schema" in step:
            schema = json.loads(step["json_schema"])
            jsonschema.validators.validator_for(schema).check_schema(schema)
            constraints[names[step["slot"]]] = ("json_schema", schema)
    if not constraints:
        sys.exit("the plan has no constrained gen")

    failures = []
    counts = {"regex": 0, "json_schema": 0}
    distinct = {name: set() for name in constraints}
    runs = 0
    for number, line in enumerate(open(outputs_path, encoding="utf-8"), 1):
        record = json.loads(line)
        captures = record.get("captures", record)
        runs += 1
        for name, (kind, rule) in constraints.items():
            value = captures[name]
            distinct[name].add(json.dumps(value, sort_keys=True))
            if kind == "regex":
                if not isinstance(value, str) or not rule.fullmatch(value):
                    failures.append(f"run {number}: {name} = {value!r} does not match {rule.pattern!r}")
                    continue
            else:
                errors = list(jsonschema.Draft202012Validator(
                    rule, format_checker=jsonschema.FormatChecker()).iter_errors(value))
                if errors:
                    failures.append(f"run {number}: {name} = {json.dumps(value)}: {errors[0].message}")
                    continue
            counts[kind] += 1
    for failure in failures:
        print("FAIL", failure)
    varied = sum(1 for values in distinct.values() if len(values) > 1)
    print(f"{runs} runs: {counts['regex']} regex captures match, "
          f"{counts['json_schema']} json_schema captures valid, "
          f"{varied} of {len(constraints)} gens vary")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
