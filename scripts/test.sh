#!/usr/bin/env bash
# The whole test suite, as root on a fresh Debian machine: installs and starts
# a private ClickHouse (scripts/clickhouse-test-server.sh, in UTC like most
# current servers), runs go vet, the race-enabled tests with the ClickHouse
# integration tests enabled, `dvcindex doctor --selftest`, and the fuzz
# targets for a short fixed time; stops the server even on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
FUZZTIME=${FUZZTIME:-10s}

# Headless Chromium renders the HTML report in its test (Debian's package).
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing chromium from Debian for the HTML report test" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "chromium is missing: apt-get install -y chromium (as root)" >&2
    exit 1
  fi
fi
export DVC_TEST_CHROMIUM=${DVC_TEST_CHROMIUM:-$(command -v chromium)}

addr=$(scripts/clickhouse-test-server.sh start)
trap 'scripts/clickhouse-test-server.sh stop' EXIT
export DVC_TEST_CLICKHOUSE="$addr"
echo "ClickHouse for tests: $DVC_TEST_CLICKHOUSE ($(clickhouse-client --port "${addr##*:}" --query 'SELECT version()'))"

go vet ./...
go test -race -count=1 -timeout 25m ./...
# The self-test a user runs on a current server, run here as a user would.
# (The listing of every configuration key is left out; problems are not.)
DVC_CLICKHOUSE_ADDR="$addr" go run ./cmd/dvcindex --log-format json doctor --selftest | grep -v '^  [a-z_.]* *= '
# Every fuzz target of the module, each for a short fixed time.
for file in $(grep -rl --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]+\(' .); do
  pkg="./$(dirname "${file#./}")"
  for target in $(grep -oE '^func Fuzz[A-Za-z0-9_]+' "$file" | sed 's/^func //'); do
    echo "fuzz $pkg $target for $FUZZTIME"
    go test -run='^$' -fuzz="^${target}\$" -fuzztime="$FUZZTIME" -fuzzminimizetime=2s "$pkg"
  done
done
