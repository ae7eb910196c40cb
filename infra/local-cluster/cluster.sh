#!/usr/bin/env bash
# A Pipeline cluster on one machine: Azurite (persisting to a folder) and N pipeline-silo processes in AzureTable mode,
# everything on 127.0.0.1. See infra/local-cluster/README.md.
#
#   eval "$(infra/local-cluster/cluster.sh up --silos 3 [--slots 1])"   start; stdout is only `export` lines for `pipeline`
#   infra/local-cluster/cluster.sh env              print those exports again
#   infra/local-cluster/cluster.sh pids             silo process ids, one a line (the pids a supervisor would signal)
#   infra/local-cluster/cluster.sh status           what runs, where its endpoints and logs are (stderr)
#   infra/local-cluster/cluster.sh restart-azurite [--kill]  stop Azurite (SIGTERM; --kill: SIGKILL) and start it
#                                                   again: same ports, same data (--kill may lose its last seconds of writes)
#   infra/local-cluster/cluster.sh down             SIGTERM everything, SIGKILL what is left after a bound
#
# Options of `up`: --silos N (default 2), --slots K (worker slots per silo, default 1), --configuration C (Release),
# --no-build, --timeout S (seconds to wait for the cluster, default 300), --keep-data (keep Azurite's data of a previous
# run). PIPELINE_CLUSTER_STATE overrides the state folder (default <repo>/.pipeline/local-cluster).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
state="${PIPELINE_CLUSTER_STATE:-$root/.pipeline/local-cluster}"
host=127.0.0.1
account=devstoreaccount1
# Azurite's published development key: not a secret, every Azurite has it.
account_key='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
silo_stop_seconds=45    # above the silos' own shutdown bound (Pipeline__Shutdown__Timeout, 30 s by default)
azurite_stop_seconds=10

say() { echo "cluster.sh: $*" >&2; }
die() { say "$*"; exit 1; }

