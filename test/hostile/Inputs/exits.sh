#!/usr/bin/env bash
# exits.sh N CMD [ARGS...]: runs CMD and succeeds only if it exits with
# status N (not merely non-zero: a crash, 2 for 1 or 1 for 2 all fail).
want="$1"
shift
"$@"
got=$?
if [ "$got" -ne "$want" ]; then
  echo "exits.sh: '$1' exited with $got, expected $want" >&2
  exit 1
fi
