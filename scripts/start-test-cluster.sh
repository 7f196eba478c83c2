#!/usr/bin/env bash
# Starts a local test cluster in the background: one `qdb-router node` process per port.
# Ports: $TEST_SERVER_PORTS (default 7000,7001,7002). Pids and logs go to $QDB_RUN_DIR (default .run/test-cluster
# in a checkout, ${TMPDIR:-/tmp}/qdb-router-UID/test-cluster when installed under node_modules).
# Returns once every node answers a ping; a port already in use is an error naming it, with nothing left running.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ports=${TEST_SERVER_PORTS:-7000,7001,7002}
# the default run folder: .run/ in a source checkout; outside node_modules when run from the installed package
case "$root" in
*/node_modules/*) default_run_dir="${TMPDIR:-/tmp}/qdb-router-$(id -u)/test-cluster" ;;
*) default_run_dir="$root/.run/test-cluster" ;;
esac
run_dir=${QDB_RUN_DIR:-$default_run_dir}
cli="$root/bin/qdb-router.js"
[ -f "$root/dist/cli/main.js" ] || (cd "$root" && npm run build --silent)
mkdir -p "$run_dir"

if compgen -G "$run_dir/node-*.pid" >/dev/null; then
  echo "start-test-cluster: a cluster from $run_dir is still recorded; run scripts/stop-test-cluster.sh first" >&2
  exit 1
fi

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
IFS=',' read -r -a port_list <<<"$ports"
for port in "${port_list[@]}"; do
  if ! [[ $port =~ ^[0-9]+$ ]] || ((port < 1 || port > 65535)); then
    echo "start-test-cluster: bad port '$port' in TEST_SERVER_PORTS=$ports" >&2
    exit 2
  fi
  if port_busy "$port"; then
    echo "start-test-cluster: port $port is already in use (TEST_SERVER_PORTS=$ports)" >&2
    exit 1
  fi
done

id=0
for port in "${port_list[@]}"; do
  id=$((id + 1))
  nohup node "$cli" node --port "$port" --node-id "$id" >"$run_dir/node-$port.log" 2>&1 &
  echo $! >"$run_dir/node-$port.pid"
done

for port in "${port_list[@]}"; do
  ok=""
  for _ in $(seq 1 50); do
    if node "$cli" ping "127.0.0.1:$port" --count 1 --timeout 500 >/dev/null 2>&1; then
      ok=1
      break
    fi
    pid=$(cat "$run_dir/node-$port.pid")
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 0.2
  done
  if [ -z "$ok" ]; then
    echo "start-test-cluster: node on port $port did not answer a ping; its log:" >&2
    sed 's/^/  /' "$run_dir/node-$port.log" >&2 || true
    QDB_RUN_DIR="$run_dir" bash "$root/scripts/stop-test-cluster.sh" >/dev/null
    exit 1
  fi
done
echo "test cluster up on ports $ports (pids and logs in $run_dir)"
