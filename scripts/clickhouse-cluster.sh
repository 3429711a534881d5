#!/usr/bin/env bash
# Private ClickHouse cluster for tests: one standalone ZooKeeper and four
# clickhouse-server processes (2 shards x 2 replicas), each with its own data
# dir and ports, loopback only, so it never touches a system server.
#
#   scripts/clickhouse-cluster.sh start|stop|status|addrs|install|reset
#   scripts/clickhouse-cluster.sh stop-node N|start-node N     (N = 1..4)
#
# start prints one token, 127.0.0.1:<node 1 tcp port>/<cluster>, e.g.
#   export DVC_TEST_CLICKHOUSE_CLUSTER="$(scripts/clickhouse-cluster.sh start)"
# and exits 0 at once if the cluster is already up. stop-node kills the
# server with SIGKILL (a crash, as failover tests need; NODE_STOP_SIGNAL=TERM
# for a clean shutdown), waits until the process is gone and then until
# ZooKeeper has expired its session (~4 s), so the other nodes see its
# replicas inactive; start-node waits until the node answers (its replicas
# catch up in the background). reset stops everything and deletes CLUSTER_DIR
# (start time grows with the tables left behind: ~1.5 s per 60 tables).
#
# Shard 1 = nodes 1,2; shard 2 = nodes 3,4; macros {shard} = 01|02,
# {replica} = r1|r2. Environment: CLUSTER_DIR (default .ch-cluster under the
# repo), CLUSTER_BASE_PORT (19400: node i tcp = base+i, http = base+10+i,
# interserver = base+20+i, ZooKeeper client port = base+30), CH_CLUSTER
# (cluster name, dvc), CH_LOG_LEVEL (server log level, warning).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
CLUSTER_DIR=${CLUSTER_DIR:-$here/.ch-cluster}
CLUSTER_BASE_PORT=${CLUSTER_BASE_PORT:-19400}
CH_CLUSTER=${CH_CLUSTER:-dvc}
CH_LOG_LEVEL=${CH_LOG_LEVEL:-warning}
NODE_STOP_SIGNAL=${NODE_STOP_SIGNAL:-KILL}
server=${CLICKHOUSE_SERVER:-/usr/sbin/clickhouse-server}
client=${CLICKHOUSE_CLIENT:-/usr/bin/clickhouse-client}
java=${JAVA:-/usr/bin/java}
zk_jar=/usr/share/java/zookeeper.jar
# zookeeper.jar's manifest names its other jars; slf4j-simple sends its log
# to stderr, which goes to our log file.
zk_classpath=$zk_jar:/usr/share/java/slf4j-simple.jar
nodes=(1 2 3 4)
# A killed node's ZooKeeper session, and with it the is_active znodes of its
# replicas, lives this long; until it expires a restarted node cannot
# activate its replicas ("appears to be already active").
zk_session_ms=4000

tcp_port() { echo $((CLUSTER_BASE_PORT + $1)); }
http_port() { echo $((CLUSTER_BASE_PORT + 10 + $1)); }
interserver_port() { echo $((CLUSTER_BASE_PORT + 20 + $1)); }
zk_port() { echo $((CLUSTER_BASE_PORT + 30)); }
node_dir() { echo "$CLUSTER_DIR/node$1"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
log() { echo "clickhouse-cluster: $*" >&2; }

install() {
  if [ -x "$server" ] && [ -x "$client" ] && [ -f "$zk_jar" ] && [ -x "$java" ]; then
    return 0
  fi
  if [ "$(id -u)" != 0 ]; then
    log "missing packages; run as root or: apt-get install -y clickhouse-server clickhouse-client zookeeper"
    exit 1
  fi
  log "installing clickhouse-server, clickhouse-client and zookeeper from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # policy-rc.d may refuse to start the system services; we never use them.
  apt-get install -y -qq clickhouse-server clickhouse-client zookeeper >/dev/null
}

# running PID: the process exists and is not a zombie (an unreaped, dead
# child of an init that does not reap counts as gone).
running() {
  kill -0 "$1" 2>/dev/null || return 1
  [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" != Z ]
}

# pid_of FILE prints the pid recorded in FILE if that process is alive and
# was started from our CLUSTER_DIR (a stale file whose pid was reused is not
# ours).
pid_of() {
  local f=$1 pid
  [ -f "$f" ] || return 1
  pid=$(cat "$f")
  [ -n "$pid" ] && running "$pid" || return 1
  case "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" in
    *"$CLUSTER_DIR"*) echo "$pid" ;;
    *) return 1 ;;
  esac
}

