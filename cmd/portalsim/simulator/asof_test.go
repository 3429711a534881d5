package simulator

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// replaySim is a simulator of N dossiers updated in 2024 whose replay clock
// the test moves.
func replaySim(t testing.TB, mutate func(*Options)) (*Simulator, *Clock) {
	t.Helper()
	clock := NewClock(day(2024, 6, 1))
	s := newSim(t, func(o *Options) {
		o.Seed, o.Dossiers, o.Petitions = 424242, 3000, 400
		o.LateSyncUnit = "21640"
		o.AsOf, o.TokenTTL = clock.Now, 2*366*24*time.Hour // a token for the whole replay
		if mutate != nil {
			mutate(o)
		}
	})
	return s, clock
}

// replayMoments are replay moments across the year: office hours, nights,
// weekends, the first and last days.
var replayMoments = []time.Time{
	day(2024, 1, 2).Add(9 * time.Hour),
	day(2024, 3, 15).Add(17*time.Hour + 30*time.Minute),
	day(2024, 5, 10).Add(10*time.Hour + 17*time.Minute + 3*time.Second),
	day(2024, 8, 3).Add(12 * time.Hour), // a Saturday
	day(2024, 12, 31).Add(16 * time.Hour),
}

// rawPage is a page with its records as served.
type rawPage struct {
	Total int               `json:"total"`
	Data  []json.RawMessage `json:"data"`
}

// rawRecords pages through target's records of [from, to) and returns them
// as served, checking that their count is the total every page says.
func rawRecords(t testing.TB, s *Simulator, tok string, target func(from, to time.Time, page, size int) string,
	from, to time.Time, size int) []json.RawMessage {
	t.Helper()
	var out []json.RawMessage
	for page := 1; ; page++ {
		u := target(from, to, page, size)
		rec := do(s.Handler(), http.MethodGet, u, "Bearer "+tok, nil)
		var p rawPage
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &p) != nil {
			t.Fatalf("GET %s: %d %s", u, rec.Code, rec.Body)
		}
		out = append(out, p.Data...)
		if len(p.Data) < size {
			if len(out) != p.Total {
				t.Fatalf("window %v..%v: %d records, total says %d", from, to, len(out), p.Total)
			}
			return out
		}
	}
}

// servedDossier is what the replay tests read of a served dossier.
type servedDossier struct {
	MaHoSo                                                          string
	NgayNopHoSo, NgayTiepNhan, NgayKetThucXuLy, NgayTra, NgayTuChoi *string
	TrangThaiHoSo, DanhGiaHaiLong                                   *int
	DanhSachGiayToKetQua                                            json.RawMessage
	QuaTrinhXuLy                                                    []struct{ ThoiDiemXuLy, ThoiDiemDongBo *string }
	DanhSachHoSoBoSung                                              []struct{ NgayYeuCauBoSung, NgayTiepNhanBoSung *string }
	DongBoDVCQG                                                     *struct {
		DaDongBo       int
		ThoiDiemDongBo *string
	}
	NgayCapNhat string
}

// moments lists every served moment of d that is an event or a sync (not
// the due dates), as served.
func (d *servedDossier) moments() []string {
	out := []string{d.NgayCapNhat}
	add := func(v *string) {
		if v != nil && *v != "" {
			out = append(out, *v)
		}
	}
	for _, v := range []*string{d.NgayNopHoSo, d.NgayTiepNhan, d.NgayKetThucXuLy, d.NgayTra, d.NgayTuChoi} {
		add(v)
	}
	for _, st := range d.QuaTrinhXuLy {
		add(st.ThoiDiemXuLy)
		add(st.ThoiDiemDongBo)
	}
	for _, sp := range d.DanhSachHoSoBoSung {
		add(sp.NgayYeuCauBoSung)
		add(sp.NgayTiepNhanBoSung)
	}
	if d.DongBoDVCQG != nil {
		add(d.DongBoDVCQG.ThoiDiemDongBo)
	}
	return out
}

func decodeDossier(t testing.TB, raw []byte) servedDossier {
	t.Helper()
	var d servedDossier
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatalf("dossier %s: %v", raw, err)
	}
	return d
}

