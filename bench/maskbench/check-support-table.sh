#!/usr/bin/env bash
# check-support-table.sh SGL_MASKBENCH DOC SUITE_DIR [--update]
#
# DOC (docs/constraints.md) holds, between the lines
#   <!-- BEGIN test-suite table -->  and  <!-- END test-suite table -->,
# what `sgl-maskbench --test-suite SUITE_DIR --support-table` prints. This
# fails, with the difference, when the two differ; --update rewrites DOC's
# table instead. Without SUITE_DIR (../shared/testdata is not part of a
# checkout) it skips with status 77, unless $CI is set: then it fails.
set -euo pipefail

if [ $# -lt 3 ] || [ $# -gt 4 ] || { [ $# -eq 4 ] && [ "$4" != --update ]; }; then
  echo "usage: $0 SGL_MASKBENCH DOC SUITE_DIR [--update]" >&2
  exit 2
fi
tool=$1 doc=$2 suite=$3 update=${4:-}
begin='<!-- BEGIN test-suite table -->'
end='<!-- END test-suite table -->'

if [ ! -d "$suite" ]; then
  if [ -n "${CI:-}" ]; then
    echo "error: no JSON-Schema-Test-Suite at $suite, and CI is set" >&2
    exit 1
  fi
  echo "skipped: no JSON-Schema-Test-Suite at $suite"
  exit 77
fi
if [ "$(grep -cxF "$begin" "$doc")" != 1 ] || [ "$(grep -cxF "$end" "$doc")" != 1 ]; then
  echo "error: $doc needs exactly one '$begin' and one '$end' line" >&2
  exit 1
fi

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$tool" --test-suite "$suite" --support-table > "$dir/fresh"
awk -v b="$begin" -v e="$end" '$0 == e { inside = 0 } inside { print } $0 == b { inside = 1 }' \
  "$doc" > "$dir/committed"

if [ "$update" = --update ]; then
  awk -v b="$begin" -v e="$end" -v fresh="$dir/fresh" '
    $0 == e { while ((getline line < fresh) > 0) print line; inside = 0 }
    !inside { print }
    $0 == b { inside = 1 }' "$doc" > "$dir/doc"
  cat "$dir/doc" > "$doc"
  echo "updated the test-suite table in $doc"
  exit 0
fi
if ! diff -u --label "$doc (committed)" --label "sgl-maskbench --support-table" \
    "$dir/committed" "$dir/fresh"; then
  echo "error: the test-suite table in $doc is stale; rewrite it with" >&2
  echo "  $0 $tool $doc $suite --update" >&2
  exit 1
fi
echo "the test-suite table in $doc is up to date"
