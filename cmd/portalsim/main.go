// Command portalsim serves a simulated provincial one-stop portal export API
// (shared/spec/portal-api.md) with generated, reproducible data for the wards
// of Hoài Nhơn. It is for the demo and the tests and never needs the network.
//
//	portalsim --addr 127.0.0.1:8089 --seed 1 --dossiers 5000 --from 2024-01-01 --to 2025-01-01 \
//	    --petitions 200 --late-sync-unit 21640 [--faults 429,503,reset,truncate,html200,slow,dup,mutate,pagecap,ignorepage,bigtotal,busy --fault-rate 0.1]
//
// --units FILE (and --agencies FILE) serve the units of any units file in
// transform/refdata's format instead of Hoài Nhơn's, e.g.
// --units transform/refdata/units-song-cau.csv.
//
// --as-of 2024-05-10T17:00:00+07:00 serves the portal as it stood at that
// moment (a fixed clock, also the Date header): see the README, "Replay".
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/rs/zerolog"

	"github.com/dvcindex/dvcindex/cmd/portalsim/simulator"
)

func main() {
	log := zerolog.New(os.Stderr).With().Timestamp().Logger()
	if err := run(os.Args[1:], log); err != nil {
		log.Error().Err(err).Msg("portalsim stopped")
		os.Exit(1)
	}
}

func run(args []string, log zerolog.Logger) error {
	def := simulator.DefaultOptions()
	fs := flag.NewFlagSet("portalsim", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8089", "listen address")
	seed := fs.Int64("seed", def.Seed, "PRNG seed (same flags → byte-identical responses)")
	dossiers := fs.Int("dossiers", def.Dossiers, "number of dossiers updated in [from, to)")
	from := fs.String("from", def.From.Format(time.DateOnly), "first update day, yyyy-mm-dd (Asia/Ho_Chi_Minh)")
	to := fs.String("to", def.To.Format(time.DateOnly), "end of updates, exclusive, yyyy-mm-dd (Asia/Ho_Chi_Minh)")
	user := fs.String("username", def.Username, "accepted username")
	pass := fs.String("password", def.Password, "accepted password")
	fs.BoolVar(&def.ExtraPII, "extra-pii", false, "add personal fields the contract does not list (HoTenNguoiNop, DiaChi, ſoCCCD, …) to every record (simulator/extra_pii.go)")
	pageMax := fs.Int("page-size-max", def.PageSizeMax, "largest page_size accepted")
	ttl := fs.Duration("token-ttl", def.TokenTTL, "access token lifetime")
	petitions := fs.Int("petitions", def.Petitions, "number of petitions (PAKN) updated in [from, to); 0 = dossiers/25, negative = none")
	lateSync := fs.String("late-sync-unit", def.LateSyncUnit, "GSO code of a ward whose dossier steps mostly reach the national portal 2–5 days late (\"\" = none)")
	faults := fs.String("faults", "", "faults to inject, comma-separated: "+strings.Join(simulator.FaultKinds, ",")+" (see simulator/faults.go)")
	faultRate := fs.Float64("fault-rate", 0.1, "probability of a fault per request (per window for mutate), in [0, 1]")
	slowDelay := fs.Duration("slow-delay", def.SlowDelay, "how long a 'slow' fault delays the response (default 2s)")
	unitsFile := fs.String("units", "", "units file (format of transform/refdata/units-hoai-nhon.csv) to generate dossiers for instead of the built-in Hoài Nhơn units")
	agenciesFile := fs.String("agencies", "", "agency codes file (format of transform/refdata/agencies.csv); without it --units serves no MaCoQuan")
	asOf := fs.String("as-of", "", "serve the dossiers and petitions as they stood at this moment, RFC 3339 (e.g. 2024-05-10T17:00:00+07:00); a fixed clock, also the Date header and token expiry (\"\" = final states, real time)")
	driftAt := fs.String("schema-drift-at", "", "from this day (yyyy-mm-dd) on, dossiers change shape: a key added, SoDienThoai renamed, KenhThucHien a string (simulator/schema_drift.go)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	opts := def
	opts.Seed, opts.Dossiers, opts.Username, opts.Password = *seed, *dossiers, *user, *pass
	opts.PageSizeMax, opts.TokenTTL = *pageMax, *ttl
	opts.Petitions, opts.LateSyncUnit = *petitions, *lateSync
	var err error
	if opts.Faults, err = simulator.ParseFaults(*faults); err != nil {
		return fmt.Errorf("--faults: %w", err)
	}
	opts.FaultRate, opts.SlowDelay = *faultRate, *slowDelay
	if opts.UnitsCSV, opts.AgenciesCSV, err = readRefFiles(*unitsFile, *agenciesFile); err != nil {
		return err
	}
	if opts.From, err = time.ParseInLocation(time.DateOnly, *from, simulator.Location); err != nil {
		return fmt.Errorf("--from: %w", err)
	}
	if opts.To, err = time.ParseInLocation(time.DateOnly, *to, simulator.Location); err != nil {
		return fmt.Errorf("--to: %w", err)
	}
	if *driftAt != "" {
		if opts.SchemaDriftAt, err = time.ParseInLocation(time.DateOnly, *driftAt, simulator.Location); err != nil {
			return fmt.Errorf("--schema-drift-at: %w", err)
		}
	}
	if opts.AsOf, err = parseAsOf(*asOf); err != nil {
		return err
	}
	sim, err := simulator.New(opts)
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           logRequests(log, sim.Handler()),
		ReadHeaderTimeout: 10 * time.Second,
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info().Str("addr", ln.Addr().String()).Int64("seed", opts.Seed).Int("dossiers", opts.Dossiers).
		Int("petitions", sim.Petitions()).Str("late_sync_unit", opts.LateSyncUnit).
		Str("from", *from).Str("to", *to).Strs("faults", opts.Faults).Float64("fault_rate", opts.FaultRate).
		Str("as_of", *asOf).Msg("portal simulator listening")

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info().Msg("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info().Int64("dossier_pages_served", sim.Requests()).Msg("stopped")
	return nil
}

// parseAsOf reads the --as-of flag: "" is no replay (nil), else an RFC 3339
// moment served as a fixed clock.
func parseAsOf(v string) (func() time.Time, error) {
	if v == "" {
		return nil, nil
	}
	at, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return nil, fmt.Errorf("--as-of %q: want RFC 3339, e.g. 2024-05-10T17:00:00+07:00: %w", v, err)
	}
	return func() time.Time { return at }, nil
}

// readRefFiles reads the --units and --agencies files; an empty path gives
// nil (the simulator's built-in data).
func readRefFiles(unitsPath, agenciesPath string) (units, agencies []byte, err error) {
	if unitsPath != "" {
		if units, err = os.ReadFile(unitsPath); err != nil {
			return nil, nil, fmt.Errorf("--units: %w", err)
		}
	}
	if agenciesPath != "" {
		if agencies, err = os.ReadFile(agenciesPath); err != nil {
			return nil, nil, fmt.Errorf("--agencies: %w", err)
		}
	}
	return units, agencies, nil
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusRecorder) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests logs one line per request (never the Authorization header).
func logRequests(log zerolog.Logger, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		h.ServeHTTP(rec, r)
		log.Info().Str("method", r.Method).Str("path", r.URL.Path).Str("query", r.URL.RawQuery).
			Int("status", rec.status).Int64("bytes", rec.bytes).Dur("took", time.Since(start)).Msg("request")
	})
}