# zk_cmd WORD sends a ZooKeeper four-letter command and prints the answer.
zk_cmd() {
  timeout 2 bash -c 'exec 3<>/dev/tcp/127.0.0.1/'"$(zk_port)"'; printf '"$1"' >&3; cat <&3' 2>/dev/null
}

zk_alive() {
  # srvr answers "Mode: standalone" only once the server serves requests.
  local out
  out=$(zk_cmd srvr) || true
  case "$out" in *Mode:*) return 0 ;; *) return 1 ;; esac
}

# zk_session_of PID prints the ZooKeeper session id of the server PID, found
# through its client port (ss) in the list of connections (cons).
zk_session_of() {
  local port
  command -v ss >/dev/null || return 1
  port=$(ss -tnpH state established "( dport = :$(zk_port) )" 2>/dev/null |
    awk -v p="pid=$1," 'index($0, p) { n = split($3, a, ":"); print a[n] }' | head -n 1)
  [ -n "$port" ] || return 1
  zk_cmd cons | grep -F "/127.0.0.1:$port[" | grep -o 'sid=0x[0-9a-f]*' | cut -d= -f2
}

# wait_session_gone SID waits until ZooKeeper has expired session SID (it no
# longer holds ephemeral znodes).
wait_session_gone() {
  local sid=$1 out
  for _ in $(seq 1 120); do
    # Read the whole answer first: grep -q in a pipe would end it early and
    # pipefail would turn the broken pipe into a false "gone".
    out=$(zk_cmd dump) || true
    case "$out" in *"$sid"*) ;; *) return 0 ;; esac
    sleep 0.25
  done
  log "zookeeper session $sid did not expire within 30 s"
  return 1
}

node_alive() {
  "$client" --host 127.0.0.1 --port "$(tcp_port "$1")" --query 'SELECT 1' >/dev/null 2>&1
}

write_zk_config() {
  mkdir -p "$CLUSTER_DIR/zk/data" "$CLUSTER_DIR/zk/log"
  # tickTime 1000 allows session timeouts down to 2 s, so a killed node's
  # ephemeral nodes (is_active of its replicas) go away quickly.
  cat >"$CLUSTER_DIR/zk/zoo.cfg" <<CFG
tickTime=1000
initLimit=10
syncLimit=5
dataDir=$CLUSTER_DIR/zk/data
clientPort=$(zk_port)
clientPortAddress=127.0.0.1
maxClientCnxns=0
admin.enableServer=false
4lw.commands.whitelist=srvr,ruok,stat,mntr,cons,dump
autopurge.purgeInterval=1
autopurge.snapRetainCount=3
CFG
}

start_zk() {
  if zk_alive; then return 0; fi
  write_zk_config
  local t0; t0=$(now)
  nohup "$java" -Xms16m -Xmx256m -XX:+UseSerialGC -Dzookeeper.jmx.log4j.disable=true \
    -Dzookeeper.cluster.dir="$CLUSTER_DIR" -cp "$zk_classpath" \
    org.apache.zookeeper.server.ZooKeeperServerMain "$CLUSTER_DIR/zk/zoo.cfg" \
    </dev/null >"$CLUSTER_DIR/zk/log/zookeeper.log" 2>&1 9>&- &
  echo $! >"$CLUSTER_DIR/zk/zk.pid"
  for _ in $(seq 1 120); do
    if zk_alive; then log "zookeeper up on 127.0.0.1:$(zk_port) in $(since "$t0") s"; return 0; fi
    if ! pid_of "$CLUSTER_DIR/zk/zk.pid" >/dev/null; then
      log "zookeeper exited; last log lines:"
      tail -n 30 "$CLUSTER_DIR/zk/log/zookeeper.log" >&2 || true
      exit 1
    fi
    sleep 0.25
  done
  log "zookeeper did not answer on port $(zk_port) within 30 s"
  exit 1
}

