package simulator

import (
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"math/bits"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The official scores (portal-api.md §4) and the BCQG counts (§5) are what
// the national portal published. The simulator computes them from its own
// generated data, independently of the pipeline, following
// docs/indicators.md with every rule at its default: the values the portal
// serves, read without the printing mess, and the true value of the field a
// deliberately invalid record breaks (the portal knows its own records).
// Choices docs/indicators.md leaves open are listed in the README.

// ProvinceCode is the unit code of the province in §4 and §5.
const ProvinceCode = "H08"

// provinceGSO is the province's GSO code, accepted as an alias of H08.
const provinceGSO = "52"

// Metric is one published metric: score out of max, ratio in percent.
type Metric struct {
	Code  string  `json:"code"`
	Score float64 `json:"score"`
	Max   float64 `json:"max"`
	Ratio float64 `json:"ratio"`
	// Num and Den are the counts behind the ratio (not published).
	Num float64 `json:"-"`
	Den float64 `json:"-"`
}

// Group is one of the six indicator groups; its score is the sum of its
// metrics' (payment: capped at 10).
type Group struct {
	Code    string   `json:"code"`
	Score   float64  `json:"score"`
	Max     float64  `json:"max"`
	Metrics []Metric `json:"metrics"`
}

// Evaluation is what the national portal published for a unit and period.
type Evaluation struct {
	Unit   string  `json:"unit"`
	Period string  `json:"period"`
	Groups []Group `json:"groups"`
}

// Total is the sum of the groups' scores.
func (e Evaluation) Total() float64 {
	t := 0.0
	for _, g := range e.Groups {
		t += g.Score
	}
	return round2(t)
}

// Metric returns the metric with the given code (ok false when absent).
func (e Evaluation) Metric(code string) (Metric, bool) {
	for _, g := range e.Groups {
		for _, m := range g.Metrics {
			if m.Code == code {
				return m, true
			}
		}
	}
	return Metric{}, false
}

// ErrBadParameter wraps the errors of an unknown unit or a malformed period.
var ErrBadParameter = errors.New("invalid parameter")

func badParameter(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrBadParameter, fmt.Sprintf(format, a...))
}

// period is a month, quarter or year.
type period struct {
	key        string
	kind       byte // 'Y', 'Q' or 'M'
	year       int
	start, end time.Time // end is exclusive: the day after the period's last day
}

func (p period) lastDay() time.Time { return p.end.AddDate(0, 0, -1) }

func allDigits(v string) bool { return v != "" && strings.Trim(v, "0123456789") == "" }

// parsePeriod reads 2024, 2024-Q2 or 2024-07.
func parsePeriod(v string) (period, error) {
	bad := badParameter("period %q: want yyyy, yyyy-Qn or yyyy-mm", v)
	if len(v) < 4 || !allDigits(v[:4]) {
		return period{}, bad
	}
	y, _ := strconv.Atoi(v[:4])
	if y < 1900 || y > 2200 {
		return period{}, bad
	}
	p := period{key: v, year: y}
	switch {
	case len(v) == 4:
		p.kind = 'Y'
		p.start = time.Date(y, 1, 1, 0, 0, 0, 0, Location)
		p.end = p.start.AddDate(1, 0, 0)
	case len(v) == 7 && v[4:6] == "-Q" && v[6] >= '1' && v[6] <= '4':
		p.kind = 'Q'
		p.start = time.Date(y, time.Month(3*int(v[6]-'1')+1), 1, 0, 0, 0, 0, Location)
		p.end = p.start.AddDate(0, 3, 0)
	case len(v) == 7 && v[4] == '-' && allDigits(v[5:]):
		m, _ := strconv.Atoi(v[5:])
		if m < 1 || m > 12 {
			return period{}, bad
		}
		p.kind = 'M'
		p.start = time.Date(y, time.Month(m), 1, 0, 0, 0, 0, Location)
		p.end = p.start.AddDate(0, 1, 0)
	default:
		return period{}, bad
	}
	return p, nil
}

