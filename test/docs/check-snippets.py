#!/usr/bin/env python3
"""check-snippets.py SOURCE_ROOT WORK_DIR: compile every ```sgl block of
README.md and docs/*.md with sglc (from PATH); print one line per failure
and exit 1, or print "snippets: N compiled".

A block without a `program` is a fragment of statements and is compiled as
the body of one. Blocks are compiled next to copies of the examples' JSON
files, which snippets name as schemas."""
import pathlib
import re
import shutil
import subprocess
import sys

root, work = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
work.mkdir(parents=True, exist_ok=True)
for schema in (root / "examples").glob("*.json"):
    shutil.copy(schema, work)
files = [root / "README.md"] + sorted((root / "docs").glob("*.md"))
block = re.compile(r"^```sgl\n(.*?)^```", re.S | re.M)
count, failures = 0, []
for doc in files:
    for i, match in enumerate(block.finditer(doc.read_text(encoding="utf-8"))):
        line = doc.read_text(encoding="utf-8")[: match.start()].count("\n") + 1
        source = work / f"{doc.stem}-{i}.sgl"
        text = match.group(1)
        if not re.search(r"^\s*program\b", text, re.M):
            text = "program snippet() {\n" + text + "}\n"
        source.write_text(text, encoding="utf-8")
        result = subprocess.run(
            ["sglc", str(source), "-o", str(work / f"{doc.stem}-{i}.sglp")],
            capture_output=True, text=True)
        count += 1
        if result.returncode != 0 or "warning" in result.stderr:
            failures.append(f"{doc.relative_to(root)}:{line}: the sgl block "
                            f"does not compile cleanly:\n{result.stderr}")
for failure in failures:
    print(failure)
if failures:
    sys.exit(1)
print(f"snippets: {count} compiled")