remote_servers_xml() {
  local s r n
  echo "  <remote_servers>"
  echo "    <$CH_CLUSTER>"
  for s in 1 2; do
    echo "      <shard>"
    echo "        <internal_replication>true</internal_replication>"
    for r in 1 2; do
      n=$(((s - 1) * 2 + r))
      echo "        <replica><host>127.0.0.1</host><port>$(tcp_port "$n")</port></replica>"
    done
    echo "      </shard>"
  done
  echo "    </$CH_CLUSTER>"
  echo "  </remote_servers>"
}

write_node_config() {
  local i=$1 d shard replica
  d=$(node_dir "$i")
  shard=$(printf '%02d' $(((i + 1) / 2)))
  replica=r$(((i + 1) % 2 + 1))
  mkdir -p "$d"/{data,tmp,log,user_files,format_schemas}
  cat >"$d/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger>
    <level>$CH_LOG_LEVEL</level>
    <log>$d/log/server.log</log>
    <errorlog>$d/log/server.err.log</errorlog>
    <size>100M</size>
    <count>2</count>
  </logger>
  <listen_host>127.0.0.1</listen_host>
  <tcp_port>$(tcp_port "$i")</tcp_port>
  <http_port>$(http_port "$i")</http_port>
  <interserver_http_port>$(interserver_port "$i")</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <path>$d/data/</path>
  <tmp_path>$d/tmp/</tmp_path>
  <user_files_path>$d/user_files/</user_files_path>
  <format_schema_path>$d/format_schemas/</format_schema_path>
  <mark_cache_size>268435456</mark_cache_size>
  <max_concurrent_queries>100</max_concurrent_queries>
  <users_config>$CLUSTER_DIR/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
$(remote_servers_xml)
  <zookeeper>
    <node><host>127.0.0.1</host><port>$(zk_port)</port></node>
    <session_timeout_ms>$zk_session_ms</session_timeout_ms>
  </zookeeper>
  <macros>
    <shard>$shard</shard>
    <replica>$replica</replica>
  </macros>
  <distributed_ddl>
    <path>/clickhouse/task_queue/ddl</path>
  </distributed_ddl>
</yandex>
XML
}

write_users() {
  mkdir -p "$CLUSTER_DIR"
  cat >"$CLUSTER_DIR/users.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>4000000000</max_memory_usage></default></profiles>
  <users>
    <default>
      <password></password>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
XML
}

# spawn_node starts node $1 in the background without waiting for it.
spawn_node() {
  local i=$1 d
  d=$(node_dir "$i")
  write_node_config "$i"
  nohup "$server" --config-file="$d/config.xml" </dev/null >"$d/log/stdout.log" 2>&1 9>&- &
  echo $! >"$d/server.pid"
}

wait_node() {
  local i=$1 d
  d=$(node_dir "$i")
  for _ in $(seq 1 240); do
    if node_alive "$i"; then return 0; fi
    if ! pid_of "$d/server.pid" >/dev/null; then
      log "node $i exited; last log lines:"
      tail -n 30 "$d/log/server.err.log" "$d/log/stdout.log" >&2 2>/dev/null || true
      return 1
    fi
    sleep 0.25
  done
  log "node $i did not answer on port $(tcp_port "$i") within 60 s"
  return 1
}

cluster_token() { echo "127.0.0.1:$(tcp_port 1)/$CH_CLUSTER"; }

all_alive() {
  local i
  zk_alive || return 1
  for i in "${nodes[@]}"; do node_alive "$i" || return 1; done
}

start() {
  install
  if all_alive; then cluster_token; return 0; fi
  local t0 i started=() failed=0
  t0=$(now)
  write_users
  start_zk
  for i in "${nodes[@]}"; do
    if node_alive "$i"; then continue; fi
    spawn_node "$i"
    started+=("$i")
  done
  for i in "${started[@]}"; do wait_node "$i" || failed=1; done
  if [ "$failed" = 1 ]; then exit 1; fi
  log "cluster $CH_CLUSTER up in $(since "$t0") s (nodes $(addrs), zookeeper 127.0.0.1:$(zk_port))"
  cluster_token
}

