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

	"github.com/dvcindex/dvcindex/transform/official"
)

// The official scores (portal-api.md §4) and the BCQG counts (§5) are what
// the national portal published. The simulator counts them from its own
// generated data, independently of the pipeline, following
// docs/indicators.md with every rule at its default (the national portal's
// rules, formula version dvcqg-2026), and turns each ratio into a score
// with transform/official's formulas: the values the portal serves, read
// without the printing mess, and the true value of the field a
// deliberately invalid record breaks (the portal knows its own records).
// Choices docs/indicators.md leaves open are listed in the README.

// ProvinceCode is the unit code of the province in §4 and §5.
const ProvinceCode = "H08"

// Metric is one published metric: score out of max, ratio in percent.
type Metric struct {
	Code  string  `json:"code"`
	Score float64 `json:"score"`
	Max   float64 `json:"max"`
	Ratio float64 `json:"ratio"`
	// Num and Den are the counts behind the ratio (not published).
	Num float64 `json:"-"`
	Den float64 `json:"-"`
	// Null: the portal publishes a null ratio and score (a zero denominator
	// of a transparency or digitization metric); Score and Ratio read 0.
	Null bool `json:"-"`
}

// Group is one of the six indicator groups; its score is the sum of its
// metrics' rounded scores, a null counted as 0.
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
	if code == ProvinceCode || s.rd.isProvinceGSO(code) { // a GSO code of the province is an alias of H08
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
	received, synced, syncedOnTime    int // synced: DaDongBo; on time: every step within syncDeadline too
	late                              int
	online, postal, onlineResult      int    // onlineResult: online with an e-result when the result is a document
	procs, feeProcs, feePaid, feeSync uint64 // procedure sets (bit = procedure.idx)
	onlineProcs, citizenProcs         uint64
	payDen, payNum                    int
	resultLinked, soHoa               int
	digitized, reused, store, citizen int
	ecert                             bool
	bad, badOrLate                    int // dossiers with a petition or a dissatisfied rating; or late
	pet, petOnTime, petOK             int // petOK: neither dissatisfied nor late
}

