package doctor

import (
	"context"

	"github.com/dvcindex/dvcindex/load"
)

// checkDrift lists the unresolved schema drift (v_schema_drift): keys the
// portal started or stopped sending, or sends with another type. Drift is
// not a fault of this installation, so it is listed, not counted as a
// problem; what to do is said once.
func (d *Doctor) checkDrift(ctx context.Context, r *report, store *load.Store) {
	drift, err := store.SchemaDrift(ctx, "")
	if err != nil {
		r.info("schema drift not readable (%v)", err)
		return
	}
	open := 0
	for _, dr := range drift {
		if dr.ResolvedAt != nil {
			continue
		}
		open++
		r.info("schema drift: %s.%s %s (%s), %d records, since %s", dr.Source, dr.Field, dr.Change, dr.Detail, dr.Records,
			dr.FirstSeen.Format("2006-01-02"))
	}
	if open == 0 {
		r.ok("no unresolved schema drift")
		return
	}
	r.info("  a key the rules should read: teach transform, then 'dvcindex reprocess --source SOURCE' (nothing is fetched again)")
}
