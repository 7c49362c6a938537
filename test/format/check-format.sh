#!/usr/bin/env bash
# check-format.sh SOURCE_DIR CLANG_FORMAT: every C++ file of the project is
# formatted as .clang-format (LLVM style) says; prints the offending files.
set -euo pipefail
cd "$1"
if [ -d .git ] || git rev-parse --git-dir >/dev/null 2>&1; then
  files=$(git ls-files '*.cpp' '*.h' '*.cu')
else
  files=$(find compiler dialects runtime kernels bench test tools \
    -name '*.cpp' -o -name '*.h' -o -name '*.cu' 2>/dev/null)
fi
bad=$(echo "$files" | xargs "$2" --dry-run 2>&1 | grep -o '^[^:]*\.\(cpp\|h\|cu\)' | sort -u || true)
if [ -n "$bad" ]; then
  echo "not formatted (run: $2 -i FILE):"
  echo "$bad"
  exit 1
fi
echo "$(echo "$files" | wc -l) files formatted"