# kill_pidfile FILE SIGNAL sends SIGNAL to the process in FILE, waits until
# it is gone (SIGKILL after 60 s) and removes FILE.
kill_pidfile() {
  local f=$1 sig=$2 pid
  if pid=$(pid_of "$f"); then
    kill -s "$sig" "$pid" 2>/dev/null || true
    for _ in $(seq 1 600); do running "$pid" || break; sleep 0.1; done
    if running "$pid"; then
      kill -9 "$pid" 2>/dev/null || true
      while running "$pid"; do sleep 0.1; done
    fi
  fi
  rm -f "$f"
}

check_node_arg() {
  case "${1:-}" in
    1 | 2 | 3 | 4) ;;
    *) echo "usage: $0 stop-node|start-node N   (N = 1..4)" >&2; exit 2 ;;
  esac
}

# stop_node kills node $1, waits until the process is gone and then until
# ZooKeeper has expired its session, so the other nodes see its replicas as
# inactive and a restart can activate them at once.
stop_node() {
  check_node_arg "${1:-}"
  local f pid sid="" t0
  t0=$(now)
  f="$(node_dir "$1")/server.pid"
  if pid=$(pid_of "$f"); then sid=$(zk_session_of "$pid" || true); fi
  kill_pidfile "$f" "$NODE_STOP_SIGNAL"
  if [ -n "$sid" ]; then wait_session_gone "$sid" || exit 1; fi
  log "node $1 stopped in $(since "$t0") s${sid:+ (zookeeper session $sid expired)}"
}

start_node() {
  check_node_arg "${1:-}"
  install
  if node_alive "$1"; then return 0; fi
  local t0; t0=$(now)
  write_users
  start_zk
  spawn_node "$1"
  wait_node "$1" || exit 1
  log "node $1 up in $(since "$t0") s"
}

listening() {
  command -v ss >/dev/null || return 1
  local p pat=""
  for p in $(seq $((CLUSTER_BASE_PORT + 1)) $((CLUSTER_BASE_PORT + 30))); do
    pat="$pat|:$p"
  done
  ss -ltnH 2>/dev/null | awk '{print $4}' | grep -E "(${pat#|})\$"
}

stop() {
  local t0 i
  t0=$(now)
  for i in "${nodes[@]}"; do
    kill_pidfile "$(node_dir "$i")/server.pid" TERM &
  done
  wait
  kill_pidfile "$CLUSTER_DIR/zk/zk.pid" TERM
  if left=$(listening); then
    log "still listening after stop: $(echo "$left" | tr '\n' ' ')"
    exit 1
  fi
  log "stopped in $(since "$t0") s"
}

status() {
  local i down=0
  if zk_alive; then echo "zookeeper up on 127.0.0.1:$(zk_port)"; else echo "zookeeper down"; down=1; fi
  for i in "${nodes[@]}"; do
    if node_alive "$i"; then echo "node $i up on 127.0.0.1:$(tcp_port "$i")"; else echo "node $i down"; down=1; fi
  done
  return "$down"
}

addrs() {
  local i out=""
  for i in "${nodes[@]}"; do out="$out,127.0.0.1:$(tcp_port "$i")"; done
  echo "${out#,}"
}

# lock serialises commands that start or stop processes, so concurrent
# callers (go test runs packages in parallel) never start a second ZooKeeper
# or server over the first and lose its pid file. Fd 9 is closed in every
# process we spawn, or the servers would hold the lock forever.
lock() {
  mkdir -p "$CLUSTER_DIR"
  exec 9>"$CLUSTER_DIR/lock"
  if command -v flock >/dev/null; then flock 9; fi
}

case "${1:-}" in
  start | stop | reset | stop-node | start-node) lock ;;
esac

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  reset) stop && rm -rf "$CLUSTER_DIR" ;;
  status) status ;;
  addrs) addrs ;;
  stop-node) stop_node "${2:-}" ;;
  start-node) start_node "${2:-}" ;;
  *) echo "usage: $0 start|stop|status|addrs|install|reset|stop-node N|start-node N" >&2; exit 2 ;;
esac
