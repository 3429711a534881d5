// Package selftest proves, on a user's own ClickHouse server, that dvcindex
// computes the index there exactly as on the server CI tests against: it
// creates a scratch database, migrates it, loads a small built-in fixture,
// computes one period, compares every metric, group and finding with the
// expected values (expected.json, produced and checked on 18.16 in CI), and
// drops the database. `dvcindex doctor --selftest` runs it.
//
// It owns only its scratch database (dvc_selftest_<random>), which it drops
// whatever happens, and never touches the configured one.
package selftest

import (
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
)

//go:embed expected.json
var expectedJSON []byte

// Expected returns the values CI's server computed for the fixture.
func Expected() (Values, error) {
	var v Values
	if err := json.Unmarshal(expectedJSON, &v); err != nil {
		return Values{}, fmt.Errorf("selftest: read expected.json: %w", err)
	}
	return v, nil
}

// Result is the outcome of one self-test.
type Result struct {
	Server     string // version() of the server
	TimeZone   string // timezone() of the server
	Database   string // the scratch database (dropped)
	Compared   int    // metric, group and finding rows compared
	Mismatches []Mismatch
	Took       time.Duration
}

// OK reports whether every value matched.
func (r Result) OK() bool { return len(r.Mismatches) == 0 }

// Run performs the self-test with the connection options opts (its Database
// is ignored: a scratch database is used and dropped).
func Run(ctx context.Context, opts load.Options) (Result, error) {
	start := time.Now()
	want, err := Expected()
	if err != nil {
		return Result{}, err
	}
	got, res, err := Compute(ctx, opts)
	if err != nil {
		return res, err
	}
	res.Mismatches = Compare(got, want)
	res.Compared = len(want.Metrics) + len(want.Findings)
	res.Took = time.Since(start)
	return res, nil
}

// Compute loads the fixture into a scratch database, computes Period and
// returns what the server computed. The database is dropped before it
// returns.
func Compute(ctx context.Context, opts load.Options) (Values, Result, error) {
	opts.Database = "dvc_selftest_" + randomHex(6)
	opts.Logger = zerolog.Nop() // the scratch database's migrations are not news
	res := Result{Database: opts.Database}
	s, err := load.Open(ctx, opts)
	if err != nil {
		return Values{}, res, fmt.Errorf("selftest: %w", err)
	}
	defer s.Close()
	defer func() {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		_ = s.DropDatabase(dctx)
	}()
	if res.Server, err = s.ServerVersion(ctx); err != nil {
		return Values{}, res, fmt.Errorf("selftest: %w", err)
	}
	if err := s.Conn().QueryRow(ctx, "SELECT timezone()").Scan(&res.TimeZone); err != nil {
		return Values{}, res, fmt.Errorf("selftest: read the server's time zone: %w", err)
	}
	if _, err := s.Migrate(ctx); err != nil {
		return Values{}, res, fmt.Errorf("selftest: migrate %s: %w", opts.Database, err)
	}
	units, err := loadFixture(ctx, s, NewFixture())
	if err != nil {
		return Values{}, res, fmt.Errorf("selftest: load the fixture: %w", err)
	}
	p, err := transform.ParsePeriod(Period)
	if err != nil {
		return Values{}, res, err
	}
	if _, err := s.Compute(ctx, load.ComputeRequest{Period: p, Units: units}); err != nil {
		return Values{}, res, fmt.Errorf("selftest: compute %s: %w", Period, err)
	}
	v, err := readValues(ctx, s)
	if err != nil {
		return Values{}, res, fmt.Errorf("selftest: read the results: %w", err)
	}
	return v, res, nil
}

func loadFixture(ctx context.Context, s *load.Store, f Fixture) (*transform.Units, error) {
	cal, err := transform.DefaultCalendar()
	if err != nil {
		return nil, err
	}
	units, err := transform.DefaultUnits()
	if err != nil {
		return nil, err
	}
	if err := s.RefreshCalendar(ctx, cal); err != nil {
		return nil, err
	}
	if err := s.RefreshUnits(ctx, units.All(), units.Successors()); err != nil {
		return nil, err
	}
	if err := s.WriteCatalogue(ctx, "selftest", f.Catalogue); err != nil {
		return nil, err
	}
	if err := s.WriteBCQG(ctx, "selftest", f.BCQG); err != nil {
		return nil, err
	}
	w := s.NewWriter("selftest", zerolog.Nop())
	for _, d := range f.Dossiers {
		if err := w.AddDossier(ctx, d); err != nil {
			return nil, err
		}
	}
	for _, p := range f.Petitions {
		if err := w.AddPetition(ctx, p); err != nil {
			return nil, err
		}
	}
	return units, w.Flush(ctx)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