// periodData are every unit's figures of one period.
type periodData struct {
	p        period
	wards    []*unit // valid on the period's last day
	district *unit   // valid on the period's last day (nil when none)
	accs     map[string]*acc
	// Province-level catalogue counts.
	pubNum, decided          int
	updNum, updDen           int
	fullContent, public      int
	wardProcs, districtProcs uint64 // catalogue procedures of each level
	onlineOffered            uint64 // catalogue procedures offered online (toan_trinh or mot_phan)
	allProcs                 uint64
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
		if u.isDistrict() {
			pd.district = u
		} else {
			pd.wards = append(pd.wards, u)
		}
		pd.accs[u.code] = &acc{}
	}
	scopes := pd.scopes(s, pd.accs)

	pd.catalogueCounts(s)

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
			// Open at the end of the period (or today, for a running one)
			// and not past due: on time.
			judged := lastMoment
			if now := s.opts.Now(); now.Before(judged) {
				judged = now
			}
			onTime := (!pf.handled.IsZero() && !pf.handled.After(pf.due)) ||
				((pf.handled.IsZero() || pf.handled.After(lastMoment)) && !pf.due.Before(judged))
			for _, a := range scopes[pf.u] {
				a.pet++
				if onTime {
					a.petOnTime++
					if pf.rating != 2 {
						a.petOK++
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
	a.syncedOnTime += b.syncedOnTime
	a.late += b.late
	a.online += b.online
	a.postal += b.postal
	a.onlineResult += b.onlineResult
	a.procs |= b.procs
	a.feeProcs |= b.feeProcs
	a.feePaid |= b.feePaid
	a.feeSync |= b.feeSync
	a.onlineProcs |= b.onlineProcs
	a.citizenProcs |= b.citizenProcs
	a.payDen += b.payDen
	a.payNum += b.payNum
	a.resultLinked += b.resultLinked
	a.soHoa += b.soHoa
	a.digitized += b.digitized
	a.reused += b.reused
	a.store += b.store
	a.citizen += b.citizen
	a.ecert = a.ecert || b.ecert
	a.bad += b.bad
	a.badOrLate += b.badOrLate
	a.pet += b.pet
	a.petOnTime += b.petOnTime
	a.petOK += b.petOK
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
		onTimeSync := f.daDongBo
		for _, st := range f.steps[:f.nSteps] {
			onTimeSync = onTimeSync && !st.sync.IsZero() && st.sync.Sub(st.t) <= syncDeadline
		}
		for _, a := range scopes[f.u] {
			a.count(&f, late, onTimeSync, related[i])
		}
	}
}

// count adds one dossier received in the period to a unit's figures.
func (a *acc) count(f *facts, late, onTimeSync, petitioned bool) {
	proc := f.proc
	bit := uint64(1) << proc.idx
	docResult := proc.result != ""
	bad := petitioned || f.rating == 3
	a.received++
	if f.daDongBo {
		a.synced++
	}
	if onTimeSync {
		a.syncedOnTime++
	}
	if late {
		a.late++
	}
	if bad {
		a.bad++
	}
	if bad || late {
		a.badOrLate++
	}
	a.procs |= bit
	switch f.ch {
	case 2:
		a.online++
		a.onlineProcs |= bit
		if !docResult || f.resultLink {
			a.onlineResult++
		}
	case 3:
		a.postal++
	}
	if len(proc.fees) > 0 {
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
		if f.feeData && !f.feesZero {
			a.feeSync |= bit
		}
	}
	if f.resultLink {
		a.resultLinked++
	}
	if f.digitized {
		a.digitized++
		if !docResult || f.resultLink {
			a.soHoa++
		}
	}
	if f.reused {
		a.reused++
	}
	if f.store {
		a.store++
	}
	if f.vneid || f.store {
		a.citizen++
		a.citizenProcs |= bit
	}
	if eCertifiedCopies[proc.national] {
		a.ecert = true
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

// catalogueCounts are the catalogue's figures of the period: items 1.1–1.3
// (province level) and the procedures of each level and those offered
// online (items 3.1, 3.2, 4.5a).
func (pd *periodData) catalogueCounts(s *Simulator) {
	p := pd.p
	in := func(t time.Time) bool { return !t.IsZero() && !t.Before(p.start) && t.Before(p.end) }
	for _, it := range s.catalogue() {
		decided, _ := time.ParseInLocation(layCompact, it.QuyetDinhCongBo.Ngay, Location)
		basis, _ := time.ParseInLocation(layCompact, it.NgayHieuLucCanCu, Location)
		public, _ := time.ParseInLocation(layCompact, it.NgayCongKhai, Location)
		if in(decided) {
			pd.decided++
			if !midnight(decided).After(s.cal.nthWorkDayBefore(basis, 5)) {
				pd.pubNum++
			}
		}
		// 1.2: made public in the period, or due (decision + 5 working
		// days) in the period.
		if !decided.IsZero() {
			deadline := s.cal.nthWorkDay(decided, 5)
			if in(public) || in(deadline) {
				pd.updDen++
				if !public.IsZero() && !midnight(public).After(deadline) {
					pd.updNum++
				}
			}
		}
		if it.NgayCongKhai != "" {
			pd.public++
			if it.NoiDungDayDu {
				pd.fullContent++
			}
		}
	}
	for _, pr := range s.rd.procs {
		bit := uint64(1) << pr.idx
		pd.allProcs |= bit
		if pr.ward {
			pd.wardProcs |= bit
		}
		if pr.district {
			pd.districtProcs |= bit
		}
		if !notOnline[pr.national] {
			pd.onlineOffered |= bit
		}
	}
}

// levelProcs are the catalogue procedures of a unit's level: every one for
// the province, the district's or the wards'.
func (pd *periodData) levelProcs(key string) uint64 {
	switch {
	case key == ProvinceCode:
		return pd.allProcs
	case pd.district != nil && key == pd.district.code:
		return pd.districtProcs
	}
	return pd.wardProcs
}

// score builds a metric from its counts with transform/official's formula
// (rule is the formula's key: the portal's code or the reference's item),
// s being the sync coefficient of item 3.3 (1 elsewhere).
func score(code, rule string, num, den, s float64) Metric {
	f, ok := official.Lookup(rule)
	if !ok {
		panic("no official formula " + rule) // the rule table is fixed at compile time
	}
	m := Metric{Code: code, Max: f.Max, Num: num, Den: den}
	sc, err := f.ScoreScaled(num, den, s)
	if err != nil {
		panic(err) // counts are never negative
	}
	r, _ := f.Ratio(num, den)
	switch {
	case sc == nil:
		m.Null = true
	default:
		m.Score = *sc
	}
	if r != nil {
		m.Ratio = *r
	}
	return m
}

// info is an informational share: maximum 0, score 0.
func info(code string, num, den float64) Metric {
	r := 0.0
	if den > 0 {
		r = round2(100 * num / den)
	}
	return Metric{Code: code, Ratio: r, Num: num, Den: den}
}

// group sums the rounded scores of its metrics, a null counted as 0, and
// keeps every metric's maximum.
func group(code string, maxv float64, ms ...Metric) Group {
	scores := make([]*float64, 0, len(ms))
	for _, m := range ms {
		if !m.Null {
			scores = append(scores, &m.Score)
		}
	}
	return Group{Code: code, Score: official.GroupTotal(scores), Max: maxv, Metrics: ms}
}

func pop(x uint64) float64 { return float64(bits.OnesCount64(x)) }

// syncDenominator is DOSSIER_SYNC's denominator: max(BCQG, portal); both 0:
// last year's BCQG ÷ 12 (month), ÷ 4 (quarter) or whole (year).
func (s *Simulator) syncDenominator(key string, p period, received int) float64 {
	den := float64(max(s.bcqgValue(key, p, received), received))
	if den != 0 {
		return den
	}
	prev, perr := parsePeriod(strconv.Itoa(p.year - 1))
	if _, err := s.resolveUnit(key, prev); perr != nil || err != nil {
		return 0
	}
	v := float64(s.bcqgValue(key, prev, s.periodData(prev).accs[key].received))
	switch p.kind {
	case 'M':
		return v / 12
	case 'Q':
		return v / 4
	}
	return v
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
	ev := Evaluation{Unit: unit, Period: p.key, Groups: pd.groups(key, s.syncDenominator(key, p, pd.accs[key].received))}
	return ev, nil
}

// groups scores one unit's figures with the rules of dvcqg-2026
// (docs/indicators.md).
func (pd *periodData) groups(key string, syncDen float64) []Group {
	a := pd.accs[key]
	f := func(x int) float64 { return float64(x) }
	rec := f(a.received)
	sync := score("DOSSIER_SYNC", "DOSSIER_SYNC", f(a.synced), syncDen, 1)
	coef := 1.0 // item 3.3: the DOSSIER_SYNC ratio, 1 when it has no data
	if syncDen > 0 {
		coef = f(a.synced) / syncDen
	}
	level := pd.levelProcs(key)
	onlineLevel := level & pd.onlineOffered
	fee := pop(a.feeProcs)
	return []Group{
		group("transparency", 18,
			score("PUBLISH_ON_TIME", "PUBLISH_ON_TIME", f(pd.pubNum), f(pd.decided), 1),
			score("PUBLIC_UPDATE_ON_TIME", "PUBLIC_UPDATE_ON_TIME", f(pd.updNum), f(pd.updDen), 1),
			score("PUBLIC_CONTENT_FULL", "PUBLIC_CONTENT_FULL", f(pd.fullContent), f(pd.public), 1),
			sync,
		),
		group("progress", 20,
			score("ON_TIME", "2.1", rec-f(a.late), rec, 1),
		),
		group("online", 12,
			score("ONLINE_SERVICE_PROVIDED", "3.1", pop(onlineLevel), pop(level), 1),
			score("ONLINE_PROCEDURES_USED", "3.2", pop(a.onlineProcs&onlineLevel), pop(onlineLevel), 1),
			score("ONLINE_DOSSIERS", "3.3", f(a.onlineResult), rec, coef),
			info("CHANNEL_ONLINE", f(a.online), rec),
			info("CHANNEL_DIRECT", f(a.received-a.online-a.postal), rec),
			info("CHANNEL_POSTAL", f(a.postal), rec),
		),
		group("payment", 10,
			score("PAID_ONLINE", "3.6", f(a.payNum), f(a.payDen), 1),
			score("FEE_PROCEDURES_PAID_ONLINE", "3.5b", pop(a.feePaid), fee, 1),
			score("FEE_PROCEDURES_SYNCED", "3.5", pop(a.feeSync), fee, 1),
		),
		group("digitization", 22,
			score("ORIGINAL_RESULT_AVAILABLE", "ORIGINAL_RESULT_AVAILABLE", f(a.resultLinked), rec, 1),
			score("SO_HOA_GIAY_TO_GIAI_QUYET", "SO_HOA_GIAY_TO_GIAI_QUYET", f(a.soHoa), rec, 1),
			score("ELECTRONIC_CERTIFIED_COPY", "ELECTRONIC_CERTIFIED_COPY", 1, 1, 1),
			score("REUSED_DIGITIZED_DATA", "REUSED_DIGITIZED_DATA", f(a.reused), rec, 1),
			score("SYNCED_WITH_DVCQG_PERSONAL_STORAGE", "SYNCED_WITH_DVCQG_PERSONAL_STORAGE", f(a.store), rec, 1),
			score("CITIZEN_DATA_CONNECTED_DOSSIER", "CITIZEN_DATA_CONNECTED_DOSSIER", f(a.citizen), rec, 1),
			score("CITIZEN_DATA_CONNECTED_FORMALITY", "CITIZEN_DATA_CONNECTED_FORMALITY", pop(a.citizenProcs), pop(level), 1),
		),
		group("satisfaction", 18,
			score("PETITION_PROCESSING_ON_TIME", "PETITION_PROCESSING_ON_TIME", f(a.petOnTime), f(a.pet), 1),
			score("PETITION_HANDLING_SATISFACTION", "PETITION_HANDLING_SATISFACTION", f(a.petOK), f(a.pet), 1),
			score("DOSSIER_RECEIVING_SATISFACTION", "DOSSIER_RECEIVING_SATISFACTION", rec-f(a.badOrLate), rec, 1),
		),
	}
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