usage() {
  sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# --- state ------------------------------------------------------------------------------------------------------------

load_state() {
  [ -f "$state/cluster.env" ] || die "no cluster in $state (start one with: cluster.sh up)"
  # shellcheck source=/dev/null
  source "$state/cluster.env"
}

connection_string() {
  echo "DefaultEndpointsProtocol=http;AccountName=$account;AccountKey=$account_key;BlobEndpoint=http://$host:$blob_port/$account;QueueEndpoint=http://$host:$queue_port/$account;TableEndpoint=http://$host:$table_port/$account;"
}

print_exports() {
  local cs
  cs="$(connection_string)"
  echo "export Pipeline__Cluster__Mode='AzureTable'"
  echo "export Pipeline__Cluster__ConnectionString='$cs'"
  echo "export Pipeline__Storage__ConnectionString='$cs'"
}

silo_pids() {
  local i
  for ((i = 1; i <= silos; i++)); do
    [ -f "$state/silo-$i.pid" ] && cat "$state/silo-$i.pid"
  done
  return 0
}

# True when pid runs and its command line mentions the pattern (a recycled pid is not ours).
is_running() {
  local pid="$1" pattern="$2"
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  local stat
  stat="$(cut -d')' -f2 "/proc/$pid/stat" 2>/dev/null | awk '{print $1}')" || return 1
  [ "$stat" != "Z" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$pattern"
}

# --- processes --------------------------------------------------------------------------------------------------------

free_ports() {
  node -e '
    const net = require("net");
    const count = Number(process.argv[1]), servers = [];
    for (let i = 0; i < count; i++) {
      const s = net.createServer();
      s.listen(0, "127.0.0.1", () => {
        servers.push(s);
        if (servers.length === count) {
          console.log(servers.map(x => x.address().port).join(" "));
          servers.forEach(x => x.close());
        }
      });
    }' "$1"
}

wait_for_port() {
  local port="$1" seconds="$2" what="$3" pid="$4" pattern="$5"
  local deadline=$((SECONDS + seconds))
  until (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; do
    is_running "$pid" "$pattern" || return 1
    [ "$SECONDS" -lt "$deadline" ] || { say "$what did not listen on $host:$port within $seconds s"; return 1; }
    sleep 0.2
  done
}

# A killed process's listening socket can accept for a moment after it died: wait until the port refuses.
wait_for_port_closed() {
  local port="$1" seconds="$2"
  local deadline=$((SECONDS + seconds))
  while (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || { say "port $host:$port still accepts after $seconds s"; return 1; }
    sleep 0.1
  done
}

start_azurite() {
  local script="$root/infra/azurite/node_modules/azurite/dist/src/azurite.js"
  [ -f "$script" ] || die "Azurite is not installed: run npm ci --prefix infra/azurite"
  mkdir -p "$state/azurite" "$state/logs"
  nohup node "$script" \
    --blobHost "$host" --queueHost "$host" --tableHost "$host" \
    --blobPort "$blob_port" --queuePort "$queue_port" --tablePort "$table_port" \
    --location "$state/azurite" --loose --skipApiVersionCheck --silent --disableTelemetry \
    </dev/null >>"$state/logs/azurite.log" 2>&1 &
  echo $! >"$state/azurite.pid"
  wait_for_port "$blob_port" 60 Azurite "$!" azurite.js && wait_for_port "$table_port" 30 Azurite "$!" azurite.js ||
    { tail -n 20 "$state/logs/azurite.log" >&2; return 1; }
}

start_silo() {
  local i="$1" cs
  cs="$(connection_string)"
  local silo_port_var="silo_port_$i" gateway_port_var="gateway_port_$i" dashboard_port_var="dashboard_port_$i" prometheus_port_var="prometheus_port_$i"
  : >"$state/logs/silo-$i.log"
  # env(1) and then the silo's own in-place re-exec keep the pid: $! is the silo process itself.
  nohup env \
    Pipeline__Cluster__Mode=AzureTable \
    "Pipeline__Cluster__ConnectionString=$cs" \
    Pipeline__Cluster__AdvertisedAddress="$host" \
    Pipeline__Cluster__SiloPort="${!silo_port_var}" \
    Pipeline__Cluster__GatewayPort="${!gateway_port_var}" \
    "Pipeline__Storage__ConnectionString=$cs" \
    Pipeline__Workers__Slots="$slots" \
    Pipeline__Telemetry__DashboardPort="${!dashboard_port_var}" \
    Pipeline__Telemetry__PrometheusPort="${!prometheus_port_var}" \
    "$silo_bin" </dev/null >>"$state/logs/silo-$i.log" 2>&1 &
  echo $! >"$state/silo-$i.pid"
}

# SIGTERM the pids, wait up to a bound, SIGKILL whatever is left.
stop_pids() {
  local seconds="$1" pattern="$2"
  shift 2
  local pid left=()
  for pid in "$@"; do
    is_running "$pid" "$pattern" && kill -TERM "$pid" 2>/dev/null && left+=("$pid")
  done
  local deadline=$((SECONDS + seconds))
  while [ "${#left[@]}" -gt 0 ] && [ "$SECONDS" -lt "$deadline" ]; do
    local still=()
    for pid in "${left[@]}"; do is_running "$pid" "$pattern" && still+=("$pid"); done
    left=("${still[@]+"${still[@]}"}")
    [ "${#left[@]}" -eq 0 ] || sleep 0.2
  done
  for pid in "${left[@]+"${left[@]}"}"; do
    say "pid $pid did not stop within $seconds s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  done
}

# --- commands ---------------------------------------------------------------------------------------------------------

cmd_up() {
  set -E  # the ERR trap below must see failures inside functions too
  silos=2 slots=1 configuration=Release build=1 timeout=300 keep_data=0
  while [ $# -gt 0 ]; do
    case "$1" in
      --silos) silos="$2"; shift 2 ;;
      --slots) slots="$2"; shift 2 ;;
      --configuration) configuration="$2"; shift 2 ;;
      --no-build) build=0; shift ;;
      --timeout) timeout="$2"; shift 2 ;;
      --keep-data) keep_data=1; shift ;;
      *) usage ;;
    esac
  done
  [[ "$silos" =~ ^[1-9][0-9]*$ ]] || die "--silos takes a positive number, not '$silos'"
  [[ "$slots" =~ ^[0-9]+$ ]] || die "--slots takes a number, not '$slots'"

  if [ -f "$state/cluster.env" ]; then
    ( load_state; for pid in $(silo_pids) $(cat "$state/azurite.pid" 2>/dev/null); do is_running "$pid" "pipeline-silo\|azurite.js" && exit 1; done; exit 0 ) ||
      die "a cluster from $state still runs: cluster.sh down first"
  fi

  silo_bin="$root/src/Silo/bin/$configuration/net10.0/linux-x64/pipeline-silo"
  if [ "$build" = 1 ]; then
    [ -d "$root/infra/azurite/node_modules/azurite" ] || npm ci --prefix "$root/infra/azurite" --no-audit --no-fund >&2
    say "building src/Silo and src/Client ($configuration)"
    dotnet build "$root/src/Silo" -c "$configuration" -nologo -v quiet >&2
    dotnet build "$root/src/Client" -c "$configuration" -nologo -v quiet >&2
  fi
  [ -x "$silo_bin" ] || die "no $silo_bin (build it, or drop --no-build)"

  mkdir -p "$state/logs"
  rm -f "$state"/silo-*.pid "$state"/azurite.pid
  [ "$keep_data" = 1 ] || rm -rf "$state/azurite"

  local ports i
  read -r -a ports <<<"$(free_ports $((3 + 4 * silos)))"
  {
    echo "silos=$silos"
    echo "slots=$slots"
    echo "silo_bin='$silo_bin'"
    echo "blob_port=${ports[0]} queue_port=${ports[1]} table_port=${ports[2]}"
    for ((i = 1; i <= silos; i++)); do
      local base=$((3 + 4 * (i - 1)))
      echo "silo_port_$i=${ports[base]} gateway_port_$i=${ports[base + 1]} dashboard_port_$i=${ports[base + 2]} prometheus_port_$i=${ports[base + 3]}"
    done
  } >"$state/cluster.env"
  load_state

  # Whatever fails from here on leaves nothing running.
  trap 'say "start failed: stopping what was started"; cmd_down >/dev/null 2>&1 || true' ERR
  start_azurite
  for ((i = 1; i <= silos; i++)); do start_silo "$i"; done

  # Started = the host started all its services (the silo is Active in the membership table) and the gateway listens.
  local deadline=$((SECONDS + timeout))
  for ((i = 1; i <= silos; i++)); do
    local pid gateway_port_var="gateway_port_$i"
    pid="$(cat "$state/silo-$i.pid")"
    until grep -q "Application started" "$state/logs/silo-$i.log"; do
      if ! is_running "$pid" pipeline-silo; then
        tail -n 30 "$state/logs/silo-$i.log" >&2
        say "silo $i (pid $pid) exited before it started; log: $state/logs/silo-$i.log"
        false
      fi
      if [ "$SECONDS" -ge "$deadline" ]; then
        tail -n 30 "$state/logs/silo-$i.log" >&2
        say "silo $i (pid $pid) did not start within $timeout s; log: $state/logs/silo-$i.log"
        false
      fi
      sleep 0.5
    done
    wait_for_port "${!gateway_port_var}" 30 "silo $i gateway" "$pid" pipeline-silo
  done
  trap - ERR

  describe
  print_exports
}