// resolveUnit checks that code names the province or a unit valid on the
// period's last day and returns the key of its figures.
func (s *Simulator) resolveUnit(code string, p period) (string, error) {
	if code == ProvinceCode || code == provinceGSO {
		return ProvinceCode, nil
	}
	known := false
	for _, u := range s.rd.units {
		if u.code != code {
			continue
		}
		if u.validOn(p.lastDay()) {
			return code, nil
		}
		known = true
	}
	if known {
		return "", badParameter("unit %q does not exist on %s, the last day of %s", code, p.lastDay().Format(time.DateOnly), p.key)
	}
	return "", badParameter("unknown unit %q: want a GSO code of a ward or district, or %s", code, ProvinceCode)
}

// acc accumulates one unit's figures of a period.
type acc struct {
	received, synced, late             int
	fullDen, fullNum                   int // toan_trinh procedures: dossiers, online ones
	online, postal                     int
	procs, feeProcs, feePaid, feeSync  uint64 // procedure sets (bit = procedure.idx)
	vneidProcs                         uint64
	payDen, payNum                     int
	finDen, finNum                     int
	digitized, reused, store, vneid    int
	ecert                              bool
	bad                                int // dossiers with a petition or a dissatisfied rating
	pet, petOnTime, petRated, petHappy int
}

// periodData are every unit's figures of one period.
type periodData struct {
	p        period
	wards    []*unit // valid on the period's last day
	district *unit   // valid on the period's last day (nil when none)
	accs     map[string]*acc
	// Province-level catalogue counts.
	pubNum, updNum, decided int
	fullContent, public     int
}

// periodCache keeps the figures of the most recent periods.
type periodCache struct {
	mu    sync.Mutex
	m     map[string]*periodEntry
	order []string
}

type periodEntry struct {
	once sync.Once
	pd   *periodData
}

const periodCacheSize = 64

func (s *Simulator) periodData(p period) *periodData {
	c := &s.periods
	c.mu.Lock()
	if c.m == nil {
		c.m = map[string]*periodEntry{}
	}
	e, ok := c.m[p.key]
	if !ok {
		e = &periodEntry{}
		c.m[p.key] = e
		c.order = append(c.order, p.key)
		if len(c.order) > periodCacheSize {
			delete(c.m, c.order[0])
			c.order = append(c.order[:0], c.order[1:]...)
		}
	}
	c.mu.Unlock()
	e.once.Do(func() { e.pd = s.computePeriod(p) })
	return e.pd
}

// syncDeadline is indicators.sync_deadline.
const syncDeadline = 24 * time.Hour

