package simulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"sort"
	"sync"
	"testing"
	"time"
)

// The metric codes of docs/indicators.md, per group, in order.
var wantMetrics = []struct {
	group string
	max   float64
	codes []string
}{
	{"transparency", 18, []string{"PUBLISH_ON_TIME", "PUBLIC_UPDATE_ON_TIME", "PUBLIC_CONTENT_FULL", "DOSSIER_SYNC"}},
	{"progress", 20, []string{"ON_TIME"}},
	{"online", 12, []string{"ONLINE_SERVICE_PROVIDED", "ONLINE_PROCEDURES_USED", "ONLINE_DOSSIERS", "CHANNEL_ONLINE", "CHANNEL_DIRECT", "CHANNEL_POSTAL"}},
	{"payment", 10, []string{"PAID_ONLINE", "FEE_PROCEDURES_PAID_ONLINE", "FEE_PROCEDURES_SYNCED"}},
	{"digitization", 22, []string{"ORIGINAL_RESULT_AVAILABLE", "SO_HOA_GIAY_TO_GIAI_QUYET", "ELECTRONIC_CERTIFIED_COPY",
		"REUSED_DIGITIZED_DATA", "SYNCED_WITH_DVCQG_PERSONAL_STORAGE", "CITIZEN_DATA_CONNECTED_DOSSIER", "CITIZEN_DATA_CONNECTED_FORMALITY"}},
	{"satisfaction", 18, []string{"PETITION_PROCESSING_ON_TIME", "PETITION_HANDLING_SATISFACTION", "DOSSIER_RECEIVING_SATISFACTION"}},
}

// Province-level metrics a ward inherits (dvcqg-2026: the citizen-data
// metrics are per unit).
var provinceMetrics = []string{"PUBLISH_ON_TIME", "PUBLIC_UPDATE_ON_TIME", "PUBLIC_CONTENT_FULL"}

var (
	evalSimOnce sync.Once
	evalSim     *Simulator
)

// sharedEvalSim is a 20 000-dossier year with a late-sync ward, shared by
// the tests below (its period cache is part of what they exercise).
func sharedEvalSim(t *testing.T) *Simulator {
	evalSimOnce.Do(func() {
		s, err := New(func() Options {
			o := DefaultOptions()
			o.Dossiers, o.LateSyncUnit = 20000, "21640"
			return o
		}())
		if err != nil {
			panic(err)
		}
		evalSim = s
	})
	return evalSim
}

func getJSON(t *testing.T, s *Simulator, tok, target string) (int, map[string]json.RawMessage, []byte) {
	t.Helper()
	rec := do(s.Handler(), http.MethodGet, target, "Bearer "+tok, nil)
	var m map[string]json.RawMessage
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatalf("GET %s: %d, not JSON: %s", target, rec.Code, rec.Body)
	}
	return rec.Code, m, rec.Body.Bytes()
}

