package load_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/rs/zerolog"

	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/load/chtest"
	"github.com/dvcindex/dvcindex/transform"
)

// published is every row the three indicator views show for a period, as
// sorted text: two equal snapshots mean nothing visible changed.
func published(t *testing.T, s *load.Store, period string) string {
	t.Helper()
	queries := []string{
		`SELECT concat(unit_code, ' ', indicator, ' ', metric, ' ', toString(numerator), '/', toString(denominator), ' ', toString(ifNull(score, -1)))
		 FROM {db}.v_indicator_metrics WHERE period = @p`,
		`SELECT concat(unit_code, ' ', indicator, ' ', toString(score), '/', toString(max_score)) FROM {db}.v_indicator_scores WHERE period = @p`,
		`SELECT concat(unit_code, ' ', dossier_id, ' ', metric, ' ', finding) FROM {db}.v_dossier_findings WHERE period = @p`,
	}
	var lines []string
	for _, q := range queries {
		rows, err := s.Conn().Query(context.Background(), s.SQL(q), clickhouse.Named("p", period))
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var l string
			if err := rows.Scan(&l); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, l)
		}
		rows.Close()
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func computeQ2(ctx context.Context, s *load.Store) (load.ComputeResult, error) {
	p, err := transform.ParsePeriod("2024-Q2")
	if err != nil {
		return load.ComputeResult{}, err
	}
	units, err := transform.DefaultUnits()
	if err != nil {
		return load.ComputeResult{}, err
	}
	return s.Compute(ctx, load.ComputeRequest{Period: p, Units: units})
}

// TestInterruptedComputePublishesNothing: a compute that fails or is
// cancelled at any statement — its start marker, period dossiers, a metric,
// the group scores, the last findings, its commit — leaves the views
// showing the previous compute's rows unchanged, is marked failed, and
// leaves none of its rows behind.
func TestInterruptedComputePublishesNothing(t *testing.T) {
	f := newFixture(t)
	catalogue(t, f.s)
	const unit, ks = "21637", "1.001193"
	f.dossier("D1", unit, ks, tp("2024-04-02 08:00"), tp("2024-04-03 17:00"), tp("2024-04-03 10:00"))
	f.dossier("D2", unit, ks, tp("2024-04-02 08:00"), tp("2024-04-03 17:00"), tp("2024-04-05 09:00"))
	f.compute("2024-Q2", load.IndicatorSettings{})
	before := published(t, f.s, "2024-Q2")
	if before == "" {
		t.Fatal("the first compute published nothing")
	}
	// New data: any compute that got published would change the views.
	f.dossier("D3", unit, ks, tp("2024-05-02 08:00"), tp("2024-05-03 17:00"), tp("2024-05-09 10:00"))
	f.dossier("D4", "21640", ks, tp("2024-05-02 08:00"), tp("2024-05-03 17:00"), nil)
	if err := f.w.Flush(f.ctx); err != nil {
		t.Fatal(err)
	}

	var statements []string
	load.SetStatementHook(f.s, func(stmt string) error { statements = append(statements, stmt); return nil })
	if _, err := computeQ2(f.ctx, f.s); err != nil {
		t.Fatal(err)
	}
	changed := published(t, f.s, "2024-Q2")
	if changed == before {
		t.Fatal("a compute over new dossiers did not change the views: the test could not see a partial publish")
	}
	if len(statements) < 10 {
		t.Fatalf("only %d compute statements seen", len(statements))
	}
	last := len(statements) - 1
	points := []struct {
		name   string
		at     int // index of the statement that fails
		cancel bool
	}{
		{"start marker", 0, false},
		{"period dossiers", 1, true},
		{"a metric", len(statements) / 3, false},
		{"group scores", indexOf(statements, "INSERT INTO {db}.indicator_scores"), true},
		{"last findings", last - 1, false},
		{"commit marker", last, false},
		{"commit marker, cancelled", last, true},
	}
	for _, pt := range points {
		t.Run(pt.name, func(t *testing.T) {
			// The views show `changed` now; an interrupted compute over
			// yet more data must leave them so.
			f.dossier(fmt.Sprintf("X%d", pt.at), unit, ks, tp("2024-06-02 08:00"), tp("2024-06-03 17:00"), nil)
			if err := f.w.Flush(f.ctx); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(f.ctx)
			defer cancel()
			n := 0
			injected := errors.New("injected failure")
			load.SetStatementHook(f.s, func(string) error {
				n++
				if n-1 != pt.at {
					return nil
				}
				if pt.cancel {
					cancel()
					return ctx.Err()
				}
				return injected
			})
			res, err := computeQ2(ctx, f.s)
			load.SetStatementHook(f.s, nil)
			if err == nil {
				t.Fatalf("compute interrupted at statement %d (%s) succeeded", pt.at, firstWords(statements[pt.at]))
			}
			if got := published(t, f.s, "2024-Q2"); got != changed {
				t.Fatalf("interrupted at statement %d (%s): the views changed:\n%s\nwant\n%s", pt.at, firstWords(statements[pt.at]), got, changed)
			}
			if pt.at == 0 {
				return // nothing was started
			}
			if st := computeStatus(t, f.s, res.ComputeID); st != load.ComputeFailed {
				t.Errorf("compute %s status %q, want failed", res.ComputeID, st)
			}
			for _, table := range []string{"indicator_metrics", "indicator_scores", "dossier_findings", "period_dossiers", "compute_units"} {
				if n := count(t, f.s, "SELECT count() FROM {db}."+table+" WHERE compute_id = ?", res.ComputeID); n != 0 {
					t.Errorf("%s keeps %d rows of the failed compute", table, n)
				}
			}
		})
	}
}