// indexedTruth is the truth of dossier i at some moment.
type indexedTruth struct {
	i int
	Truth
}

// servedAt lists the truths of the dossiers that exist at at, in the API's
// order (NgayCapNhat, MaHoSo, index).
func servedAt(s *Simulator, at time.Time) []indexedTruth {
	var out []indexedTruth
	for i := range s.Len() {
		if tr, ok := s.TruthAt(i, at); ok {
			out = append(out, indexedTruth{i, tr})
		}
	}
	slices.SortFunc(out, func(a, b indexedTruth) int {
		return cmp.Or(a.UpdatedAt.Compare(b.UpdatedAt), strings.Compare(a.ID, b.ID), cmp.Compare(a.i, b.i))
	})
	return out
}

// The whole export at T: nothing served is after T, it is exactly the
// dossiers TruthAt says exist, in (NgayCapNhat, MaHoSo) order with their
// status and NgayCapNhat at T.
func TestAsOfExportMatchesTruth(t *testing.T) {
	t.Parallel()
	s, clock := replaySim(t, func(o *Options) { o.ExtraPII, o.SchemaDriftAt = true, day(2024, 9, 1) })
	tok := login(t, s)
	for _, at := range replayMoments {
		clock.Set(at)
		recs := rawRecords(t, s, tok, dossierURL, time.Time{}, time.Time{}, 700)
		want := servedAt(s, at)
		if len(recs) != len(want) || len(want) == 0 {
			t.Fatalf("at %v: %d records served, truth has %d", at, len(recs), len(want))
		}
		open := 0
		for k, raw := range recs {
			d, tr := decodeDossier(t, raw), want[k]
			if d.MaHoSo != tr.ID || d.NgayCapNhat != tr.UpdatedAt.Format(layCompact) {
				t.Fatalf("at %v, #%d: %s/%s, truth %s/%v", at, k, d.MaHoSo, d.NgayCapNhat, tr.ID, tr.UpdatedAt)
			}
			for _, v := range d.moments() {
				if m, _, ok := parseAny(v); ok && m.After(at) {
					t.Fatalf("at %v: %s serves %s, after the moment", at, d.MaHoSo, v)
				}
			}
			if d.TrangThaiHoSo != nil && *d.TrangThaiHoSo != tr.Status {
				t.Fatalf("at %v: %s status %d, truth %d", at, d.MaHoSo, *d.TrangThaiHoSo, tr.Status)
			}
			if !tr.UpdatedAt.Equal(s.updatedAt(tr.i)) {
				open++
			}
		}
		if open == 0 {
			t.Fatalf("at %v: no record served in an intermediate state", at)
		}
	}
}

// A record whose final NgayCapNhat is ≤ T is served with today's bytes; at
// T after every update the export is today's, page for page.
func TestAsOfSettledRecordsAreTodays(t *testing.T) {
	t.Parallel()
	s, clock := replaySim(t, func(o *Options) { o.ExtraPII = true })
	plain := newSim(t, func(o *Options) {
		o.Seed, o.Dossiers, o.Petitions, o.LateSyncUnit, o.ExtraPII = 424242, 3000, 400, "21640", true
	})
	tok, ptok := login(t, s), login(t, plain)
	for _, ep := range []func(from, to time.Time, page, size int) string{dossierURL, petitionURL} {
		final := rawRecords(t, plain, ptok, ep, time.Time{}, time.Time{}, 1000)
		for _, at := range []time.Time{replayMoments[0], replayMoments[2], replayMoments[4]} {
			clock.Set(at)
			served := map[string]bool{}
			for _, raw := range rawRecords(t, s, tok, ep, time.Time{}, time.Time{}, 1000) {
				served[string(raw)] = true
			}
			settled := 0
			for _, raw := range final {
				var r struct{ NgayCapNhat string }
				_ = json.Unmarshal(raw, &r)
				if u, _ := time.ParseInLocation(layCompact, r.NgayCapNhat, Location); !u.After(at) {
					settled++
					if !served[string(raw)] {
						t.Fatalf("at %v: settled record not served as today: %s", at, raw)
					}
				}
			}
			if settled == 0 {
				t.Fatalf("at %v: no settled record", at)
			}
		}
		clock.Set(day(2025, 1, 1))
		for page := 1; page <= 4; page++ {
			a := do(s.Handler(), http.MethodGet, ep(time.Time{}, time.Time{}, page, 1000), "Bearer "+tok, nil)
			b := do(plain.Handler(), http.MethodGet, ep(time.Time{}, time.Time{}, page, 1000), "Bearer "+ptok, nil)
			if !bytes.Equal(a.Body.Bytes(), b.Body.Bytes()) {
				t.Fatalf("page %d after every update differs from today's", page)
			}
		}
	}
}

