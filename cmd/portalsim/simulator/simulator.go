// Package simulator is an in-process simulator of the provincial one-stop
// portal's export API (docs: shared/spec/portal-api.md). The portalsim command
// serves it over HTTP; tests of other packages run it with httptest:
//
//	sim, err := simulator.New(simulator.DefaultOptions())
//	srv := httptest.NewServer(sim.Handler())
//
// It stands in for an independent external system, so it shares no code with
// the pipeline except the embedded reference data (transform/refdata).
//
// # Scalable, reproducible data
//
// The simulator holds no records. Dossier i (0 ≤ i < N) has
//
//	NgayCapNhat = From + floor(i·span/N) seconds,   span = To − From in seconds,
//
// and its content is generated on demand from a PCG generator seeded by
// (Seed, i). A window [updated_from, updated_to) therefore maps to an index
// range by arithmetic, a page is a slice of that range, and the same options
// always give byte-identical responses, whatever N (a million dossiers need no
// more memory than ten). New refuses more dossiers than there are seconds in
// [From, To): with at most one dossier per second every NgayCapNhat is unique,
// so index order is exactly the API's (NgayCapNhat, MaHoSo) order and a window
// boundary never splits records that share a timestamp.
//
// Truth(i) gives the ground truth of dossier i (unit, procedure, dates, the
// deliberate defect and the personal values), for tests of the pipeline.
//
// # Replay
//
// With Options.AsOf the portal is served as it stood at the moment AsOf()
// returns: a dossier or petition whose final NgayCapNhat is later is cut to
// its state then, or not served before it exists (asof.go, replay.go).
// TruthAt(i, at) and PetitionTruthAt(j, at) give the truth at a moment.
package simulator

