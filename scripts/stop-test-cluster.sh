#!/usr/bin/env bash
# Stops exactly the nodes that start-test-cluster.sh recorded in $QDB_RUN_DIR (default: as
# start-test-cluster.sh chose it).
# Safe to run twice: with nothing recorded it says so and exits 0.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# the default run folder: .run/ in a source checkout; outside node_modules when run from the installed package
case "$root" in
*/node_modules/*) default_run_dir="${TMPDIR:-/tmp}/qdb-router-$(id -u)/test-cluster" ;;
*) default_run_dir="$root/.run/test-cluster" ;;
esac
run_dir=${QDB_RUN_DIR:-$default_run_dir}
shopt -s nullglob
pid_files=("$run_dir"/node-*.pid)
if [ ${#pid_files[@]} -eq 0 ]; then
  echo "no test cluster recorded in $run_dir"
  exit 0
fi
ours() { [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -q 'qdb-router.* node --port'; }
for f in "${pid_files[@]}"; do
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null && ours "$pid"; then
    kill -CONT "$pid" 2>/dev/null || true
    kill -TERM "$pid" 2>/dev/null || true
  fi
done
for f in "${pid_files[@]}"; do
  pid=$(cat "$f")
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null && ours "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -f "$f"
done
echo "test cluster stopped (${#pid_files[@]} nodes)"