describe() {
  local i pid
  say "Azurite: blob $host:$blob_port, queue $host:$queue_port, table $host:$table_port; data in $state/azurite (pid $(cat "$state/azurite.pid" 2>/dev/null))"
  for ((i = 1; i <= silos; i++)); do
    local silo_port_var="silo_port_$i" gateway_port_var="gateway_port_$i" dashboard_port_var="dashboard_port_$i" prometheus_port_var="prometheus_port_$i"
    pid="$(cat "$state/silo-$i.pid" 2>/dev/null || echo '?')"
    local alive=stopped
    is_running "$pid" pipeline-silo && alive=running
    say "silo $i: pid $pid ($alive), silo $host:${!silo_port_var}, gateway $host:${!gateway_port_var}, dashboard http://$host:${!dashboard_port_var}/, prometheus http://$host:${!prometheus_port_var}/metrics"
  done
  say "logs: $state/logs/ (silo-<n>.log, azurite.log)"
}

cmd_down() {
  [ -f "$state/cluster.env" ] || { say "no cluster in $state"; return 0; }
  load_state
  local pids
  pids="$(silo_pids)"
  # shellcheck disable=SC2086
  stop_pids "$silo_stop_seconds" pipeline-silo $pids
  stop_pids "$azurite_stop_seconds" azurite.js "$(cat "$state/azurite.pid" 2>/dev/null || true)"
  rm -f "$state"/silo-*.pid "$state/azurite.pid" "$state/cluster.env"
  say "stopped; logs and Azurite data stay in $state"
}

# Azurite keeps its metadata (blobs, extents, tables) in LokiJS databases it saves every 5 s and on shutdown, so a
# SIGKILL loses writes it acknowledged in the last seconds, which real Azure Storage never does. By default stop it
# with SIGTERM (it saves and exits): an outage to the silos with the same data. --kill crashes it (SIGKILL) instead.
cmd_restart_azurite() {
  local signal=TERM
  case "${1:-}" in
    "") ;;
    --kill) signal=KILL ;;
    *) usage ;;
  esac
  load_state
  local pid
  pid="$(cat "$state/azurite.pid" 2>/dev/null || true)"
  if is_running "$pid" azurite.js; then
    if [ "$signal" = KILL ]; then
      kill -KILL "$pid"
      say "killed Azurite (pid $pid, SIGKILL: writes of its last seconds may be lost)"
    else
      stop_pids "$azurite_stop_seconds" azurite.js "$pid"
      say "stopped Azurite (pid $pid)"
    fi
    wait_for_port_closed "$blob_port" 10
    wait_for_port_closed "$table_port" 10
  fi
  start_azurite
  say "Azurite runs again (pid $(cat "$state/azurite.pid")) on the same ports, with the data in $state/azurite"
}

case "${1:-}" in
  up) shift; cmd_up "$@" ;;
  down) cmd_down ;;
  env) load_state; print_exports ;;
  pids) load_state; silo_pids ;;
  status) load_state; describe ;;
  restart-azurite) shift; cmd_restart_azurite "$@" ;;
  *) usage ;;
esac
