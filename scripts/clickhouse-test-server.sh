#!/usr/bin/env bash
# Private ClickHouse for tests and the demo: its own data dir, loopback only,
# its own ports, so it never touches a system server.
#
#   scripts/clickhouse-test-server.sh start|stop|status|install
#
# Environment: CH_DIR (default .ch-test under the repo), CH_TCP_PORT (19000),
# CH_HTTP_PORT (18123). Prints the native address on start.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
CH_DIR=${CH_DIR:-$here/.ch-test}
CH_TCP_PORT=${CH_TCP_PORT:-19000}
CH_HTTP_PORT=${CH_HTTP_PORT:-18123}
server=${CLICKHOUSE_SERVER:-/usr/sbin/clickhouse-server}
client=${CLICKHOUSE_CLIENT:-/usr/bin/clickhouse-client}

install() {
  if [ -x "$server" ] && [ -x "$client" ]; then return 0; fi
  if [ "$(id -u)" != 0 ]; then
    echo "clickhouse-server is not installed; run as root or: apt-get install -y clickhouse-server clickhouse-client" >&2
    exit 1
  fi
  echo "installing clickhouse-server and clickhouse-client from Debian" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # policy-rc.d may refuse to start the system service; we never use it.
  apt-get install -y -qq clickhouse-server clickhouse-client >/dev/null
}

alive() {
  "$client" --host 127.0.0.1 --port "$CH_TCP_PORT" --query 'SELECT 1' >/dev/null 2>&1
}

write_config() {
  mkdir -p "$CH_DIR"/{data,tmp,log,user_files,format_schemas}
  cat >"$CH_DIR/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger>
    <level>warning</level>
    <log>$CH_DIR/log/server.log</log>
    <errorlog>$CH_DIR/log/server.err.log</errorlog>
    <size>100M</size>
    <count>2</count>
  </logger>
  <listen_host>127.0.0.1</listen_host>
  <tcp_port>$CH_TCP_PORT</tcp_port>
  <http_port>$CH_HTTP_PORT</http_port>
  <path>$CH_DIR/data/</path>
  <tmp_path>$CH_DIR/tmp/</tmp_path>
  <user_files_path>$CH_DIR/user_files/</user_files_path>
  <format_schema_path>$CH_DIR/format_schemas/</format_schema_path>
  <mark_cache_size>268435456</mark_cache_size>
  <max_concurrent_queries>100</max_concurrent_queries>
  <users_config>$CH_DIR/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <!-- UTC, as most current servers run: a time-zone assumption fails in CI. -->
  <timezone>UTC</timezone>
</yandex>
XML
  cat >"$CH_DIR/users.xml" <<XML
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

start() {
  install
  if alive; then echo "127.0.0.1:$CH_TCP_PORT"; return 0; fi
  write_config
  nohup "$server" --config-file="$CH_DIR/config.xml" >"$CH_DIR/log/stdout.log" 2>&1 &
  echo $! >"$CH_DIR/server.pid"
  for _ in $(seq 1 120); do
    if alive; then echo "127.0.0.1:$CH_TCP_PORT"; return 0; fi
    if ! kill -0 "$(cat "$CH_DIR/server.pid")" 2>/dev/null; then
      echo "clickhouse-server exited; last log lines:" >&2
      tail -n 30 "$CH_DIR/log/server.err.log" "$CH_DIR/log/stdout.log" >&2 2>/dev/null || true
      exit 1
    fi
    sleep 0.5
  done
  echo "clickhouse-server did not answer on port $CH_TCP_PORT within 60 s" >&2
  exit 1
}

stop() {
  local pidf="$CH_DIR/server.pid"
  [ -f "$pidf" ] || return 0
  local pid; pid=$(cat "$pidf")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidf"
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status) if alive; then echo "up on 127.0.0.1:$CH_TCP_PORT"; else echo down; exit 1; fi ;;
  *) echo "usage: $0 start|stop|status|install" >&2; exit 2 ;;
esac
