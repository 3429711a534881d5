package simulator

import (
	"net/http"
	"strings"
	"testing"
)

func TestParseFaults(t *testing.T) {
	got, err := ParseFaults(" 429, mutate,,slow ")
	if err != nil || strings.Join(got, ",") != "429,mutate,slow" {
		t.Fatalf("got %v, %v", got, err)
	}
	if _, err := ParseFaults("429,teapot"); err == nil || !strings.Contains(err.Error(), "teapot") {
		t.Fatalf("unknown fault accepted: %v", err)
	}
	if _, err := New(func() Options { o := DefaultOptions(); o.FaultRate = 2; return o }()); err == nil {
		t.Fatal("FaultRate 2 accepted")
	}
}

// statuses serves n dossier pages and returns the status codes seen.
func statuses(t *testing.T, s *Simulator, n int) []int {
	tok := login(t, s)
	var out []int
	for i := 0; i < n; i++ {
		rec := do(s.Handler(), http.MethodGet, dossierURL(day(2024, 1, 1), day(2024, 2, 1), 1, 10), "Bearer "+tok, nil)
		out = append(out, rec.Code)
	}
	return out
}

func TestTransportFaultsAreDeterministicAndBounded(t *testing.T) {
	opts := func(o *Options) { o.Faults, o.FaultRate = []string{Fault429, Fault503, Fault403}, 0.5 }
	a, b := statuses(t, newSim(t, opts), 200), statuses(t, newSim(t, opts), 200)
	faults, run, seen := 0, 0, map[int]bool{}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("request %d: %d then %d with the same seed", i, a[i], b[i])
		}
		seen[a[i]] = true
		if a[i] == http.StatusOK {
			run = 0
			continue
		}
		faults++
		if run++; run > 2 {
			t.Fatalf("more than two faults in a row at request %d", i)
		}
	}
	if faults < 50 || faults > 110 || !seen[429] || !seen[503] || !seen[403] {
		t.Fatalf("%d faults of 200 at rate 0.5, kinds %v", faults, seen)
	}
	c := statuses(t, newSim(t, func(o *Options) { opts(o); o.Seed = 2 }), 200)
	if equalInts(a, c) {
		t.Fatal("another seed gives the same faults")
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestMutateShrinksTheWindowOnce(t *testing.T) {
	s := newSim(t, func(o *Options) { o.Faults, o.FaultRate = []string{FaultMutate}, 1 })
	tok := login(t, s)
	from, to := day(2024, 1, 1), day(2024, 2, 1)
	lo, hi := s.indexRange(from, to)
	n := hi - lo
	p1, _ := getPage(t, s, tok, dossierURL(from, to, 1, 100))
	if p1.Total != n+1 || len(p1.Data) != 100 {
		t.Fatalf("before the update: total %d (want %d), %d records", p1.Total, n+1, len(p1.Data))
	}
	stale, _ := jstr(p1.Data[0], "MaHoSo")
	upd, _ := jstr(p1.Data[0], "NgayCapNhat")
	if stale != s.Truth(hi).ID || upd != from.Format(layCompact) {
		t.Fatalf("stale record %s at %s, want %s at the window start", stale, upd, s.Truth(hi).ID)
	}
	p2, _ := getPage(t, s, tok, dossierURL(from, to, 2, 100))
	if p2.Total != n {
		t.Fatalf("after the update: total %d, want %d", p2.Total, n)
	}
	// Read again, the window is consistent and holds every record once.
	recs := allRecords(t, s, tok, from, to, 100)
	if len(recs) != n {
		t.Fatalf("re-read: %d records, want %d", len(recs), n)
	}
	if s.FaultsInjected() != 1 {
		t.Fatalf("%d mutations, want 1", s.FaultsInjected())
	}
}

func TestDupRepeatsTheLastRecordOfThePreviousPage(t *testing.T) {
	s := newSim(t, func(o *Options) { o.Faults, o.FaultRate = []string{FaultDup}, 1 })
	tok := login(t, s)
	from, to := day(2024, 1, 1), day(2024, 2, 1)
	p1, _ := getPage(t, s, tok, dossierURL(from, to, 1, 50))
	p2, _ := getPage(t, s, tok, dossierURL(from, to, 2, 50))
	last, _ := jstr(p1.Data[len(p1.Data)-1], "MaHoSo")
	first, _ := jstr(p2.Data[0], "MaHoSo")
	if len(p2.Data) != 51 || first != last {
		t.Fatalf("page 2 has %d records starting with %s, want 51 starting with %s", len(p2.Data), first, last)
	}
}
