package ward

import (
	"context"

	"github.com/dvcindex/dvcindex/transform/report"
)

// reportWinbackRows is how many points to win back the report lists per
// unit (the page lists them all).
const reportWinbackRows = 5

// AddToReport adds to a report's data each unit's targets and the points
// each unit can win back, from the same Explain as explain and the page.
func (st *Store) AddToReport(ctx context.Context, d *report.Data) error {
	sc := periodScores{}
	for _, u := range d.Units {
		rep, err := st.explain(ctx, sc, u.Code, d.Period, "", 1)
		if err != nil {
			return err
		}
		for _, in := range rep.Indicators {
			if in.Target == nil {
				continue
			}
			d.Targets = append(d.Targets, report.TargetRow{Code: u.Code, Name: u.Name, Indicator: in.Code,
				Score: in.Score, Target: *in.Target, Met: *in.Met, Gap: in.Gap})
		}
		for i, w := range rep.Winback {
			if i == reportWinbackRows {
				break
			}
			d.Winback = append(d.Winback, report.WinbackRow{Code: u.Code, Name: u.Name, Rank: w.Rank, Metric: w.Label,
				PointsLost: w.PointsLost, PerPoint: w.PerPoint, Item: w.Unit, Province: w.Province})
		}
	}
	return nil
}
