package simulator

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"
)

type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}

// BenchmarkServePage serves 1000-record pages of a million-dossier portal;
// allocations per page stay flat whatever N.
func BenchmarkServePage(b *testing.B) {
	s := newSim(b, func(o *Options) { o.Dossiers = 1_000_000 })
	tok := login(b, s)
	h := s.Handler()
	w := &discard{h: http.Header{}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		page := 1 + i%1000
		req := httptest.NewRequest(http.MethodGet, "/api/v1/dossiers?page_size=1000&page="+strconv.Itoa(page), nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		h.ServeHTTP(w, req)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1000, "ns/record")
}

// BenchmarkEvaluationYear publishes every ward's scores for the 12 months of
// a 100 000-dossier year on a fresh simulator (one pass per month, then
// every ward from the cache).
func BenchmarkEvaluationYear(b *testing.B) {
	wards := []string{"21637", "21640", "21643", "21646", "21649", "21652", "21655", "21658", "21661",
		"21664", "21667", "21670", "21673", "21676", "21679", "21682", "21685"}
	for b.Loop() {
		s := newSim(b, func(o *Options) { o.Dossiers = 100_000 })
		for m := 1; m <= 12; m++ {
			for _, w := range wards {
				if _, err := s.OfficialScores(w, fmt.Sprintf("2024-%02d", m)); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
}

// BenchmarkServePageAsOf serves 1000-record pages of a 3000-dossier year in
// replay mode: at a fixed moment (the view of the open dossiers is built
// once and cached), and at a new moment every request (the view is built
// for each page: the first page of each replay step).
func BenchmarkServePageAsOf(b *testing.B) {
	for _, bc := range []struct {
		name string
		step time.Duration
	}{{"fixed clock", 0}, {"clock moved per page", time.Hour}} {
		b.Run(bc.name, func(b *testing.B) {
			clock := NewClock(day(2024, 7, 1).Add(10 * time.Hour))
			s := newSim(b, func(o *Options) {
				o.Seed, o.Dossiers, o.AsOf, o.TokenTTL = 1, 3000, clock.Now, 1000*time.Hour
			})
			tok := login(b, s)
			h := s.Handler()
			w := &discard{h: http.Header{}}
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				clock.Advance(bc.step)
				req := httptest.NewRequest(http.MethodGet, "/api/v1/dossiers?page_size=1000&page="+strconv.Itoa(1+i%2), nil)
				req.Header.Set("Authorization", "Bearer "+tok)
				h.ServeHTTP(w, req)
			}
		})
	}
}
