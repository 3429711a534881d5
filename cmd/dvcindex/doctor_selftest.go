package main

import (
	"context"
	"fmt"
	"time"

	"github.com/dvcindex/dvcindex/load/selftest"
)

// maxMismatchesShown bounds the mismatches doctor prints; the count is
// always printed.
const maxMismatchesShown = 20

// doctorSelfTest runs load/selftest on the configured server and reports
// each value that differs from what CI's server computed.
func (a *app) doctorSelfTest(ctx context.Context, d *doctorReport) {
	opts, err := a.storeOptions()
	d.section(fmt.Sprintf("clickhouse self-test (%s, scratch database, period %s)", a.cfg.ClickHouse.Addr, selftest.Period))
	if err != nil {
		d.problem("clickhouse.ca_file", err.Error(), "point clickhouse.ca_file at a readable PEM file of the CA that signed the server's certificate.")
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	res, err := selftest.Run(ctx, opts)
	if err != nil {
		d.problem("clickhouse", err.Error(),
			"check clickhouse.addr, the user's rights to create and drop a database, and the server's log; then run 'dvcindex doctor --selftest' again.")
		return
	}
	d.ok("server %s, time zone %s: scratch database %s migrated, loaded, computed and dropped in %s",
		res.Server, res.TimeZone, res.Database, res.Took.Round(time.Millisecond))
	if res.OK() {
		d.ok("all %d metric, group and finding rows equal CI's (ClickHouse 18.16)", res.Compared)
		return
	}
	for i, m := range res.Mismatches {
		if i == maxMismatchesShown {
			d.info("… and %d more", len(res.Mismatches)-i)
			break
		}
		d.info("%s", m)
	}
	d.problem("clickhouse", fmt.Sprintf("%d of %d self-test values differ from CI's on server %s", len(res.Mismatches), res.Compared, res.Server),
		"report the lines above with the server version (docs/clickhouse.md lists the known differences); do not trust this server's scores until they match.")
}
