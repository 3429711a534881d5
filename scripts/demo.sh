#!/usr/bin/env bash
# End-to-end demo, as root on a fresh Debian machine:
#   simulated portal (cmd/portalsim) → dvcindex migrate → sync → ClickHouse,
# then prints dossiers and rejects per ward from the analysts' views.
#
# Uses DVC_CLICKHOUSE_ADDR if set, else starts the private test server
# (scripts/clickhouse-test-server.sh). DEMO_DOSSIERS (default 20000) sets the
# simulator's size.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
DEMO_DOSSIERS=${DEMO_DOSSIERS:-20000}
PORTAL_ADDR=${PORTAL_ADDR:-127.0.0.1:18089}
mkdir -p .demo

echo "== building"
go build -o bin/dvcindex ./cmd/dvcindex
go build -o bin/portalsim ./cmd/portalsim

if [ -z "${DVC_CLICKHOUSE_ADDR:-}" ]; then
  echo "== starting a private ClickHouse (scripts/clickhouse-test-server.sh)"
  DVC_CLICKHOUSE_ADDR=$(scripts/clickhouse-test-server.sh start)
fi
export DVC_CLICKHOUSE_ADDR
export DVC_CLICKHOUSE_DATABASE=${DVC_CLICKHOUSE_DATABASE:-dvc_demo}
ch_port=${DVC_CLICKHOUSE_ADDR##*:}
ch_host=${DVC_CLICKHOUSE_ADDR%:*}
chq() { clickhouse-client --host "$ch_host" --port "$ch_port" --database "$DVC_CLICKHOUSE_DATABASE" --format PrettyCompactMonoBlock --query "$1"; }

echo "== starting portalsim on $PORTAL_ADDR with $DEMO_DOSSIERS dossiers of 2024"
bin/portalsim --addr "$PORTAL_ADDR" --seed 7 --dossiers "$DEMO_DOSSIERS" --from 2024-01-01 --to 2025-01-01 \
  --username demo --password demo 2>.demo/portalsim.log &
sim_pid=$!
trap 'kill $sim_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  curl -fsS -o /dev/null -X POST -H 'Content-Type: application/json' -d '{"username":"demo","password":"demo"}' \
    "http://$PORTAL_ADDR/api/v1/auth/token" 2>/dev/null && break
  sleep 0.2
done

export DVC_PORTAL_BASE_URL="http://$PORTAL_ADDR" DVC_PORTAL_USERNAME=demo DVC_PORTAL_PASSWORD=demo
# A fresh random personal-data key for this throwaway database.
export DVC_PII_KEY=${DVC_PII_KEY:-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')}
export DVC_LOG_FORMAT=${DVC_LOG_FORMAT:-console}

echo "== dvcindex migrate"
bin/dvcindex migrate
echo "== dvcindex sync --source dossiers --once"
bin/dvcindex sync --source dossiers --once 2>.demo/sync.log
echo "== again: a second pass loads nothing new"
bin/dvcindex sync --source dossiers --once 2>>.demo/sync.log
echo "(sync logs in .demo/sync.log)"

echo "== dossiers per ward (v_dossiers)"
chq "SELECT unit_code, any(unit_name) AS unit, count() AS dossiers,
            countIf(channel = 'online') AS online, countIf(synced = 0) AS not_synced,
            countIf(received_at IS NULL) AS no_received_date
     FROM v_dossiers GROUP BY unit_code ORDER BY unit_code"
echo "== rejects by field and reason (v_rejects)"
chq "SELECT field, substring(reason, 1, 90) AS reason, count() AS records FROM v_rejects GROUP BY field, reason ORDER BY records DESC LIMIT 15"
echo "== runs (v_runs)"
chq "SELECT run_id, source, status, fetched, loaded, rejected, finished_at - started_at AS seconds FROM v_runs ORDER BY started_at"
echo
echo "Indicators (compute/explain) and the report are not implemented yet (issues #4, #7)."
