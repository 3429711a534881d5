package simulator

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestIndexArithmetic(t *testing.T) {
	base := day(2024, 3, 1)
	tests := []struct {
		name string
		n    int
		span time.Duration
	}{
		{"sparse", 1000, 2 * time.Hour},
		{"dense, one per second", 600, 10 * time.Minute},
		{"single dossier", 1, 10 * time.Second},
		{"no dossiers", 0, 10 * time.Second},
		{"uneven", 997, 3*24*time.Hour + 7*time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newSim(t, func(o *Options) { o.From, o.To, o.Dossiers = base, base.Add(tc.span), tc.n })
			// NgayCapNhat is strictly increasing, whole seconds, inside [From, To).
			for i := 0; i < tc.n; i++ {
				u := s.updatedAt(i)
				if u.Before(base) || !u.Before(base.Add(tc.span)) {
					t.Fatalf("updatedAt(%d) = %v outside window", i, u)
				}
				if i > 0 && !s.updatedAt(i-1).Before(u) {
					t.Fatalf("updatedAt not strictly increasing at %d", i)
				}
			}
			// firstIndexAt(t) = number of dossiers updated before t.
			step := max(1, int(tc.span/time.Second)/500)
			for sec := -3; sec <= int(tc.span/time.Second)+3; sec += step {
				at := base.Add(time.Duration(sec) * time.Second)
				want := 0
				for i := 0; i < tc.n; i++ {
					if s.updatedAt(i).Before(at) {
						want++
					}
				}
				if got := s.firstIndexAt(at); got != want {
					t.Fatalf("firstIndexAt(%v) = %d, want %d", at, got, want)
				}
			}
		})
	}
}

// Consecutive windows of random lengths, read page by page, must return every
// dossier exactly once, in order.
func TestWindowsCoverEveryDossierOnce(t *testing.T) {
	t.Parallel()
	base := day(2024, 3, 1)
	tests := []struct {
		name      string
		n         int
		span      time.Duration
		maxWindow time.Duration
	}{
		{"sparse, short windows", 700, 2 * time.Hour, 5 * time.Minute},
		{"dense, tiny windows", 300, 5 * time.Minute, 7 * time.Second},
		{"year, long windows", 3000, 366 * 24 * time.Hour, 40 * 24 * time.Hour},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newSim(t, func(o *Options) { o.From, o.To, o.Dossiers = base, base.Add(tc.span), tc.n })
			tok := login(t, s)
			index := map[string]int{}
			for i := 0; i < tc.n; i++ {
				index[s.Truth(i).UpdatedAt.Format(layCompact)] = i
			}
			seen := make([]int, tc.n)
			r := rand.New(rand.NewPCG(7, 7))
			prev := ""
			for from := base.Add(-time.Hour); from.Before(base.Add(tc.span + time.Hour)); {
				to := from.Add(time.Second + time.Duration(r.Int64N(int64(tc.maxWindow/time.Second)))*time.Second)
				size := 1 + r.IntN(60)
				for _, rec := range allRecords(t, s, tok, from, to, size) {
					u, _ := jstr(rec, "NgayCapNhat")
					at, err := time.ParseInLocation(layCompact, u, Location)
					if err != nil {
						t.Fatalf("NgayCapNhat %q: %v", u, err)
					}
					if at.Before(from) || !at.Before(to) {
						t.Fatalf("NgayCapNhat %s outside [%v, %v)", u, from, to)
					}
					if u <= prev {
						t.Fatalf("order broken: %s after %s", u, prev)
					}
					prev = u
					i, ok := index[u]
					if !ok {
						t.Fatalf("unknown record %s", u)
					}
					seen[i]++
				}
				from = to
			}
			for i, c := range seen {
				if c != 1 {
					t.Fatalf("dossier %d seen %d times", i, c)
				}
			}
		})
	}
}