// computePeriod computes every unit's figures of p in one pass over the
// petitions and one over the dossiers that can have been received in p.
func (s *Simulator) computePeriod(p period) *periodData {
	last := p.lastDay()
	lastMoment := p.end.Add(-time.Second)
	pd := &periodData{p: p, accs: map[string]*acc{ProvinceCode: {}}}
	for _, u := range s.rd.units {
		if !u.validOn(last) {
			continue
		}
		if u.typ == "thi_xa" {
			pd.district = u
		} else {
			pd.wards = append(pd.wards, u)
		}
		pd.accs[u.code] = &acc{}
	}
	scopes := pd.scopes(s, pd.accs)

	// Catalogue (province level).
	for _, it := range s.catalogue() {
		decided, _ := time.ParseInLocation(layCompact, it.QuyetDinhCongBo.Ngay, Location)
		if !decided.Before(p.start) && decided.Before(p.end) {
			pd.decided++
			basis, _ := time.ParseInLocation(layCompact, it.NgayHieuLucCanCu, Location)
			public, _ := time.ParseInLocation(layCompact, it.NgayCongKhai, Location)
			if !midnight(decided).After(s.cal.nthWorkDayBefore(basis, 5)) {
				pd.pubNum++
			}
			if !midnight(public).After(s.cal.nthWorkDay(decided, 5)) {
				pd.updNum++
			}
		}
		if it.NgayCongKhai != "" {
			pd.public++
			if it.NoiDungDayDu {
				pd.fullContent++
			}
		}
	}

	// Petitions: those received in p, and the dossiers any petition names.
	related := map[int]bool{}
	if s.nPet > 0 {
		lo, hi := s.rangeOf(p.start, p.end.Add(maxDossierSpan+petitionRelatedWindow+maxPetitionSpan), s.nPet)
		var g, gd genState
		var pt petition
		var pf petitionFacts
		for j := lo; j < hi; j++ {
			s.generatePetition(&g, &gd, j, &pt, &pf, nil)
			if pf.dossier >= 0 {
				related[pf.dossier] = true
			}
			if pf.received.Before(p.start) || !pf.received.Before(p.end) {
				continue
			}
			onTime := (!pf.handled.IsZero() && !pf.handled.After(pf.due)) || !pf.due.Before(lastMoment) // due at the last moment: not yet late, as for dossiers
			for _, a := range scopes[pf.u] {
				a.pet++
				if onTime {
					a.petOnTime++
				}
				if pf.rating == 1 || pf.rating == 2 {
					a.petRated++
					if pf.rating == 1 {
						a.petHappy++
					}
				}
			}
		}
	}

	// Dossiers received in p, in contiguous chunks on every core.
	lo, hi := s.indexRange(p.start, p.end.Add(maxDossierSpan))
	workers := max(1, min(runtime.GOMAXPROCS(0), 8, (hi-lo)/2000))
	parts := make([]map[string]*acc, workers)
	var wg sync.WaitGroup
	for w := range workers {
		parts[w] = map[string]*acc{}
		for k := range pd.accs {
			parts[w][k] = &acc{}
		}
		a, b := lo+(hi-lo)*w/workers, lo+(hi-lo)*(w+1)/workers
		wg.Go(func() { s.dossierPass(pd, a, b, parts[w], related) })
	}
	wg.Wait()
	for _, part := range parts {
		for k, a := range part {
			pd.accs[k].add(a)
		}
	}
	return pd
}

// scopes maps every unit of the reference data to the accumulators its
// dossiers count in: itself or its successor, its district, the province.
func (pd *periodData) scopes(s *Simulator, accs map[string]*acc) map[*unit][]*acc {
	last := pd.p.lastDay()
	out := map[*unit][]*acc{}
	for _, u := range s.rd.units {
		var as []*acc
		if m := s.successorOn(u, last); m != nil {
			as = append(as, accs[m.code])
			if pd.district != nil && m != pd.district && m.district == pd.district.code {
				as = append(as, accs[pd.district.code])
			}
		}
		out[u] = append(as, accs[ProvinceCode])
	}
	return out
}

// add merges b into a.
func (a *acc) add(b *acc) {
	a.received += b.received
	a.synced += b.synced
	a.late += b.late
	a.fullDen += b.fullDen
	a.fullNum += b.fullNum
	a.online += b.online
	a.postal += b.postal
	a.procs |= b.procs
	a.feeProcs |= b.feeProcs
	a.feePaid |= b.feePaid
	a.feeSync |= b.feeSync
	a.vneidProcs |= b.vneidProcs
	a.payDen += b.payDen
	a.payNum += b.payNum
	a.finDen += b.finDen
	a.finNum += b.finNum
	a.digitized += b.digitized
	a.reused += b.reused
	a.store += b.store
	a.vneid += b.vneid
	a.ecert = a.ecert || b.ecert
	a.bad += b.bad
	a.pet += b.pet
	a.petOnTime += b.petOnTime
	a.petRated += b.petRated
	a.petHappy += b.petHappy
}

