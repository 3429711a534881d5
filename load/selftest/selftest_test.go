package selftest_test

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"testing"
	"time"

	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/load/chtest"
	"github.com/dvcindex/dvcindex/load/selftest"
	"github.com/dvcindex/dvcindex/transform/indicators"
)

var update = flag.Bool("update", false, "rewrite expected.json from the test server (run on 18.16, review the diff)")

// TestSelfTestOnTheTestServer runs the self-test that `doctor --selftest`
// runs on a user's server against CI's server, and requires every value to
// match expected.json. With -update it rewrites expected.json instead.
func TestSelfTestOnTheTestServer(t *testing.T) {
	opts := chtest.Options(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if *update {
		got, res, err := selftest.Compute(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.MarshalIndent(got, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile("expected.json", append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote expected.json from %s (%d metric rows, %d finding rows)", res.Server, len(got.Metrics), len(got.Findings))
		return
	}
	res, err := selftest.Run(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range res.Mismatches {
		t.Error(m)
	}
	if res.Compared < 100 {
		t.Errorf("compared %d rows; the fixture should give well over 100", res.Compared)
	}
	var n uint64
	if err := chtestCount(ctx, t, opts.Addr, res.Database, &n); err != nil || n != 0 {
		t.Errorf("scratch database %s still exists (count %d, err %v)", res.Database, n, err)
	}
}

func chtestCount(ctx context.Context, t *testing.T, addr, database string, n *uint64) error {
	t.Helper()
	s, err := load.Open(ctx, load.Options{Addr: addr, Database: "default"})
	if err != nil {
		return err
	}
	defer s.Close()
	*n, err = s.Count(ctx, "SELECT count() FROM system.databases WHERE name = ?", database)
	return err
}

// TestFixtureExercisesEveryMetric keeps the fixture honest: every metric
// with a maximum above 0 has a non-zero denominator in some unit and a score
// strictly between 0 and its maximum in some unit or a numerator above 0,
// so a server computing it differently cannot match by accident.
func TestFixtureExercisesEveryMetric(t *testing.T) {
	want, err := selftest.Expected()
	if err != nil {
		t.Fatal(err)
	}
	metrics, err := indicators.Metrics()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range metrics {
		var den, num bool
		for _, r := range want.Metrics {
			if r.Metric == m.Code {
				den = den || r.Denominator > 0
				num = num || r.Numerator > 0
			}
		}
		if !den || !num {
			t.Errorf("metric %s: no unit of the fixture has a numerator and a denominator above 0 (numerator %v, denominator %v)", m.Code, num, den)
		}
	}
	if len(want.Findings) < 10 {
		t.Errorf("expected.json has %d finding rows; the fixture should produce findings of many kinds", len(want.Findings))
	}
}