func TestHalfOpenBoundaries(t *testing.T) {
	t.Parallel()
	base := day(2024, 3, 1)
	s := newSim(t, func(o *Options) { o.From, o.To, o.Dossiers = base, base.Add(time.Hour), 1000 })
	tok := login(t, s)
	for _, i := range []int{0, 1, 499, 998, 999} {
		u := s.updatedAt(i)
		count := func(from, to time.Time) int {
			p, _ := getPage(t, s, tok, dossierURL(from, to, 1, 1))
			return p.Total
		}
		p, _ := getPage(t, s, tok, dossierURL(u, u.Add(time.Second), 1, 10))
		if p.Total != 1 || len(p.Data) != 1 {
			t.Fatalf("[t%d, t%d+1s) total %d", i, i, p.Total)
		}
		if got, _ := jstr(p.Data[0], "NgayCapNhat"); got != u.Format(layCompact) {
			t.Fatalf("[t%d, t%d+1s) gave %s", i, i, got)
		}
		if n := count(u, u); n != 0 {
			t.Fatalf("[t, t) has %d records", n)
		}
		if n := count(base, u); n != i {
			t.Fatalf("[From, t%d) has %d records, want %d", i, n, i)
		}
		if n := count(u, base.Add(time.Hour)); n != 1000-i {
			t.Fatalf("[t%d, To) has %d records, want %d", i, n, 1000-i)
		}
		if n := count(u.Add(time.Second), base.Add(2*time.Hour)); n != 999-i {
			t.Fatalf("(t%d, ∞) has %d records, want %d", i, n, 999-i)
		}
	}
	// Unbounded and out-of-range windows.
	if p, _ := getPage(t, s, tok, "/api/v1/dossiers"); p.Total != 1000 || p.Page != 1 || p.PageSize != DefaultPageSize || len(p.Data) != DefaultPageSize {
		t.Fatalf("no window: total %d page %d size %d len %d", p.Total, p.Page, p.PageSize, len(p.Data))
	}
	if p, _ := getPage(t, s, tok, dossierURL(base.Add(-48*time.Hour), base, 1, 10)); p.Total != 0 || len(p.Data) != 0 {
		t.Fatalf("window before From: %d", p.Total)
	}
	if p, _ := getPage(t, s, tok, dossierURL(time.Time{}, time.Time{}, 3, 400)); len(p.Data) != 200 || p.Total != 1000 {
		t.Fatalf("last partial page: %d records", len(p.Data))
	}
	if p, _ := getPage(t, s, tok, dossierURL(time.Time{}, time.Time{}, 4, 400)); len(p.Data) != 0 || p.Total != 1000 {
		t.Fatalf("page past the end: %d records", len(p.Data))
	}
}

func TestSortOrder(t *testing.T) {
	t.Parallel()
	s := newSim(t, nil)
	tok := login(t, s)
	recs := allRecords(t, s, tok, time.Time{}, time.Time{}, 1000)
	if len(recs) != s.Len() {
		t.Fatalf("%d records, want %d", len(recs), s.Len())
	}
	for k := 1; k < len(recs); k++ {
		a, _ := jstr(recs[k-1], "NgayCapNhat")
		b, _ := jstr(recs[k], "NgayCapNhat")
		ma, _ := jstr(recs[k-1], "MaHoSo")
		mb, _ := jstr(recs[k], "MaHoSo")
		if a > b || (a == b && ma >= mb) {
			t.Fatalf("records %d, %d out of (NgayCapNhat, MaHoSo) order: %s/%s, %s/%s", k-1, k, a, ma, b, mb)
		}
	}
}

// A million dossiers cost nothing up front; any page is served on demand.
func TestMillionDossiers(t *testing.T) {
	t.Parallel()
	s := newSim(t, func(o *Options) { o.Dossiers = 1_000_000 })
	tok := login(t, s)
	p, _ := getPage(t, s, tok, dossierURL(time.Time{}, time.Time{}, 1000, 1000))
	if p.Total != 1_000_000 || len(p.Data) != 1000 {
		t.Fatalf("total %d, len %d", p.Total, len(p.Data))
	}
	last, _ := jstr(p.Data[999], "NgayCapNhat")
	if want := s.Truth(999_999).UpdatedAt.Format(layCompact); last != want {
		t.Fatalf("last record %s, want %s", last, want)
	}
}