// dossierPass accumulates dossiers [lo, hi) received in pd's period into
// accs; related holds the dossiers a petition names (read only).
func (s *Simulator) dossierPass(pd *periodData, lo, hi int, accs map[string]*acc, related map[int]bool) {
	p := pd.p
	lastMoment := p.end.Add(-time.Second)
	scopes := pd.scopes(s, accs)
	var g genState
	var d dossier
	var f facts
	for i := lo; i < hi; i++ {
		s.generate(&g, i, &d, nil, &f)
		if !f.received || f.R.Before(p.start) || !f.R.Before(p.end) {
			continue
		}
		late := s.isLate(&f, lastMoment)
		synced := f.daDongBo
		for _, st := range f.steps[:f.nSteps] {
			synced = synced && !st.sync.IsZero() && st.sync.Sub(st.t) <= syncDeadline
		}
		proc := f.proc
		bit := uint64(1) << proc.idx
		full := fullyOnline[proc.national]
		docResult := proc.result != ""
		hasFees := len(proc.fees) > 0
		bad := related[i] || f.rating == 3
		// Finished: the end status is 9 or 10, i.e. NgayKetThucXuLy or
		// NgayTra is set and no single pending supplement stopped the clock.
		finished := (!f.F.IsZero() || !f.T.IsZero()) && !(f.nSups == 1 && f.sups[0].recv.IsZero())
		for _, a := range scopes[f.u] {
			a.received++
			if synced {
				a.synced++
			}
			if late {
				a.late++
			}
			a.procs |= bit
			if full {
				a.fullDen++
				if f.ch == 2 && (!docResult || f.resultLink) {
					a.fullNum++
				}
			}
			switch f.ch {
			case 2:
				a.online++
			case 3:
				a.postal++
			}
			if hasFees {
				a.feeProcs |= bit
				if !f.feesZero {
					a.payDen++
					if f.paid {
						a.payNum++
					}
				}
				if f.paid {
					a.feePaid |= bit
				}
				if f.feeData {
					a.feeSync |= bit
				}
			}
			if docResult && finished {
				a.finDen++
				if f.resultLink {
					a.finNum++
				}
			}
			if f.digitized {
				a.digitized++
			}
			if f.reused {
				a.reused++
			}
			if f.store {
				a.store++
			}
			if f.vneid {
				a.vneid++
				a.vneidProcs |= bit
			}
			if eCertifiedCopies[proc.national] {
				a.ecert = true
			}
			if bad {
				a.bad++
			}
		}
	}
}

// isLate applies docs/indicators.md's end time, supplements, due and late
// rules to one dossier received in the period ending at lastMoment.
func (s *Simulator) isLate(f *facts, lastMoment time.Time) bool {
	if f.nSups > 1 {
		return true // second_supplement
	}
	var end time.Time
	firstStep := func(kind int) time.Time {
		for _, st := range f.steps[:f.nSteps] {
			if st.kind == kind {
				return st.t
			}
		}
		return time.Time{}
	}
	switch {
	case !f.F.IsZero():
		end = f.F
	case !f.T.IsZero():
		end = f.T
	case f.status == 8 || f.status == 3:
		end = f.Ref
		if end.IsZero() {
			kind := evStop
			if f.status == 3 {
				kind = evRefuse
			}
			end = firstStep(kind)
		}
	case f.status == 7 && f.received:
		end = firstStep(evWithdraw)
	}
	var pause time.Duration
	if f.nSups == 1 {
		if sp := f.sups[0]; sp.recv.IsZero() {
			end = sp.req
		} else if sp.recv.After(sp.req) {
			pause = sp.recv.Sub(sp.req)
		}
	}
	if end.IsZero() {
		end = lastMoment // unfinished
	}
	due := f.H
	if !f.dueServed {
		due = endOfDay(s.cal.nthWorkDay(f.R, f.proc.limitOn(midnight(f.R))))
	}
	return end.Add(-pause).After(due)
}

// bcqgFactor is the ratio of the dossiers a unit reported to BCQG to those
// it received: 1.00–1.03 for most units, about 1.10 for two.
func (s *Simulator) bcqgFactor(code string, p period) float64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "bcqg/%d/%s/%s", s.opts.Seed, code, p.key)
	x := h.Sum64()
	if bcqgOverReporting[code] {
		return 1.08 + float64(x%41)/1000
	}
	return 1 + float64(x%31)/1000
}

// bcqgOverReporting are the units that report about 10% more dossiers to
// BCQG than the portal holds (bcqg_exceeds_portal).
var bcqgOverReporting = map[string]bool{"21658": true, "21670": true}

// bcqgValue is the BCQG count of code for p given its true received count.
func (s *Simulator) bcqgValue(code string, p period, received int) int {
	if code == darkUnit && p.kind == 'M' && darkMonth(p.start) {
		return 0
	}
	return int(math.Round(float64(received) * s.bcqgFactor(code, p)))
}