// A dossier is served in the state of each stage of its life: submitted,
// received, in progress, a pending supplement, processed, returned.
func TestAsOfIntermediateStates(t *testing.T) {
	t.Parallel()
	s, clock := replaySim(t, nil)
	tok := login(t, s)
	tests := []struct {
		name string
		pick func(tr Truth) bool
		at   func(tr Truth) time.Time
		want int
	}{
		{"submitted, not received", func(tr Truth) bool {
			return tr.Received != nil && tr.Submitted != nil && tr.Received.Sub(*tr.Submitted) > time.Hour
		}, func(tr Truth) time.Time { return tr.Submitted.Add(time.Minute) }, 1},
		{"just received", func(tr Truth) bool { return tr.Received != nil && tr.Status == 10 },
			func(tr Truth) time.Time { return *tr.Received }, 2},
		{"supplement pending", func(tr Truth) bool { return len(tr.Supplements) > 0 && tr.Supplements[0].Received != nil },
			func(tr Truth) time.Time { return tr.Supplements[0].Requested }, 5},
		{"processed, not returned", func(tr Truth) bool {
			return tr.Status == 10 && !tr.StepLag && tr.Finished != nil && tr.Returned.Sub(*tr.Finished) > time.Hour
		}, func(tr Truth) time.Time { return *tr.Finished }, 9},
		{"returned", func(tr Truth) bool { return tr.Status == 10 && tr.Returned != nil },
			func(tr Truth) time.Time { return tr.UpdatedAt.Add(-time.Second) }, 10},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			found := 0
			for i := 0; i < s.Len() && found < 25; i++ {
				final := s.Truth(i)
				if final.Invalid || !tc.pick(final) {
					continue
				}
				at := tc.at(final)
				if !at.Before(final.UpdatedAt) {
					continue
				}
				found++
				tr, ok := s.TruthAt(i, at)
				if !ok || tr.Status != tc.want {
					t.Fatalf("dossier %d at %v: served %v, status %d, want %d", i, at, ok, tr.Status, tc.want)
				}
				clock.Set(at)
				checkServedUnfinished(t, s, tok, tr, at)
			}
			if found < 5 {
				t.Fatalf("only %d dossiers in this state", found)
			}
		})
	}
}

// checkServedUnfinished finds the dossier of truth tr (at at) on the portal
// and checks its status and that what happens after at is not served.
func checkServedUnfinished(t *testing.T, s *Simulator, tok string, tr Truth, at time.Time) {
	t.Helper()
	var d *servedDossier
	for _, raw := range rawRecords(t, s, tok, dossierURL, tr.UpdatedAt, tr.UpdatedAt.Add(time.Second), 50) {
		if x := decodeDossier(t, raw); x.MaHoSo == tr.ID {
			d = &x
		}
	}
	if d == nil {
		t.Fatalf("%s not served at %v", tr.ID, at)
	}
	if d.TrangThaiHoSo == nil || *d.TrangThaiHoSo != tr.Status {
		t.Fatalf("%s at %v: status %v, want %d", tr.ID, at, d.TrangThaiHoSo, tr.Status)
	}
	set := func(v *string) bool { return v != nil && *v != "" }
	results := len(d.DanhSachGiayToKetQua) > 0 && string(d.DanhSachGiayToKetQua) != "null"
	if tr.Status < 9 && (set(d.NgayKetThucXuLy) || set(d.NgayTra) || d.DanhGiaHaiLong != nil || results) {
		t.Fatalf("%s at %v: unfinished but served an end, a rating or a result: %+v", tr.ID, at, d)
	}
	if (tr.Received == nil) != !set(d.NgayTiepNhan) {
		t.Fatalf("%s at %v: NgayTiepNhan %v, truth %v", tr.ID, at, d.NgayTiepNhan, tr.Received)
	}
	if tr.Status == 5 {
		last := d.DanhSachHoSoBoSung[len(d.DanhSachHoSoBoSung)-1]
		if last.NgayTiepNhanBoSung != nil {
			t.Fatalf("%s at %v: pending supplement served supplied %s", tr.ID, at, *last.NgayTiepNhanBoSung)
		}
	}
}

