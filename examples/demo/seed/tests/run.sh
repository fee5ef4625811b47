#!/bin/sh
# Runs every tests/*.t.sh; each exits non-zero on failure.
set -u
cd "$(dirname "$0")/.."
failed=0
for t in tests/*.t.sh; do
  [ -e "$t" ] || continue
  if sh "$t"; then echo "ok   $t"; else echo "FAIL $t"; failed=1; fi
done
exit $failed
