package load_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/load/chtest"
	"github.com/dvcindex/dvcindex/transform/official"
)

// TestRoundingAgreesWithOfficial: the compute's score rounding, run by
// ClickHouse on Float64, gives exactly transform/official's score (exact
// rational arithmetic, half up) for every numerator ≤ denominator ≤ 160 of
// every maximum and target the rules use — ties such as 2 × 0.79/0.8 =
// 1.975 included.
func TestRoundingAgreesWithOfficial(t *testing.T) {
	s := chtest.Store(t)
	type rule struct{ max, target float64 }
	rules := []rule{{20, 1}, {6, 1}, {4, 1}, {2, 1}, {2, 0.8}, {6, 0.5}, {6, 0.9}}
	for _, r := range rules {
		f := official.Formula{Metric: "test", Max: r.max, Target: r.target, Kind: official.Target, OnEmpty: official.EmptyZero}
		q := fmt.Sprintf(`SELECT n, d, %s AS score FROM (
    SELECT n, d, toFloat64(%v) * least(1., n / d / toFloat64(%v)) AS raw_score
    FROM (SELECT toFloat64(number %% 161) AS n, toFloat64(intDiv(number, 161)) AS d FROM system.numbers LIMIT %d)
    WHERE d > 0 AND n <= d)`, load.RoundScoreSQL, r.max, r.target, 161*161)
		rows, err := s.Conn().Query(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		checked, bad := 0, 0
		for rows.Next() {
			var n, d, got float64
			if err := rows.Scan(&n, &d, &got); err != nil {
				t.Fatal(err)
			}
			want, err := f.Score(n, d)
			if err != nil {
				t.Fatal(err)
			}
			checked++
			if got != *want {
				bad++
				if bad <= 5 {
					t.Errorf("max %v target %v: %v/%v scores %v, official %v", r.max, r.target, n, d, got, *want)
				}
			}
		}
		rows.Close()
		if checked < 10000 {
			t.Fatalf("max %v target %v: only %d ratios checked", r.max, r.target, checked)
		}
	}
}