// Consecutive windows of random lengths, read with random page sizes under a
// fixed replay moment, serve each existing record exactly once, sorted, and
// the totals add up (rawRecords checks each window's).
func TestAsOfWindowsServeEachRecordOnce(t *testing.T) {
	t.Parallel()
	s, clock := replaySim(t, func(o *Options) { o.Faults, o.FaultRate = []string{FaultMutate, FaultBusy}, 1 })
	tok := login(t, s)
	r := rand.New(rand.NewPCG(3, 3))
	for _, at := range replayMoments[1:4] {
		clock.Set(at)
		for _, ep := range []struct {
			url  func(from, to time.Time, page, size int) string
			want map[string]int
		}{
			{dossierURL, idsOf(servedAt(s, at))},
			{petitionURL, petitionIDsAt(s, at)},
		} {
			got := map[string]int{}
			prev := ""
			for from := day(2023, 12, 1); from.Before(at.Add(48 * time.Hour)); {
				to := from.Add(time.Duration(1+r.IntN(20*24)) * time.Hour)
				for _, raw := range rawRecords(t, s, tok, ep.url, from, to, 1+r.IntN(120)) {
					var rec struct{ MaHoSo, MaPAKN, NgayCapNhat string }
					_ = json.Unmarshal(raw, &rec)
					id := rec.MaHoSo
					if rec.MaPAKN != "" {
						id = rec.MaPAKN
					}
					key := rec.NgayCapNhat + "/" + id
					if u, _ := time.ParseInLocation(layCompact, rec.NgayCapNhat, Location); u.Before(from) || !u.Before(to) || u.After(at) {
						t.Fatalf("at %v: %s outside [%v, %v)", at, key, from, to)
					}
					if key < prev {
						t.Fatalf("at %v: %s after %s", at, key, prev)
					}
					prev = key
					got[id]++
				}
				from = to
			}
			if !mapsEqual(got, ep.want) {
				t.Fatalf("at %v: served %d ids, truth has %d: %s", at, len(got), len(ep.want), mapsDiff(got, ep.want))
			}
		}
	}
}

func idsOf(trs []indexedTruth) map[string]int {
	out := map[string]int{}
	for _, tr := range trs {
		out[tr.ID]++
	}
	return out
}

func petitionIDsAt(s *Simulator, at time.Time) map[string]int {
	out := map[string]int{}
	for j := range s.Petitions() {
		if tr, ok := s.PetitionTruthAt(j, at); ok {
			out[tr.ID]++
		}
	}
	return out
}

// mapsDiff lists the keys whose counts differ.
func mapsDiff(got, want map[string]int) string {
	var out []string
	for k := range got {
		if got[k] != want[k] {
			out = append(out, fmt.Sprintf("%q: %d, want %d", k, got[k], want[k]))
		}
	}
	for k := range want {
		if _, ok := got[k]; !ok {
			out = append(out, fmt.Sprintf("%q: missing", k))
		}
	}
	return strings.Join(out, "; ")
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// As T advances, a record's NgayCapNhat never decreases, is never after T,
// and grows whenever the served content changes: an incremental reader
// that keeps the latest NgayCapNhat never misses a change.
func TestAsOfUpdatedGrowsWithEveryChange(t *testing.T) {
	t.Parallel()
	s, _ := replaySim(t, func(o *Options) { o.ExtraPII, o.SchemaDriftAt = true, day(2024, 4, 1) })
	tests := []struct {
		name   string
		n      int
		render func(i int, at time.Time) (content []byte, upd time.Time, ok bool)
		life   time.Duration
	}{
		{"dossiers", s.Len(), s.renderDossierAt, maxDossierAge},
		{"petitions", s.Petitions(), s.renderPetitionAt, maxPetitionSpan},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			changes := 0
			for i := 0; i < tc.n; i += 23 {
				final, _, _ := tc.render(i, time.Time{})
				moments := replayMomentsOf(t, final, tc.life)
				var prev []byte
				var prevUpd time.Time
				for _, at := range moments {
					content, upd, ok := tc.render(i, at)
					if !ok {
						if prev != nil {
							t.Fatalf("%d: served until %v, then not at %v", i, prevUpd, at)
						}
						continue
					}
					switch {
					case upd.After(at) || upd.Before(prevUpd):
						t.Fatalf("%d at %v: NgayCapNhat %v (before: %v)", i, at, upd, prevUpd)
					case prev != nil && !bytes.Equal(content, prev) && !upd.After(prevUpd):
						t.Fatalf("%d at %v: content changed, NgayCapNhat stayed %v:\n%s\n%s", i, at, upd, prev, content)
					case prev != nil && !bytes.Equal(content, prev):
						changes++
					}
					prev, prevUpd = content, upd
				}
			}
			if changes < tc.n/23/2 {
				t.Fatalf("only %d changes seen", changes)
			}
		})
	}
}

