# dvcindex — see README.md. Every target works as root on a fresh Debian
# machine with Go installed: what a target needs, it installs or starts.
export PATH := $(PATH):/usr/local/go/bin

.PHONY: all build test demo bench ch-start ch-stop clean

all: build

build:
	go build -o bin/dvcindex ./cmd/dvcindex
	go build -o bin/portalsim ./cmd/portalsim

## test: vet + race tests against a private ClickHouse it starts and stops, + short fuzzing
test:
	scripts/test.sh

## demo: simulated portal → ClickHouse → dossiers and rejects per ward
demo:
	scripts/demo.sh

## bench: the pipeline's benchmarks (normalization, simulator pages, sync throughput)
bench:
	scripts/bench.sh

ch-start:
	scripts/clickhouse-test-server.sh start

ch-stop:
	scripts/clickhouse-test-server.sh stop

clean:
	rm -rf bin .ch-test .demo
