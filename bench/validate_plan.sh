#!/usr/bin/env bash
# Benchmark: `uet-actors validate` and `plan phase-all` on N synthetic
# workstreams (default 1000 and 10000), beside peers run in the same go on
# the same DAG: yaml-cpp parse-only on one thread, `ninja -n`, `make -n`.
# Prints a Markdown table of median wall time (5 runs) and peak RSS.
#   bench/validate_plan.sh [N ...]        (after scripts/build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v /usr/bin/time >/dev/null || apt-get install -y -qq time >/dev/null
bin=build/uet-actors
out=bench/out
runs=${RUNS:-5}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)

# median wall seconds and max RSS MB over $runs runs of "$@" in $dir
measure() {
  local dir=$1; shift
  local walls=() rss=0
  for _ in $(seq "$runs"); do
    local line
    line=$( (cd "$dir" && /usr/bin/time -f "%e %M" "$@" >/dev/null 2>/tmp/uet-bench-err) 2>&1; tail -1 /tmp/uet-bench-err)
    walls+=("$(echo "$line" | awk '{print $1}')")
    local kb; kb=$(echo "$line" | awk '{print $2}')
    (( kb > rss )) && rss=$kb
  done
  local median; median=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  echo "$median $((rss / 1024))"
}

echo "| N | command | median wall (s) | peak RSS (MB) | vs yaml-cpp parse-only |"
echo "|---|---|---|---|---|"
for n in "${sizes[@]}"; do
  dir=$out/validate-$n
  rm -rf "$dir"
  build/uet-bench-gen "$dir" "$n" >/dev/null
  root=$(pwd)
  read -r peer peer_rss < <(measure "$dir" "$root/build/uet-bench-yaml-peer" .)
  read -r val val_rss < <(measure "$dir" "$root/$bin" validate)
  read -r pl pl_rss < <(measure "$dir" "$root/$bin" plan phase-all)
  read -r nin nin_rss < <(measure "$dir" ninja -n)
  read -r mk mk_rss < <(measure "$dir" make -n)
  ratio() { awk -v a="$1" -v b="$peer" 'BEGIN { printf "%.2fx", (b > 0 ? a / b : 0) }'; }
  echo "| $n | uet-actors validate | $val | $val_rss | $(ratio "$val") |"
  echo "| $n | uet-actors plan phase-all | $pl | $pl_rss | $(ratio "$pl") |"
  echo "| $n | validate + plan | $(awk -v a="$val" -v b="$pl" 'BEGIN{print a+b}') | $(( val_rss > pl_rss ? val_rss : pl_rss )) | $(ratio "$(awk -v a="$val" -v b="$pl" 'BEGIN{print a+b}')") |"
  echo "| $n | peer: yaml-cpp parse only, 1 thread | $peer | $peer_rss | 1.00x |"
  echo "| $n | peer: ninja -n (same DAG) | $nin | $nin_rss | $(ratio "$nin") |"
  echo "| $n | peer: make -n (same DAG) | $mk | $mk_rss | $(ratio "$mk") |"
done