// replayMomentsOf lists the moments to replay a record at, in order: every
// 8 hours over its life and one second around each moment it serves.
func replayMomentsOf(t *testing.T, final []byte, life time.Duration) []time.Time {
	t.Helper()
	var rec struct{ NgayCapNhat string }
	if err := json.Unmarshal(final, &rec); err != nil {
		t.Fatal(err)
	}
	u, _ := time.ParseInLocation(layCompact, rec.NgayCapNhat, Location)
	var out []time.Time
	for at := u.Add(-life - 8*time.Hour); at.Before(u.Add(time.Hour)); at = at.Add(8 * time.Hour) {
		out = append(out, at)
	}
	for _, v := range allStrings(final) {
		if m, _, ok := parseAny(v); ok {
			out = append(out, m.Add(-time.Second), m, m.Add(time.Second))
		}
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return out
}

// allStrings lists every string value in the JSON document raw.
func allStrings(raw []byte) []string {
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			out = append(out, x)
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	var v any
	_ = json.Unmarshal(raw, &v)
	walk(v)
	return out
}

// renderDossierAt is dossier i at at as served, its NgayCapNhat cleared
// (the content), and its NgayCapNhat.
func (s *Simulator) renderDossierAt(i int, at time.Time) ([]byte, time.Time, bool) {
	var g genState
	var d dossier
	upd, ok := s.generateAt(&g, i, at, &d, nil, nil)
	if !at.IsZero() {
		d.NgayCapNhat = ""
	}
	var e enc
	e.dossier(&d)
	return e.b, upd, ok
}

// renderPetitionAt is renderDossierAt for petition j.
func (s *Simulator) renderPetitionAt(j int, at time.Time) ([]byte, time.Time, bool) {
	var g, gd genState
	var p petition
	upd, ok := s.generatePetitionAt(&g, &gd, j, at, &p, nil, nil)
	if !at.IsZero() {
		p.NgayCapNhat = ""
	}
	var e enc
	e.petition(&p)
	return e.b, upd, ok
}

// No record exists longer before its final NgayCapNhat than the replay's
// candidate scan looks back (maxDossierAge, maxPetitionSpan).
func TestAsOfLifeIsBounded(t *testing.T) {
	t.Parallel()
	for _, seed := range []int64{1, 2} {
		s := newSim(t, func(o *Options) { o.Seed, o.Dossiers, o.Petitions = seed, 20000, 2000 })
		for i := range s.Len() {
			before := s.updatedAt(i).Add(-maxDossierAge - time.Second)
			if tr, ok := s.TruthAt(i, before); ok {
				t.Fatalf("seed %d: dossier %d exists %v before its final update (%v)", seed, i, maxDossierAge, tr.UpdatedAt)
			}
		}
		for j := range s.Petitions() {
			before := s.timeAt(j, s.Petitions()).Add(-maxPetitionSpan - time.Second)
			if _, ok := s.PetitionTruthAt(j, before); ok {
				t.Fatalf("seed %d: petition %d exists %v before its final update", seed, j, maxPetitionSpan)
			}
		}
	}
}

// Petitions at T: not served before they are received, NgayXuLyXong and
// DanhGia missing while handled after T, as PetitionTruthAt says.
func TestAsOfPetitions(t *testing.T) {
	t.Parallel()
	s, clock := replaySim(t, nil)
	tok := login(t, s)
	for _, at := range replayMoments {
		clock.Set(at)
		recs := allPetitions(t, s, tok, time.Time{}, time.Time{}, 97)
		var want []PetitionTruth
		unhandled := 0
		for j := range s.Petitions() {
			if tr, ok := s.PetitionTruthAt(j, at); ok {
				want = append(want, tr)
				final := s.PetitionTruth(j)
				if tr.Handled == nil && final.Handled != nil {
					unhandled++
				}
			}
		}
		slices.SortFunc(want, func(a, b PetitionTruth) int {
			return cmp.Or(a.UpdatedAt.Compare(b.UpdatedAt), strings.Compare(a.ID, b.ID))
		})
		if len(recs) != len(want) {
			t.Fatalf("at %v: %d petitions served, truth %d", at, len(recs), len(want))
		}
		for k, rec := range recs {
			tr := want[k]
			id, _ := jstr(rec, "MaPAKN")
			upd, _ := jstr(rec, "NgayCapNhat")
			for _, k := range []string{"NgayTiepNhan", "NgayXuLyXong", "NgayCapNhat"} {
				if v, _ := jstr(rec, k); v != "" {
					if m, _, ok := parseAny(v); !ok || m.After(at) {
						t.Fatalf("at %v: %s %s %q after the moment", at, id, k, v)
					}
				}
			}
			h, handled := jstr(rec, "NgayXuLyXong")
			_, rated := rec["DanhGia"]
			switch {
			case id != tr.ID || upd != tr.UpdatedAt.Format(layCompact) || tr.UpdatedAt.After(at) || tr.Received.After(at):
				t.Fatalf("at %v: %s/%s, truth %+v", at, id, upd, tr)
			case tr.Handled == nil && ((handled && h != "") || (rated && string(rec["DanhGia"]) != "null")):
				t.Fatalf("at %v: %s unhandled but NgayXuLyXong %q DanhGia %s", at, id, h, rec["DanhGia"])
			case tr.Handled != nil && tr.Handled.After(at):
				t.Fatalf("at %v: %s handled later, at %v", at, id, tr.Handled)
			}
		}
		if at.Before(day(2024, 12, 31)) && unhandled == 0 {
			t.Fatalf("at %v: no petition served before it is handled", at)
		}
	}
}

// The replay clock is the portal's clock (Date) and moves between requests;
// tokens expire on it; dup works in replay mode, mutate and busy do not
// fire.
func TestAsOfClockAndFaults(t *testing.T) {
	t.Parallel()
	s, clock := replaySim(t, func(o *Options) {
		o.Faults, o.FaultRate = []string{FaultDup, FaultMutate, FaultBusy}, 1
		o.TokenTTL = time.Hour
	})
	at := day(2024, 7, 9).Add(15 * time.Hour)
	clock.Set(at)
	tok := login(t, s)
	rec := do(s.Handler(), http.MethodGet, dossierURL(time.Time{}, time.Time{}, 1, 10), "Bearer "+tok, nil)
	if got := rec.Header().Get("Date"); got != at.UTC().Format(http.TimeFormat) {
		t.Fatalf("Date %q, want the replay clock %v", got, at)
	}
	from, to := day(2024, 6, 1), day(2024, 7, 1)
	p1, _ := getPage(t, s, tok, dossierURL(from, to, 1, 50))
	p2, _ := getPage(t, s, tok, dossierURL(from, to, 2, 50))
	p1again, _ := getPage(t, s, tok, dossierURL(from, to, 1, 50))
	if p1.Total != p2.Total || p1.Total != p1again.Total || p1.Total != len(servedIn(s, at, from, to)) {
		t.Fatalf("totals %d, %d, %d: mutate or busy fired, or the window is wrong", p1.Total, p2.Total, p1again.Total)
	}
	if len(p2.Data) != 51 || string(p2.Data[0]["MaHoSo"]) != string(p1.Data[49]["MaHoSo"]) {
		t.Fatalf("dup: page 2 has %d records, first %s, last of page 1 %s", len(p2.Data), p2.Data[0]["MaHoSo"], p1.Data[49]["MaHoSo"])
	}
	clock.Advance(24 * time.Hour)
	rec = do(s.Handler(), http.MethodGet, dossierURL(time.Time{}, time.Time{}, 1, 10), "Bearer "+tok, nil)
	if rec.Code != http.StatusUnauthorized {
		t.Fatalf("a token a replay day old: %d, want 401", rec.Code)
	}
}

// servedIn lists the truths of the dossiers at at updated in [from, to).
func servedIn(s *Simulator, at, from, to time.Time) []indexedTruth {
	var out []indexedTruth
	for _, tr := range servedAt(s, at) {
		if !tr.UpdatedAt.Before(from) && tr.UpdatedAt.Before(to) {
			out = append(out, tr)
		}
	}
	return out
}

func TestClock(t *testing.T) {
	t.Parallel()
	start := day(2024, 2, 1)
	tests := []struct {
		name string
		move func(c *Clock)
		want time.Time
	}{
		{"unmoved", func(*Clock) {}, start},
		{"set", func(c *Clock) { c.Set(day(2023, 5, 5)) }, day(2023, 5, 5)},
		{"advance", func(c *Clock) { c.Advance(36 * time.Hour) }, start.Add(36 * time.Hour)},
	}
	for _, tc := range tests {
		c := NewClock(start)
		tc.move(c)
		if got := c.Now(); !got.Equal(tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

// With one dossier per second, almost every open record shares its
// NgayCapNhat with a settled one: pages still follow (NgayCapNhat, MaHoSo)
// exactly, whatever the page size.
func TestAsOfTiesWithSettledRecords(t *testing.T) {
	t.Parallel()
	from := day(2024, 4, 2).Add(8 * time.Hour)
	clock := NewClock(from.Add(time.Hour))
	s := newSim(t, func(o *Options) {
		o.Seed, o.Dossiers, o.Petitions = 5, 2*3600, 2*3600
		o.From, o.To, o.AsOf, o.TokenTTL = from, from.Add(2*time.Hour), clock.Now, 24*time.Hour
	})
	tok := login(t, s)
	want := servedAt(s, clock.Now())
	ties := 0
	for k := 1; k < len(want); k++ {
		if want[k].UpdatedAt.Equal(want[k-1].UpdatedAt) {
			ties++
		}
	}
	if ties < 500 {
		t.Fatalf("only %d ties", ties)
	}
	for _, size := range []int{1000, 73} {
		recs := rawRecords(t, s, tok, dossierURL, time.Time{}, time.Time{}, size)
		if len(recs) != len(want) {
			t.Fatalf("page size %d: %d records, want %d", size, len(recs), len(want))
		}
		for k, raw := range recs {
			var rec struct{ MaHoSo, NgayCapNhat string }
			_ = json.Unmarshal(raw, &rec)
			if rec.MaHoSo != want[k].ID || rec.NgayCapNhat != want[k].UpdatedAt.Format(layCompact) {
				t.Fatalf("page size %d, #%d: %s/%s, want %s/%v", size, k, rec.NgayCapNhat, rec.MaHoSo, want[k].UpdatedAt, want[k].ID)
			}
		}
	}
	var pets []PetitionTruth
	for j := range s.Petitions() {
		if tr, ok := s.PetitionTruthAt(j, clock.Now()); ok {
			pets = append(pets, tr)
		}
	}
	slices.SortStableFunc(pets, func(a, b PetitionTruth) int {
		return cmp.Or(a.UpdatedAt.Compare(b.UpdatedAt), strings.Compare(a.ID, b.ID))
	})
	recs := allPetitions(t, s, tok, time.Time{}, time.Time{}, 999)
	if len(recs) != len(pets) {
		t.Fatalf("%d petitions served, want %d", len(recs), len(pets))
	}
	for k, rec := range recs {
		if id, _ := jstr(rec, "MaPAKN"); id != pets[k].ID {
			t.Fatalf("petition #%d: %s, want %s", k, id, pets[k].ID)
		}
	}
}
