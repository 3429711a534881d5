#!/usr/bin/env bash
# Benchmarks: normalization, simulator pages, and the sync pipeline end to end
# against a private ClickHouse. BENCHTIME (default 1x for the pipeline) and
# BENCH_DOSSIERS (default 200000) size the pipeline run.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
addr=$(scripts/clickhouse-test-server.sh start)
trap 'scripts/clickhouse-test-server.sh stop' EXIT
export DVC_TEST_CLICKHOUSE="$addr"
go test -run='^$' -bench=. -benchmem ./transform/ ./cmd/portalsim/...
go test -run='^$' -bench=BenchmarkSync -benchtime="${BENCHTIME:-1x}" -benchmem -timeout 30m ./cmd/dvcindex/
