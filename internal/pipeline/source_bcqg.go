package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"

	"github.com/dvcindex/dvcindex/extract"
	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
)

// The bcqg source (portal-api.md §5): the dossiers the national portal
// received, per unit and period, that ClickHouse does not hold otherwise.
const (
	bcqgName  = "bcqg"
	bcqgPath  = "/api/v1/bcqg/received"
	bcqgTable = "bcqg_counts"
)

func init() {
	Register(Source{Name: bcqgName, Rank: 50, Kind: Keyed, Host: PortalHost, Paths: []string{"/api/v1/bcqg"}, Probe: bcqgProbe,
		Summary: "per unit and period: the dossiers the national portal received (BCQG)",
		runner:  keyed{open: openBCQG}})
}

// bcqgReader reads the bcqg counts of one run, unit by unit.
type bcqgReader struct {
	run    *run
	arch   *archiver
	units  *transform.Units
	client *extract.Client
	scrub  *transform.Pseudonymizer
}

func openBCQG(e *Engine, r *run, units *transform.Units) periodReader {
	b := bcqgReader{run: r, arch: e.newArchiver(bcqgName), units: units, client: e.portalClient(bcqgName, r.log), scrub: e.scrubber()}
	return b.period
}

// bcqgProbe is doctor's one-request check of the source.
func bcqgProbe(pr ProbeRequest) (string, url.Values) {
	q := url.Values{"period": {pr.Month.Code}}
	if pr.Unit != "" {
		q.Set("unit", pr.Unit)
	}
	return bcqgPath, q
}

// period reads the counts of every unit of p in scope on its last day (or
// only the units without rows, when onlyMissing) and writes them.
func (b bcqgReader) period(ctx context.Context, p transform.Period, onlyMissing bool) (keyedCounts, []transform.Reject, error) {
	var n keyedCounts
	scope, _ := b.units.Scopes(p.LastDay())
	present := map[string]bool{}
	if onlyMissing {
		var err error
		if present, err = b.run.store.KeyedPresent(ctx, bcqgTable, p.Code); err != nil {
			return n, nil, err
		}
	}
	var counts []transform.BCQGCount
	var read [][]byte
	var rejects []transform.Reject
	for _, u := range scope {
		if present[u.Code] {
			continue
		}
		q := url.Values{"unit": {transform.PortalUnit(u.Code, u.Level)}, "period": {p.Code}}
		var raw json.RawMessage
		if err := b.client.Get(ctx, bcqgPath, q, &raw); err != nil {
			return n, rejects, fmt.Errorf("unit %s: %w", u.Code, err)
		}
		n.fetched++
		read = append(read, raw)
		c, perr := transform.ParseBCQG(raw, u.Code, p.Code)
		if perr != nil {
			b.run.log.Warn().Err(perr).Str("unit", u.Code).Str("period", p.Code).Msg("record rejected")
			rj := transform.NewReject(bcqgName, "normalize", b.scrub.ScrubRecord(bcqgName, raw), perr)
			rj.RecordKey = u.Code + "/" + p.Code
			rejects = append(rejects, rj)
			continue
		}
		counts = append(counts, c)
		n.loaded++
	}
	if len(read) > 0 {
		page := b.arch.page(p.Code, extract.Window{}, 1, len(scope), read, b.run.shape)
		if err := b.run.writeArchive(ctx, []load.RawPage{page}); err != nil {
			return n, rejects, err
		}
	}
	if b.run.dryRun || len(counts) == 0 {
		return n, rejects, nil
	}
	return n, rejects, b.run.store.WriteBCQG(ctx, b.run.row.ID, counts)
}