func TestEvaluationShape(t *testing.T) {
	t.Parallel()
	s := sharedEvalSim(t)
	tok := login(t, s)
	prov, err := s.OfficialScores("H08", "2024-Q2")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ unit, period string }{
		{"21637", "2024-Q2"}, {"21640", "2024-07"}, {"543", "2024"}, {"H08", "2024-Q2"}, {"52", "2024-03"},
		{"21652", "2024-04"}, // dark month: no dossier at all
	}
	for _, tc := range tests {
		t.Run(tc.unit+"/"+tc.period, func(t *testing.T) {
			code, env, raw := getJSON(t, s, tok, "/api/v1/evaluation?unit="+tc.unit+"&period="+tc.period)
			if code != 200 || string(env["error_code"]) != `"0"` || string(env["unit"]) != `"`+tc.unit+`"` || string(env["period"]) != `"`+tc.period+`"` {
				t.Fatalf("%d %s", code, raw)
			}
			if len(env) != 5 {
				t.Fatalf("envelope keys: %s", raw)
			}
			var ev Evaluation
			if err := json.Unmarshal(raw, &ev); err != nil {
				t.Fatal(err)
			}
			if len(ev.Groups) != len(wantMetrics) {
				t.Fatalf("%d groups", len(ev.Groups))
			}
			sumMax := 0.0
			for k, g := range ev.Groups {
				w := wantMetrics[k]
				if g.Code != w.group || g.Max != w.max || len(g.Metrics) != len(w.codes) {
					t.Fatalf("group %d: %s max %v with %d metrics", k, g.Code, g.Max, len(g.Metrics))
				}
				sumMax += g.Max
				sum := 0.0
				for j, m := range g.Metrics {
					if m.Code != w.codes[j] {
						t.Fatalf("%s metric %d: %s, want %s", g.Code, j, m.Code, w.codes[j])
					}
					// CITIZEN_DATA_CONNECTED_FORMALITY counts procedures used
					// outside the level's catalogue too (the portal publishes
					// 1301/1300 for a province).
					overflow := m.Code == "CITIZEN_DATA_CONNECTED_FORMALITY"
					if m.Score < 0 || m.Score > m.Max || m.Ratio < 0 || (m.Ratio > 100 && !overflow) || math.IsNaN(m.Score) {
						t.Fatalf("%s: score %v of %v, ratio %v", m.Code, m.Score, m.Max, m.Ratio)
					}
					sum += m.Score
				}
				if want := round2(min(g.Max, sum)); math.Abs(g.Score-want) > 1e-9 {
					t.Fatalf("group %s score %v, metrics sum to %v", g.Code, g.Score, want)
				}
			}
			if sumMax != 100 {
				t.Fatalf("group maxima sum to %v", sumMax)
			}
			if tc.period == "2024-Q2" {
				for _, c := range provinceMetrics {
					a, _ := ev.Metric(c)
					b, _ := prov.Metric(c)
					if a.Score != b.Score || a.Ratio != b.Ratio {
						t.Errorf("%s: ward %+v, province %+v (inherit)", c, a, b)
					}
				}
			}
		})
	}
}

func TestEvaluationBadParams(t *testing.T) {
	t.Parallel()
	s := sharedEvalSim(t)
	tok := login(t, s)
	tests := []struct{ endpoint, query string }{
		{"evaluation", "unit=99999&period=2024"},
		{"evaluation", "unit=&period=2024"},
		{"evaluation", "unit=21637&period=2024-13"},
		{"evaluation", "unit=21637&period=2024-Q5"},
		{"evaluation", "unit=21637&period=2024-7"},
		{"evaluation", "unit=21637&period=24"},
		{"evaluation", "unit=21637&period="},
		{"evaluation", "unit=21637&period=+024"},
		{"evaluation", "unit=543&period=2025-Q3"},   // district abolished on 2025-07-01
		{"evaluation", "unit=21643&period=2025"},    // merged into 21655
		{"evaluation", "unit=21637&period=2019-12"}, // before the wards existed
		{"bcqg/received", "unit=99999&period=2024-Q2"},
		{"bcqg/received", "unit=21637&period=2024-Q0"},
		{"bcqg/received", "unit=21637&period=2024-00"},
		{"bcqg/received", "period=2024"},
	}
	for _, tc := range tests {
		t.Run(tc.endpoint+"?"+tc.query, func(t *testing.T) {
			code, env, raw := getJSON(t, s, tok, "/api/v1/"+tc.endpoint+"?"+tc.query)
			if code != http.StatusBadRequest || string(env["error_code"]) == `"0"` || len(env["message"]) < 5 {
				t.Fatalf("%d %s", code, raw)
			}
		})
	}
	if _, err := s.OfficialScores("21637", "2024-13"); !errors.Is(err, ErrBadParameter) {
		t.Fatalf("OfficialScores error %v", err)
	}
	for _, ep := range []string{"evaluation", "bcqg/received"} {
		if rec := do(s.Handler(), http.MethodGet, "/api/v1/"+ep+"?unit=H08&period=2024", "", nil); rec.Code != 401 {
			t.Errorf("%s without token: %d", ep, rec.Code)
		}
	}
}

