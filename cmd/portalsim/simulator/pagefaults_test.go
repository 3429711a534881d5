package simulator

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// ids returns the MaHoSo of each record of a page.
func ids(t *testing.T, p pageResp) []string {
	t.Helper()
	var out []string
	for _, r := range p.Data {
		id, _ := jstr(r, "MaHoSo")
		out = append(out, id)
	}
	return out
}

func TestPagingFaults(t *testing.T) {
	from, to := day(2024, 1, 1), day(2024, 2, 1)
	tests := []struct {
		fault string
		check func(t *testing.T, s *Simulator, tok string, n int)
	}{
		{FaultPageCap, func(t *testing.T, s *Simulator, tok string, n int) {
			p1, _ := getPage(t, s, tok, dossierURL(from, to, 1, 90))
			p2, _ := getPage(t, s, tok, dossierURL(from, to, 2, 90))
			if p1.PageSize != 30 || len(p1.Data) != 30 || p1.Total != n {
				t.Fatalf("page 1: page_size %d, %d records, total %d; want 30, 30, %d", p1.PageSize, len(p1.Data), p1.Total, n)
			}
			lo, _ := s.indexRange(from, to)
			if got := ids(t, p2)[0]; got != s.Truth(lo+30).ID {
				t.Fatalf("page 2 starts with %s, want record %d of the window", got, 30)
			}
		}},
		{FaultIgnorePage, func(t *testing.T, s *Simulator, tok string, n int) {
			p1, _ := getPage(t, s, tok, dossierURL(from, to, 1, 50))
			p3, _ := getPage(t, s, tok, dossierURL(from, to, 3, 50))
			if p3.Page != 1 || strings.Join(ids(t, p3), ",") != strings.Join(ids(t, p1), ",") {
				t.Fatalf("page 3 answered page %d with other records than page 1", p3.Page)
			}
		}},
		{FaultBigTotal, func(t *testing.T, s *Simulator, tok string, n int) {
			p1, _ := getPage(t, s, tok, dossierURL(from, to, 1, 1000))
			if p1.Total != n+3 || len(p1.Data) != n {
				t.Fatalf("total %d with %d records, want %d with %d", p1.Total, len(p1.Data), n+3, n)
			}
		}},
		{FaultBusy, func(t *testing.T, s *Simulator, tok string, n int) {
			// Every read that goes past page 1 sees the total drop.
			for read := 0; read < 3; read++ {
				p1, _ := getPage(t, s, tok, dossierURL(from, to, 1, 100))
				p2, _ := getPage(t, s, tok, dossierURL(from, to, 2, 100))
				if p1.Total != n+busyVictims-read || p2.Total != p1.Total-1 {
					t.Fatalf("read %d: totals %d then %d, want %d then one less", read, p1.Total, p2.Total, n+busyVictims-read)
				}
				if at, _ := jstr(p1.Data[0], "NgayCapNhat"); at != from.Format(layCompact) {
					t.Fatalf("read %d: page 1 starts at %s, not with a stale version", read, at)
				}
			}
			// A window of one page of its own records is quiet.
			small := from.Add(6 * time.Hour)
			lo, hi := s.indexRange(from, small)
			if p, _ := getPage(t, s, tok, dossierURL(from, small, 1, 100)); p.Total != hi-lo || len(p.Data) != hi-lo {
				t.Fatalf("one-page window: total %d, %d records, want %d", p.Total, len(p.Data), hi-lo)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.fault, func(t *testing.T) {
			s := newSim(t, func(o *Options) { o.Faults, o.FaultRate = []string{tt.fault}, 1 })
			tok := login(t, s)
			lo, hi := s.indexRange(from, to)
			tt.check(t, s, tok, hi-lo)
			if s.FaultsInjected() == 0 {
				t.Error("no fault counted")
			}
		})
	}
}

// TestDateHeaderIsThePortalClock: every response says the portal's time.
func TestDateHeaderIsThePortalClock(t *testing.T) {
	at := time.Date(2025, 9, 1, 10, 0, 0, 0, time.UTC)
	s := newSim(t, func(o *Options) { o.Now = func() time.Time { return at } })
	tok := login(t, s)
	rec := do(s.Handler(), http.MethodGet, dossierURL(day(2024, 1, 1), day(2024, 2, 1), 1, 10), "Bearer "+tok, nil)
	if got := rec.Header().Get("Date"); got != "Mon, 01 Sep 2025 10:00:00 GMT" {
		t.Fatalf("Date %q", got)
	}
}
