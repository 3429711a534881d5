package doctor

import (
	"context"
	"fmt"
	"time"

	"github.com/dvcindex/dvcindex/load/selftest"
)

// maxMismatchesShown bounds the mismatches doctor prints; the count is
// always printed.
const maxMismatchesShown = 20

// checkSelfTest runs load/selftest on the configured server (a scratch
// database, dropped) and reports each value that differs from what CI's
// server computed.
func (d *Doctor) checkSelfTest(ctx context.Context, r *report) {
	opts, err := d.opts.StoreOptions()
	r.section(fmt.Sprintf("clickhouse self-test (%s, scratch database, period %s)", d.cfg.ClickHouse.Addr, selftest.Period))
	if err != nil {
		r.problem("clickhouse.ca_file", err.Error(), "point clickhouse.ca_file at a readable PEM file of the CA that signed the server's certificate.")
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	res, err := selftest.Run(ctx, opts)
	if err != nil {
		r.problem("clickhouse", err.Error(),
			"check clickhouse.addr, the user's rights to create and drop a database, and the server's log; then run 'dvcindex doctor --selftest' again.")
		return
	}
	r.ok("server %s, time zone %s: scratch database %s migrated, loaded, computed and dropped in %s",
		res.Server, res.TimeZone, res.Database, res.Took.Round(time.Millisecond))
	if res.OK() {
		r.ok("all %d metric, group and finding rows equal CI's (ClickHouse 18.16)", res.Compared)
		return
	}
	for i, m := range res.Mismatches {
		if i == maxMismatchesShown {
			r.info("… and %d more", len(res.Mismatches)-i)
			break
		}
		r.info("%s", m)
	}
	r.problem("clickhouse", fmt.Sprintf("%d of %d self-test values differ from CI's on server %s", len(res.Mismatches), res.Compared, res.Server),
		"report the lines above with the server version (docs/clickhouse.md lists the known differences); do not trust this server's scores until they match.")
}