func TestBCQG(t *testing.T) {
	t.Parallel()
	s := sharedEvalSim(t)
	tok := login(t, s)
	code, env, raw := getJSON(t, s, tok, "/api/v1/bcqg/received?unit=21637&period=2024-Q2")
	if code != 200 || len(env) != 5 || string(env["unit"]) != `"21637"` || string(env["period"]) != `"2024-Q2"` {
		t.Fatalf("%d %s", code, raw)
	}
	var n int
	if err := json.Unmarshal(env["received"], &n); err != nil {
		t.Fatalf("received %s: %v", env["received"], err)
	}
	if want, _ := s.BCQGReceived("21637", "2024-Q2"); n != want || n == 0 {
		t.Fatalf("received %d, want %d", n, want)
	}

	// Ratio BCQG / portal count: 1.00–1.03, about 1.10 for two units, 0 for
	// the dark unit in its dark months (when the portal holds none either).
	tests := []struct {
		unit, period string
		lo, hi       float64
	}{
		{"21637", "2024-Q2", 1.0, 1.03},
		{"21640", "2024-05", 1.0, 1.03},
		{"543", "2024", 1.0, 1.03},
		{"H08", "2024", 1.0, 1.03},
		{"21658", "2024-Q3", 1.06, 1.14},
		{"21670", "2024-02", 1.06, 1.14},
		{"21652", "2024-03", 1.0, 1.03},
		{"21652", "2024-04", 0, 0},
		{"21652", "2024-09", 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.unit+"/"+tc.period, func(t *testing.T) {
			b, err := s.BCQGReceived(tc.unit, tc.period)
			if err != nil {
				t.Fatal(err)
			}
			ev, _ := s.OfficialScores(tc.unit, tc.period)
			on, _ := ev.Metric("ON_TIME")
			sync, _ := ev.Metric("DOSSIER_SYNC")
			if tc.hi == 0 {
				if b != 0 || on.Den != 0 {
					t.Fatalf("dark month: BCQG %d, portal %v", b, on.Den)
				}
				// Both 0: the denominator falls back to last year's BCQG ÷ 12.
				if sync.Den != float64(mustBCQG(t, s, tc.unit, "2023"))/12 || sync.Score != 0 {
					t.Fatalf("fallback denominator %v, score %v", sync.Den, sync.Score)
				}
				return
			}
			r := float64(b) / on.Den
			if r < tc.lo-0.001 || r > tc.hi+0.001 || on.Den < 50 {
				t.Fatalf("BCQG %d / portal %v = %.3f outside [%v, %v]", b, on.Den, r, tc.lo, tc.hi)
			}
			if sync.Den != float64(max(b, int(on.Den))) {
				t.Fatalf("DOSSIER_SYNC denominator %v, want max(%d, %v)", sync.Den, b, on.Den)
			}
		})
	}
}