import (
	"errors"
	"fmt"
	"math/bits"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure a Simulator.
type Options struct {
	Seed     int64 // PRNG seed: same options, same bytes
	Dossiers int   // number of dossiers N in [From, To)
	// From and To bound NgayCapNhat (half-open). Dossiers are spread evenly,
	// at most one per second.
	From, To           time.Time
	Username, Password string           // accepted credentials
	PageSizeMax        int              // largest page_size accepted (default 1000)
	TokenTTL           time.Duration    // token lifetime (default 1h)
	Now                func() time.Time // clock for token expiry and Date (default AsOf, else time.Now)
	// AsOf, when set, is the replay clock: every request is answered with
	// the dossiers and petitions as the portal held them at AsOf() (read
	// once per request, in whole seconds; asof.go, replay.go). nil, or a
	// zero time returned: every record in its final state. The caller moves
	// the clock (e.g. a Clock's Now).
	AsOf func() time.Time
	// Petitions is the number of petitions (PAKN) updated in [From, To),
	// spread like the dossiers: 0 means Dossiers/25, a negative value none.
	Petitions int
	// LateSyncUnit is the GSO code of a ward whose dossiers mostly have their
	// steps synced to the national portal 2–5 days late ("" = none): the
	// scenario behind a low DOSSIER_SYNC with a known cause.
	LateSyncUnit string
	// Faults lists the faults to inject (faults.go: FaultKinds) at
	// FaultRate, a probability in [0, 1] per request (per window for
	// mutate). SlowDelay is how long a "slow" response waits (default 2s).
	Faults    []string
	FaultRate float64
	SlowDelay time.Duration
	// ExtraPII adds personal fields the contract does not list to every
	// record (extra_pii.go).
	ExtraPII bool
	// SchemaDriftAt, if set, changes the shape of the dossiers updated from
	// then on (schema_drift.go): a key added, one renamed, one retyped.
	SchemaDriftAt time.Time
	// UnitsCSV and AgenciesCSV replace the built-in units of Hoài Nhơn and
	// their agency codes (transform/refdata): files in the formats of
	// units-hoai-nhon.csv and agencies.csv (docs/refdata-sources.md). The
	// simulator serves the wards, communes and the district of UnitsCSV in
	// their validity periods, and its tinh rows as the province. nil
	// UnitsCSV: the built-in units; nil AgenciesCSV with UnitsCSV set: no
	// agency codes (MaCoQuan is then never served).
	UnitsCSV, AgenciesCSV []byte
}

// DefaultOptions are the portalsim command's defaults: seed 1, 5000
// dossiers updated in 2024, demo/demo.
func DefaultOptions() Options {
	return Options{
		Seed:        1,
		Dossiers:    5000,
		From:        time.Date(2024, 1, 1, 0, 0, 0, 0, Location),
		To:          time.Date(2025, 1, 1, 0, 0, 0, 0, Location),
		Username:    "demo",
		Password:    "demo",
		PageSizeMax: 1000,
		TokenTTL:    time.Hour,
	}
}

// Truth is the ground truth of one generated dossier.
type Truth struct {
	ID string // MaHoSo as served ("" when the empty id is the defect)
	// UnitCode is the GSO code of the handling unit valid on the received
	// date (submission date when never received); "" if the record is
	// deliberately invalid.
	UnitCode string
	UnitName string // canonical name of that unit on that date ("" if invalid)
	// ProcedureNational is the national code N.NNNNNN ("" when MaTTHC is the
	// defect).
	ProcedureNational string
	// Received is NgayTiepNhan; nil when the dossier was never received or
	// when NgayTiepNhan is the defect.
	Received  *time.Time
	UpdatedAt time.Time // NgayCapNhat
	Invalid   bool
	// InvalidField is the portal field made invalid: MaTTHC, DonViXuLy,
	// NgayTiepNhan, TrangThaiHoSo or MaHoSo.
	InvalidField string
	// PII lists every personal value in the record: owner name, ID number,
	// phone, email, account (as served, plus the NFC form when served in NFD).
	PII []string

	// Extra facts for tests of indicators.
	Status    int        // TrangThaiHoSo (the intended one when it is the defect)
	Channel   int        // KenhThucHien as served; 0 = null or missing
	Submitted *time.Time // NgayNopHoSo (nil when missing)
	Due       *time.Time // NgayHenTra (nil when missing)
	Finished  *time.Time // NgayKetThucXuLy
	Returned  *time.Time // NgayTra
	// Withdrawn is the time of the first withdrawal step as served (nil when
	// there is none or QuaTrinhXuLy is not served).
	Withdrawn *time.Time
	// Supplements are the supplement requests (DanhSachHoSoBoSung).
	Supplements []SupplementTruth
	// LateSync: the steps of this dossier were synced 2–5 days late because
	// its ward is Options.LateSyncUnit.
	LateSync bool
	// StepLag: processing ended (NgayKetThucXuLy) after NgayHenTra although
	// the result was returned (NgayTra) on time.
	StepLag bool
}

// SupplementTruth is one supplement request of a dossier.
type SupplementTruth struct {
	Requested time.Time
	Received  *time.Time // NgayTiepNhanBoSung; nil while pending
}

// Simulator serves generated portal data. It is safe for concurrent use.
type Simulator struct {
	// pageWriters pools the streaming state of page responses (buffers
	// reused across requests); per simulator, not per package.
	pageWriters sync.Pool

	opts      Options
	nowIsAsOf bool  // Options.Now defaulted to AsOf
	base      int64 // From, Unix seconds
	span      int64 // seconds in [From, To)
	n         int
	nPet      int // number of petitions
	rd        *refData
	cal       calendar
	wardP     weighted[*procedure]
	distP     weighted[*procedure]
	handler   http.Handler

	mu     sync.Mutex
	tokens map[string]time.Time // token → expiry

	requests atomic.Int64

	periods periodCache // official scores, per period
	replay  replayCache // the latest replay view of each kind

	faults        faultState // under mu
	faultRequests atomic.Int64
	dupRequests   atomic.Int64
	injected      atomic.Int64
}

type weighted[T any] struct {
	items []T
	cum   []int
}

func (w *weighted[T]) add(x T, weight int) {
	sum := weight
	if n := len(w.cum); n > 0 {
		sum += w.cum[n-1]
	}
	w.items = append(w.items, x)
	w.cum = append(w.cum, sum)
}

// New validates opts (filling defaults) and returns a Simulator.
func New(opts Options) (*Simulator, error) {
	if opts.PageSizeMax == 0 {
		opts.PageSizeMax = 1000
	}
	if opts.TokenTTL == 0 {
		opts.TokenTTL = time.Hour
	}
	nowIsAsOf := opts.Now == nil && opts.AsOf != nil
	switch {
	case nowIsAsOf:
		opts.Now = opts.AsOf
	case opts.Now == nil:
		opts.Now = time.Now
	}
	if opts.SlowDelay <= 0 {
		opts.SlowDelay = 2 * time.Second
	}
	switch {
	case opts.From.IsZero() || opts.To.IsZero():
		return nil, errors.New("simulator: From and To are required")
	case !opts.From.Before(opts.To):
		return nil, errors.New("simulator: From must be before To")
	case opts.Dossiers < 0:
		return nil, errors.New("simulator: Dossiers must not be negative")
	case opts.Username == "":
		return nil, errors.New("simulator: Username is required")
	case opts.PageSizeMax < 1:
		return nil, errors.New("simulator: PageSizeMax must be positive")
	case opts.TokenTTL < 0:
		return nil, errors.New("simulator: TokenTTL must not be negative")
	}
	base, end := opts.From.Unix(), opts.To.Unix()
	span := end - base
	if span < 1 {
		return nil, errors.New("simulator: [From, To) must span at least one second")
	}
	if int64(opts.Dossiers) > span {
		return nil, fmt.Errorf("simulator: %d dossiers do not fit in %d seconds: NgayCapNhat must be unique per second", opts.Dossiers, span)
	}
	nPet := opts.Petitions
	switch {
	case nPet == 0:
		nPet = opts.Dossiers / 25
	case nPet < 0:
		nPet = 0
	}
	if int64(nPet) > span {
		return nil, fmt.Errorf("simulator: %d petitions do not fit in %d seconds: NgayCapNhat must be unique per second", nPet, span)
	}
	rd, err := loadRefData(opts.Seed, opts.UnitsCSV, opts.AgenciesCSV)
	if err != nil {
		return nil, fmt.Errorf("simulator: reference data: %w", err)
	}
	if opts.LateSyncUnit != "" {
		ok := false
		for _, u := range rd.units {
			ok = ok || (u.code == opts.LateSyncUnit && !u.isDistrict())
		}
		if !ok {
			return nil, fmt.Errorf("simulator: LateSyncUnit %q is not a ward or commune of the reference data", opts.LateSyncUnit)
		}
	}
	if len(rd.procs) > 64 {
		return nil, errors.New("simulator: at most 64 procedures")
	}
	s := &Simulator{pageWriters: sync.Pool{New: newPageWriter}, opts: opts, nowIsAsOf: nowIsAsOf, base: base, span: span,
		n: opts.Dossiers, nPet: nPet, rd: rd, cal: calendar{holidays: rd.holidays}, tokens: map[string]time.Time{}}
	for k, p := range rd.procs {
		p.idx = k
		p.prepare()
		if p.ward {
			s.wardP.add(p, p.weight)
		}
		if p.district {
			s.distP.add(p, p.weight)
		}
	}
	if len(s.wardP.items) == 0 || len(s.distP.items) == 0 {
		return nil, errors.New("simulator: procedure catalogue lacks ward or district procedures")
	}
	if err := s.initFaults(); err != nil {
		return nil, err
	}
	s.handler = s.routes()
	return s, nil
}

// Handler returns the HTTP handler of the API.
func (s *Simulator) Handler() http.Handler { return s.handler }

// Len is the number of dossiers.
func (s *Simulator) Len() int { return s.n }

// Requests is the number of dossier pages served so far.
func (s *Simulator) Requests() int64 { return s.requests.Load() }

// Truth returns the ground truth of dossier i; it panics unless 0 ≤ i < Len().
func (s *Simulator) Truth(i int) Truth {
	if i < 0 || i >= s.n {
		panic(fmt.Sprintf("simulator: Truth(%d) out of range [0,%d)", i, s.n))
	}
	var g genState
	var d dossier
	var t Truth
	s.generate(&g, i, &d, &t, nil)
	return t
}

// updatedAt is NgayCapNhat of dossier i.
func (s *Simulator) updatedAt(i int) time.Time { return s.timeAt(i, s.n) }

// timeAt is NgayCapNhat of record i of n spread over [From, To).
func (s *Simulator) timeAt(i, n int) time.Time {
	hi, lo := bits.Mul64(uint64(i), uint64(s.span))
	q, _ := bits.Div64(hi, lo, uint64(n))
	return time.Unix(s.base+int64(q), 0).In(Location)
}

// firstIndexAt is the smallest i with NgayCapNhat(i) ≥ t (N when none):
// floor(i·S/N) ≥ a ⟺ i·S ≥ a·N ⟺ i ≥ ceil(a·N/S).
func (s *Simulator) firstIndexAt(t time.Time) int { return s.firstAt(t, s.n) }

func (s *Simulator) firstAt(t time.Time, n int) int {
	a := t.Unix() - s.base
	if t.Nanosecond() > 0 {
		a++ // NgayCapNhat has whole seconds
	}
	if a <= 0 {
		return 0
	}
	if a >= s.span {
		return n
	}
	hi, lo := bits.Mul64(uint64(a), uint64(n))
	q, rem := bits.Div64(hi, lo, uint64(s.span))
	if rem > 0 {
		q++
	}
	return int(q)
}

// indexRange maps the window [from, to) to the half-open index range [lo, hi)
// of the dossiers.
func (s *Simulator) indexRange(from, to time.Time) (lo, hi int) { return s.rangeOf(from, to, s.n) }

func (s *Simulator) rangeOf(from, to time.Time, n int) (lo, hi int) {
	lo, hi = s.firstAt(from, n), s.firstAt(to, n)
	if hi < lo {
		hi = lo
	}
	return lo, hi
}
