#!/usr/bin/env bash
# The whole test suite, as root on a fresh Debian machine: installs and starts
# a private ClickHouse (scripts/clickhouse-test-server.sh, in UTC like most
# current servers), runs go vet, the race-enabled tests with the ClickHouse
# integration tests enabled, the cluster's tests on a private 2x2 cluster
# (scripts/clickhouse-cluster.sh), `dvcindex doctor --selftest`, and the fuzz
# targets for a short fixed time; stops the servers even on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
FUZZTIME=${FUZZTIME:-5s}

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

# Prometheus and promtool (Debian's prometheus 2.42) for the alert rules'
# checks and cmd/dvcindex's Prometheus tests; its system service is never used.
scripts/prometheus-test.sh install

addr=$(scripts/clickhouse-test-server.sh start)
trap 'scripts/clickhouse-test-server.sh stop' EXIT
export DVC_TEST_CLICKHOUSE="$addr"
echo "ClickHouse for tests: $DVC_TEST_CLICKHOUSE ($(clickhouse-client --port "${addr##*:}" --query 'SELECT version()'))"
# The cluster (one ZooKeeper, 2 shards x 2 replicas; Debian's zookeeper is
# installed when missing), for the cluster's tests below (docs/cluster.md).
cluster=$(scripts/clickhouse-cluster.sh start)
trap 'scripts/clickhouse-cluster.sh stop; scripts/clickhouse-test-server.sh stop' EXIT
export DVC_TEST_CLICKHOUSE_CLUSTER="$cluster"
echo "ClickHouse cluster for tests: $DVC_TEST_CLICKHOUSE_CLUSTER"

go vet ./...
# The scrape snippet and the alert rules: promtool check config and check
# rules, then the rules' unit tests (docs/deploy/alerts_test.yml).
scripts/prometheus-test.sh check
# The race-enabled tests as a JSON stream, read by internal/testreport: it
# prints each package's ok/FAIL line and the failing tests' output, lists
# every skipped test and fails the run if any test skipped or failed (a skip
# in CI is a test that did not run), and ends with the line
# "N passed, M failed, K skipped" that CI reads.
# -timeout is per package binary. One generous value for all: the slowest
# package, cmd/dvcindex (every sync, serve and crash integration test against
# ClickHouse), takes 5–10 min under -race on a 2-core machine; the others
# take well under 2 min. 25m leaves room for a loaded machine without letting
# a hung test stall CI for long.
report=$(mktemp -d)/testreport
go build -o "$report" ./internal/testreport
# The cluster, in the background beside the race suite (its tests wait on
# ClickHouse's ON CLUSTER statements and replication far more than they
# compute): its own tests (the demo's data computed on the cluster equals
# one server's; a replica stopped mid-sync; a shard down; migrate with a
# node down), then the tests of scripts/on-cluster-tests.txt again with
# every database on the cluster (DVC_TEST_ON_CLUSTER): sync, an interrupted
# compute, and the report golden (compute, explain's data). The rest of the
# suite is not repeated there, to keep make test within its time: each test
# migrates a fresh database, about 11 s of ON CLUSTER statements, and the
# portal's transient faults do not reach the warehouse (docs/cluster.md).
# Their results are read after the race suite.
cluster_out=$(mktemp -d)
(
  rc=0
  go test -json -count=1 -timeout 15m -run '^TestCluster' ./cmd/dvcindex >"$cluster_out/own.json" 2>&1 || rc=$?
  echo "$rc" >"$cluster_out/own.rc"
  rc=0
  DVC_TEST_ON_CLUSTER=1 go test -json -count=1 -timeout 15m -run "$(paste -sd '|' scripts/on-cluster-tests.txt)" \
    ./cmd/dvcindex ./load >"$cluster_out/suite.json" 2>&1 || rc=$?
  echo "$rc" >"$cluster_out/suite.rc"
) &
cluster_pid=$!
set +o pipefail
# The cluster's tests run in the background (above), without the race detector.
go test -json -race -count=1 -timeout 25m -skip '^TestCluster' ./... 2>&1 | "$report"
statuses=("${PIPESTATUS[@]}")
set -o pipefail
if [ "${statuses[0]}" != 0 ] || [ "${statuses[1]}" != 0 ]; then
  echo "tests failed (go test exit ${statuses[0]}, report exit ${statuses[1]})" >&2
  exit 1
fi
# Tests over large data, too slow under the race detector (build tag
# !race; the code paths they run are race-tested by the smaller tests), on
# their own: reprocess over a 200k-dossier archive equals a fresh sync, a
# year of data (100k dossiers) reconciles with the published scores, and the
# analysts' cookbook (docs/analysts.md) answers on the demo's data; and
# serve's metrics pass promtool and a real Prometheus scrapes serve; and the
# early warning replays a month day by day (docs/watch.md, "Proof").
go test -json -count=1 -timeout 15m \
  -run 'At200k$|TestComputeAgreesWithOfficialScores$|TestCookbook|TestMetricsPassPromtool$|TestPrometheusScrapesServe$|TestWatchReplaysAMonth$' \
  ./cmd/dvcindex ./internal/watch 2>&1 | "$report"
wait "$cluster_pid" || true
for part in own suite; do
  echo "cluster tests ($part):"
  if ! "$report" <"$cluster_out/$part.json" || [ "$(cat "$cluster_out/$part.rc")" != 0 ]; then
    echo "cluster tests ($part) failed (go test exit $(cat "$cluster_out/$part.rc"))" >&2
    exit 1
  fi
done
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