func mustBCQG(t *testing.T, s *Simulator, unit, period string) int {
	t.Helper()
	n, err := s.BCQGReceived(unit, period)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// The late-sync ward syncs its steps late: a risk the portal does not score
// (dvcqg-2026 counts synced dossiers, however late), so its DOSSIER_SYNC is
// in line with the others', while its share synced within the 24-hour
// deadline (the sync_scoring: deadline reading) is far below theirs.
func TestLateSyncUnit(t *testing.T) {
	t.Parallel()
	s := sharedEvalSim(t)
	p, _ := parsePeriod("2024-Q2")
	pd := s.periodData(p)
	ratios, onTime := map[string]float64{}, map[string]float64{}
	var others, othersOnTime []float64
	for _, u := range []string{"21637", "21640", "21643", "21646", "21655", "21658", "21661", "21664", "21667", "21670", "21673", "21685"} {
		ev, err := s.OfficialScores(u, "2024-Q2")
		if err != nil {
			t.Fatal(err)
		}
		m, _ := ev.Metric("DOSSIER_SYNC")
		ratios[u] = m.Ratio
		onTime[u] = 100 * float64(pd.accs[u].syncedOnTime) / m.Den
		if u != "21640" {
			others = append(others, m.Ratio)
			othersOnTime = append(othersOnTime, onTime[u])
		}
	}
	sort.Float64s(others)
	sort.Float64s(othersOnTime)
	if ratios["21640"] < others[0]-5 {
		t.Fatalf("late-sync ward DOSSIER_SYNC %.1f%%, others from %.1f%%: late syncs must cost no points: %v", ratios["21640"], others[0], ratios)
	}
	if onTime["21640"] > 30 || onTime["21640"] > othersOnTime[0]/2 {
		t.Fatalf("late-sync ward synced on time %.1f%%, others from %.1f%%: %v", onTime["21640"], othersOnTime[0], onTime)
	}
	lateSync := 0
	for i := 0; i < s.Len(); i++ {
		if tr := s.Truth(i); tr.LateSync {
			lateSync++
			if tr.UnitCode != "21640" && !tr.Invalid {
				t.Fatalf("%d: late sync in %s", i, tr.UnitCode)
			}
		}
	}
	if lateSync < 1000 {
		t.Fatalf("only %d late-sync dossiers", lateSync)
	}
}

// A hand-checked case: ON_TIME of every unit of a 60-dossier month,
// recomputed from Truth and the catalogue with the rules of
// docs/indicators.md.
func TestOnTimeByHand(t *testing.T) {
	t.Parallel()
	s := newSim(t, func(o *Options) {
		o.From, o.To, o.Dossiers, o.Seed = day(2024, 3, 1), day(2024, 4, 1), 60, 3
	})
	limits := map[string]CatalogueTruth{}
	for _, c := range s.Catalogue() {
		limits[c.National] = c
	}
	start, end := day(2024, 3, 1), day(2024, 4, 1)
	lastMoment := end.Add(-time.Second)
	type count struct{ den, late int }
	byUnit := map[string]*count{"H08": {}}
	kinds := map[string]bool{}
	for i := 0; i < s.Len(); i++ {
		tr := s.Truth(i)
		if tr.Invalid {
			t.Fatalf("seed 3 was chosen for a sample without invalid records; %d is %s", i, tr.InvalidField)
		}
		if tr.Received == nil || tr.Received.Before(start) || !tr.Received.Before(end) {
			continue
		}
		R := *tr.Received
		var endAt time.Time
		switch {
		case tr.Finished != nil:
			endAt = *tr.Finished
		case tr.Returned != nil:
			endAt = *tr.Returned
		case tr.Status == 7 && tr.Withdrawn != nil:
			endAt = *tr.Withdrawn
		}
		var pause time.Duration
		if len(tr.Supplements) == 1 {
			sp := tr.Supplements[0]
			if sp.Received == nil {
				endAt = sp.Requested
			} else {
				pause = sp.Received.Sub(sp.Requested)
			}
		}
		if endAt.IsZero() {
			endAt = lastMoment
			kinds["unfinished"] = true
		}
		var due time.Time
		if tr.Due != nil {
			due = *tr.Due
		} else {
			c := limits[tr.ProcedureNational]
			lim := c.LimitBefore
			if !c.Decision.IsZero() && !midnight(R).Before(c.Decision) {
				lim = c.LimitAfter
			}
			d := midnight(R)
			for n := 0; ; d = d.AddDate(0, 0, 1) {
				if s.cal.isWorkDay(d) {
					if n == lim {
						break
					}
					n++
				}
			}
			due = d.AddDate(0, 0, 1).Add(-time.Second)
			kinds["no NgayHenTra"] = true
		}
		late := len(tr.Supplements) > 1 || endAt.Add(-pause).After(due)
		if late {
			kinds["late"] = true
		}
		if len(tr.Supplements) > 0 {
			kinds["supplement"] = true
		}
		scopes := []string{tr.UnitCode, "H08"}
		if tr.UnitCode != "543" {
			scopes = append(scopes, "543") // a ward counts for the district too
		}
		for _, u := range scopes {
			if byUnit[u] == nil {
				byUnit[u] = &count{}
			}
			byUnit[u].den++
			if late {
				byUnit[u].late++
			}
		}
	}
	for _, k := range []string{"late", "unfinished", "supplement"} {
		if !kinds[k] {
			t.Errorf("the sample has no %s dossier: pick another seed", k)
		}
	}
	if byUnit["H08"].den < 40 {
		t.Fatalf("only %d dossiers received in March", byUnit["H08"].den)
	}
	for u, c := range byUnit {
		ev, err := s.OfficialScores(u, "2024-03")
		if err != nil {
			t.Fatal(err)
		}
		m, _ := ev.Metric("ON_TIME")
		wantRatio := 100 * float64(c.den-c.late) / float64(c.den)
		if m.Den != float64(c.den) || m.Num != float64(c.den-c.late) || math.Abs(m.Ratio-round2(wantRatio)) > 1e-9 ||
			math.Abs(m.Score-round2(20*wantRatio/100)) > 1e-9 {
			t.Errorf("%s: ON_TIME %+v, by hand %d late of %d", u, m, c.late, c.den)
		}
	}
}

// Same options, same published scores; concurrent requests agree.
func TestEvaluationDeterministic(t *testing.T) {
	t.Parallel()
	mk := func() *Simulator {
		return newSim(t, func(o *Options) { o.Dossiers, o.From, o.To = 3000, day(2024, 1, 1), day(2024, 7, 1) })
	}
	a, b := mk(), mk()
	ta, tb := login(t, a), login(t, b)
	var wg sync.WaitGroup
	results := make([][]byte, 8)
	for k := range results {
		wg.Go(func() {
			_, _, raw := getJSON(t, a, ta, "/api/v1/evaluation?unit=21637&period=2024-Q1")
			results[k] = raw
		})
	}
	wg.Wait()
	_, _, want := getJSON(t, b, tb, "/api/v1/evaluation?unit=21637&period=2024-Q1")
	for k, r := range results {
		if !bytes.Equal(r, want) {
			t.Fatalf("request %d: %s\nwant %s", k, r, want)
		}
	}
	c := newSim(t, func(o *Options) {
		o.Dossiers, o.From, o.To, o.Seed = 3000, day(2024, 1, 1), day(2024, 7, 1), 9
	})
	_, _, other := getJSON(t, c, login(t, c), "/api/v1/evaluation?unit=21637&period=2024-Q1")
	if bytes.Equal(other, want) {
		t.Fatal("another seed, same scores")
	}
}

// The generated data carry the cases the explain pages need, at low rates.
func TestScenarioRates(t *testing.T) {
	t.Parallel()
	s := sharedEvalSim(t)
	var received, stepLag, twoSup, stuck int
	ecert := map[string]int{}
	units := map[string]bool{}
	for i := 0; i < s.Len(); i++ {
		tr := s.Truth(i)
		if tr.Received == nil || tr.Invalid {
			continue
		}
		received++
		units[tr.UnitCode] = true
		if d := tr.UpdatedAt.Sub(*tr.Received); d < 0 || d > maxDossierSpan {
			t.Fatalf("%d: updated %v after received", i, d)
		}
		if tr.StepLag {
			stepLag++
			if tr.Finished == nil || tr.Returned == nil || !tr.Returned.Before(*tr.Finished) || (tr.Due != nil && (!tr.Finished.After(*tr.Due) || tr.Returned.After(*tr.Due))) {
				t.Fatalf("%d: step lag without NgayTra ≤ due < NgayKetThucXuLy: %+v", i, tr)
			}
		}
		if len(tr.Supplements) == 2 {
			twoSup++
		}
		switch tr.Status {
		case 2, 4, 6:
			if tr.Due != nil && tr.UpdatedAt.Before(s.opts.To.Add(-agedAfter)) && tr.Due.Before(day(2024, 12, 1)) {
				stuck++
			}
		}
		if tr.ProcedureNational == "2.000908" {
			ecert[tr.UnitCode]++
		}
	}
	share := func(k int) float64 { return float64(k) / float64(received) }
	for _, c := range []struct {
		what   string
		got    float64
		lo, hi float64
	}{
		{"step lag", share(stepLag), 0.005, 0.05},
		{"two supplements", share(twoSup), 0.003, 0.03},
		{"stuck unfinished past due", share(stuck), 0.005, 0.05},
	} {
		if c.got < c.lo || c.got > c.hi {
			t.Errorf("%s share %.4f outside [%v, %v]", c.what, c.got, c.lo, c.hi)
		}
	}
	for u := range units {
		if noECertWards[u] != (ecert[u] == 0) {
			t.Errorf("ward %s: %d e-certified-copy dossiers", u, ecert[u])
		}
	}
	// ELECTRONIC_CERTIFIED_COPY is a constant 2 (dvcqg-2026), even for the
	// wards without an e-certified-copy dossier.
	for _, u := range []string{"H08", "21637"} {
		ev, _ := s.OfficialScores(u, "2024")
		m, _ := ev.Metric("ELECTRONIC_CERTIFIED_COPY")
		if m.Score != 2 || m.Ratio != 100 {
			t.Fatalf("%s ELECTRONIC_CERTIFIED_COPY %+v, want the constant 2", u, m)
		}
	}
}

// After the merger a period's units are the 7 new wards: old wards' dossiers
// count for their successors, the district's only for the province.
func TestEvaluationSuccessors(t *testing.T) {
	t.Parallel()
	s := newSim(t, func(o *Options) { o.From, o.To, o.Dossiers = day(2025, 5, 1), day(2025, 9, 1), 8000 })
	wards := []string{"21637", "21640", "21655", "21661", "21664", "21670", "21673"}
	q3, _ := s.OfficialScores("H08", "2025-Q3")
	sum := 0.0
	for _, w := range wards {
		ev, err := s.OfficialScores(w, "2025")
		if err != nil {
			t.Fatal(err)
		}
		m, _ := ev.Metric("ON_TIME")
		sum += m.Den
	}
	y, _ := s.OfficialScores("H08", "2025")
	yOn, _ := y.Metric("ON_TIME")
	q3On, _ := q3.Metric("ON_TIME")
	var district float64
	for i := 0; i < s.Len(); i++ {
		if tr := s.Truth(i); tr.UnitCode == "543" && tr.Received != nil {
			district++
		}
	}
	if district == 0 || yOn.Den < q3On.Den+1000 {
		t.Fatalf("district dossiers %v, year %v, Q3 %v", district, yOn.Den, q3On.Den)
	}
	// Invalid records count with their true unit, so compare with a margin.
	if diff := yOn.Den - sum; diff < district || diff > district+0.02*yOn.Den {
		t.Fatalf("wards sum to %v of the province's %v; district dossiers %v", sum, yOn.Den, district)
	}
	if _, err := s.OfficialScores("21646", "2025-Q2"); err != nil {
		t.Fatalf("a pre-merger ward in 2025-Q2: %v", err)
	}
}

func ExampleSimulator_OfficialScores() {
	o := DefaultOptions()
	o.Dossiers = 2000
	s, _ := New(o)
	ev, _ := s.OfficialScores("21637", "2024-Q2")
	for _, g := range ev.Groups {
		fmt.Printf("%s /%v\n", g.Code, g.Max)
	}
	// Output:
	// transparency /18
	// progress /20
	// online /12
	// payment /10
	// digitization /22
	// satisfaction /18
}