func indexOf(statements []string, prefix string) int {
	for i, s := range statements {
		if strings.Contains(s, prefix) {
			return i
		}
	}
	return -1
}

func firstWords(stmt string) string {
	stmt = strings.Join(strings.Fields(stmt), " ")
	if len(stmt) > 60 {
		return stmt[:60]
	}
	return stmt
}

func computeStatus(t *testing.T, s *load.Store, id string) string {
	t.Helper()
	var st string
	if err := s.Conn().QueryRow(context.Background(), s.SQL("SELECT status FROM {db}.v_computes WHERE compute_id = @id"),
		clickhouse.Named("id", id)).Scan(&st); err != nil {
		t.Fatalf("status of compute %s: %v", id, err)
	}
	return st
}

// TestConcurrentComputesOfOnePeriod: the daemon's compute and a CLI one of
// the same period, interleaved so that the later one starts, finishes and
// cleans up while the earlier one is between statements, both succeed with
// every row they should write, and the views show exactly one of them.
func TestConcurrentComputesOfOnePeriod(t *testing.T) {
	opts := chtest.Options(t)
	daemon := chtest.StoreWith(t, opts)
	cli, err := load.Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	ctx := context.Background()
	cal, err := transform.DefaultCalendar()
	if err != nil {
		t.Fatal(err)
	}
	if err := daemon.RefreshCalendar(ctx, cal); err != nil {
		t.Fatal(err)
	}
	catalogue(t, daemon)
	f := &fixture{t: t, s: daemon, w: daemon.NewWriter("fixture", zerolog.Nop()), ctx: ctx}
	const ks = "1.001193"
	f.dossier("D1", "21637", ks, tp("2024-04-02 08:00"), tp("2024-04-03 17:00"), tp("2024-04-03 10:00"))
	f.dossier("D2", "21640", ks, tp("2024-04-02 08:00"), tp("2024-04-03 17:00"), tp("2024-04-05 09:00"))
	if err := f.w.Flush(ctx); err != nil {
		t.Fatal(err)
	}

	// The daemon's compute stops before its first metric until the CLI
	// compute has committed and dropped what it considers obsolete.
	reached, resume := make(chan struct{}), make(chan struct{})
	var once sync.Once
	load.SetStatementHook(daemon, func(stmt string) error {
		if strings.Contains(stmt, "INSERT INTO {db}.indicator_metrics") {
			once.Do(func() { close(reached); <-resume })
		}
		return nil
	})
	var wg sync.WaitGroup
	var daemonRes load.ComputeResult
	var daemonErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		daemonRes, daemonErr = computeQ2(ctx, daemon)
	}()
	<-reached
	cliRes, cliErr := computeQ2(ctx, cli)
	close(resume)
	wg.Wait()
	if daemonErr != nil || cliErr != nil {
		t.Fatalf("daemon compute: %v; CLI compute: %v", daemonErr, cliErr)
	}
	for name, r := range map[string]load.ComputeResult{"daemon": daemonRes, "cli": cliRes} {
		if r.Dossiers != 2 || r.Metrics == 0 {
			t.Errorf("%s compute read %d dossiers and wrote %d metric rows: its working data was lost", name, r.Dossiers, r.Metrics)
		}
		if st := computeStatus(t, daemon, r.ComputeID); st != load.ComputeCommitted {
			t.Errorf("%s compute status %q", name, st)
		}
	}
	// The daemon's compute read its own period dossiers to the end, although
	// the CLI compute finished and cleaned up in the middle of it.
	for _, u := range []struct {
		unit string
		den  uint64
	}{{"21637", 1}, {"21640", 1}} {
		if n := count(t, daemon, "SELECT toUInt64(denominator) FROM {db}.indicator_metrics WHERE compute_id = ? AND metric = 'ON_TIME' AND unit_code = ?",
			daemonRes.ComputeID, u.unit); n != u.den {
			t.Errorf("daemon compute: ON_TIME denominator of %s = %d, want %d (its working data was dropped)", u.unit, n, u.den)
		}
	}
	// One compute on view: every (unit, indicator) once, all rows of one version.
	if n := count(t, daemon, `SELECT count() FROM (SELECT unit_code, indicator, count() AS n FROM {db}.v_indicator_scores
		WHERE period = '2024-Q2' GROUP BY unit_code, indicator HAVING n != 1)`); n != 0 {
		t.Errorf("%d (unit, indicator) pairs shown more than once", n)
	}
	if n := count(t, daemon, `SELECT uniqExact(version) FROM {db}.indicator_metrics
		WHERE (period, unit_code, version) IN (SELECT period, unit_code, published_version FROM {db}.v_published_computes)`); n != 1 {
		t.Errorf("the views mix %d computes", n)
	}
	f.expect("2024-Q2", "21637", "ON_TIME", 1, 1, 20)
	f.expect("2024-Q2", "21640", "ON_TIME", 0, 1, 0)
	// The published compute keeps its working data for report and explain.
	if n := count(t, daemon, "SELECT count() FROM {db}.period_dossiers WHERE own = 1 AND compute_id = (SELECT argMax(compute_id, version) FROM {db}.computes WHERE period = '2024-Q2' AND status = 'committed')"); n != 2 {
		t.Errorf("the published compute has %d period dossiers, want 2", n)
	}
}