// BCQGReceived is GET /api/v1/bcqg/received: the dossiers unit reported as
// received in period to the national reporting system.
func (s *Simulator) BCQGReceived(unit, periodKey string) (int, error) {
	p, err := parsePeriod(periodKey)
	if err != nil {
		return 0, err
	}
	key, err := s.resolveUnit(unit, p)
	if err != nil {
		return 0, err
	}
	return s.bcqgValue(key, p, s.periodData(p).accs[key].received), nil
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

func ratioOf(num, den float64) float64 {
	if den == 0 {
		return 0
	}
	return num / den
}

// metric builds a metric; score is computed from the ratio r (0–1).
func metric(code string, maxv, num, den float64, score func(r float64) float64) Metric {
	r := ratioOf(num, den)
	sc := min(maxv, maxv*r)
	if score != nil {
		sc = score(r)
	}
	if den == 0 {
		sc = 0 // zero_denominator: zero
	}
	return Metric{Code: code, Score: round2(max(0, sc)), Max: maxv, Ratio: round2(100 * r), Num: num, Den: den}
}

// constant is a metric whose rule awards a fixed value (ratio r, 0–1).
func constant(code string, maxv, score, r float64) Metric {
	return Metric{Code: code, Score: score, Max: maxv, Ratio: round2(100 * r)}
}

func group(code string, maxv float64, ms ...Metric) Group {
	sum := 0.0
	for _, m := range ms {
		sum += m.Score
	}
	return Group{Code: code, Score: round2(min(maxv, sum)), Max: maxv, Metrics: ms}
}

func pop(x uint64) float64 { return float64(bits.OnesCount64(x)) }

var fullyOnlineMask = func(procs []*procedure) uint64 {
	var m uint64
	for _, p := range procs {
		if fullyOnline[p.national] {
			m |= 1 << p.idx
		}
	}
	return m
}

// OfficialScores returns what the national portal published for unit (a GSO
// code valid on the period's last day, or H08) and period (2024, 2024-Q2,
// 2024-07). Errors wrap ErrBadParameter.
func (s *Simulator) OfficialScores(unit, periodKey string) (Evaluation, error) {
	p, err := parsePeriod(periodKey)
	if err != nil {
		return Evaluation{}, err
	}
	key, err := s.resolveUnit(unit, p)
	if err != nil {
		return Evaluation{}, err
	}
	pd := s.periodData(p)
	a, prov := pd.accs[key], pd.accs[ProvinceCode]
	f := func(x int) float64 { return float64(x) }

	// DOSSIER_SYNC: max(BCQG, portal); both 0: last year's BCQG ÷ 12 / 4 / 1.
	den := f(max(s.bcqgValue(key, p, a.received), a.received))
	if den == 0 {
		prev, perr := parsePeriod(strconv.Itoa(p.year - 1))
		if _, err := s.resolveUnit(key, prev); perr == nil && err == nil {
			v := f(s.bcqgValue(key, prev, s.periodData(prev).accs[key].received))
			switch p.kind {
			case 'M':
				den = v / 12
			case 'Q':
				den = v / 4
			default:
				den = v
			}
		}
	}

	// ELECTRONIC_CERTIFIED_COPY: a ward 1/0; the district and the province,
	// the share of their wards.
	var ecNum, ecDen float64
	switch {
	case key == ProvinceCode || (pd.district != nil && key == pd.district.code):
		for _, w := range pd.wards {
			if key == ProvinceCode || w.district == key {
				ecDen++
				if pd.accs[w.code].ecert {
					ecNum++
				}
			}
		}
	default:
		ecDen = 1
		if a.ecert {
			ecNum = 1
		}
	}

	rec := f(a.received)
	petOnTime := constant("PETITION_PROCESSING_ON_TIME", 6, 6, 1)
	if a.pet > 0 {
		petOnTime = metric("PETITION_PROCESSING_ON_TIME", 6, f(a.petOnTime), f(a.pet), nil)
	}
	petHappy := constant("PETITION_HANDLING_SATISFACTION", 6, 6, 1)
	if a.petRated > 0 {
		petHappy = metric("PETITION_HANDLING_SATISFACTION", 6, f(a.petHappy), f(a.petRated), nil)
	}
	recvSat := constant("DOSSIER_RECEIVING_SATISFACTION", 6, 0, 0)
	if a.received > 0 {
		r := max(0, 1-(f(a.late)/rec+f(a.bad)/rec))
		recvSat = Metric{Code: "DOSSIER_RECEIVING_SATISFACTION", Score: round2(min(6, 6*r/0.90)), Max: 6,
			Ratio: round2(100 * r), Num: rec - f(a.late) - f(a.bad), Den: rec}
	}
	full := fullyOnlineMask(s.rd.procs)
	direct := f(a.received - a.online - a.postal)
	fee := pop(a.feeProcs)

	ev := Evaluation{Unit: unit, Period: p.key, Groups: []Group{
		group("transparency", 18,
			metric("PUBLISH_ON_TIME", 6, f(pd.pubNum), f(pd.decided), nil),
			metric("PUBLIC_UPDATE_ON_TIME", 4, f(pd.updNum), f(pd.decided), nil),
			metric("PUBLIC_CONTENT_FULL", 2, f(pd.fullContent), f(pd.public), nil),
			metric("DOSSIER_SYNC", 6, f(a.synced), den, nil),
		),
		group("progress", 20,
			metric("ON_TIME", 20, rec-f(a.late), rec, nil),
		),
		group("online", 12,
			metric("ONLINE_FULL_PROCESS", 12, f(a.fullNum), f(a.fullDen), nil),
			metric("ONLINE_OFFERED", 0, pop(a.procs&full), pop(a.procs), nil),
			metric("CHANNEL_ONLINE", 0, f(a.online), rec, nil),
			metric("CHANNEL_DIRECT", 0, direct, rec, nil),
			metric("CHANNEL_POSTAL", 0, f(a.postal), rec, nil),
		),
		group("payment", 10,
			metric("PAID_ONLINE", 6, f(a.payNum), f(a.payDen), func(r float64) float64 { return 6 * r }),
			metric("FEE_PROCEDURES_PAID_ONLINE", 2, pop(a.feePaid), fee, func(r float64) float64 { return min(2, 2.5*r) }),
			metric("FEE_PROCEDURES_SYNCED", 2.5, pop(a.feeSync), fee, func(r float64) float64 { return 2.5 * r }),
		),
		group("digitization", 22,
			metric("ORIGINAL_RESULT_AVAILABLE", 6, f(a.finNum), f(a.finDen), nil),
			metric("SO_HOA_GIAY_TO_GIAI_QUYET", 4, f(a.digitized), rec, nil),
			metric("ELECTRONIC_CERTIFIED_COPY", 2, ecNum, ecDen, nil),
			metric("REUSED_DIGITIZED_DATA", 2, f(a.reused), rec, func(r float64) float64 { return min(2, 2*r/0.80) }),
			metric("SYNCED_WITH_DVCQG_PERSONAL_STORAGE", 4, f(a.store), rec, nil),
			metric("CITIZEN_DATA_CONNECTED_DOSSIER", 2, f(prov.vneid), f(prov.received), nil),
			metric("CITIZEN_DATA_CONNECTED_FORMALITY", 2, pop(prov.vneidProcs), pop(prov.procs), nil),
		),
		group("satisfaction", 18, petOnTime, petHappy, recvSat),
	}}
	return ev, nil
}

func (s *Simulator) handleEvaluation(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ev, err := s.OfficialScores(q.Get("unit"), q.Get("period"))
	if err != nil {
		writeError(w, http.StatusBadRequest, CodeBadRequest, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, struct {
		envelope
		Evaluation
	}{envelope{ErrorCode: CodeOK}, ev})
}

func (s *Simulator) handleBCQG(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	n, err := s.BCQGReceived(q.Get("unit"), q.Get("period"))
	if err != nil {
		writeError(w, http.StatusBadRequest, CodeBadRequest, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, struct {
		envelope
		Unit     string `json:"unit"`
		Period   string `json:"period"`
		Received int    `json:"received"`
	}{envelope{ErrorCode: CodeOK}, q.Get("unit"), q.Get("period"), n})
}
