package simulator

import (
	"fmt"
)

// Paging faults: a portal that does not page the way it was asked. Each is
// decided per window (both bounds set) with Options.FaultRate, so a window
// behaves the same on every request, and applies to the dossiers and the
// petitions:
//
//	pagecap     serves at most a third of the page_size asked for (at least
//	            1) and says so in the response's page_size; pages are
//	            slices of that size (page k starts at (k−1)·cap)
//	ignorepage  ignores `page`: every request gets page 1 (and says page 1)
//	bigtotal    reports 3 records more in `total` than the window holds
//
// and, for the dossiers only:
//
//	busy        a window holding more than one page of records is being
//	            updated while it is read: it first holds, besides its own
//	            records, the stale versions of up to 64 records (the first
//	            valid ones at or after its end, with NgayCapNhat =
//	            updated_from, so first in the API's order); every request
//	            of a page ≥ 2 updates one of them (it leaves the window for
//	            its final NgayCapNhat, beyond the window), so the total
//	            drops on every read that goes past page 1 until all 64
//	            have left. A window of one page of its own records is not
//	            busy: a reader that splits a busy window until its halves
//	            fit in a page reads them whole. As with mutate, nothing is
//	            invented: stale versions lose to the final ones.
const (
	FaultPageCap    = "pagecap"
	FaultIgnorePage = "ignorepage"
	FaultBigTotal   = "bigtotal"
	FaultBusy       = "busy"
)

// busyVictims bounds the stale versions a busy window holds.
const busyVictims = 64

// bigTotalExtra is how many records bigtotal adds to the total.
const bigTotalExtra = 3

// windowFault reports whether the per-window fault kind hits pq's window.
func (s *Simulator) windowFault(kind string, pq pageQuery) bool {
	if !s.faults.paging[kind] || pq.from.IsZero() || pq.to.IsZero() {
		return false
	}
	return s.chance(kind+":"+windowKey(pq), 0) < s.opts.FaultRate
}

func windowKey(pq pageQuery) string { return fmt.Sprintf("%d-%d", pq.from.Unix(), pq.to.Unix()) }

// shapePage applies pagecap and ignorepage: served is the page to cut from
// the window, said what the envelope reports. extra is added to the total.
func (s *Simulator) shapePage(pq pageQuery) (served, said pageQuery, extra int) {
	served, said = pq, pq
	if s.windowFault(FaultPageCap, pq) {
		served.pageSize = max(1, pq.pageSize/3)
		said.pageSize = served.pageSize
		s.injected.Add(1)
	}
	if s.windowFault(FaultIgnorePage, pq) {
		served.page, said.page = 1, 1
		s.injected.Add(1)
	}
	if s.windowFault(FaultBigTotal, pq) {
		extra = bigTotalExtra
		s.injected.Add(1)
	}
	return served, said, extra
}

// busyStale returns the stale versions a busy window still holds (dossier
// indices, in the API's order), after updating one more of them when pq
// asks for a page ≥ 2. lo, hi is the window's own index range.
func (s *Simulator) busyStale(pq pageQuery, lo, hi int) []int {
	if !s.windowFault(FaultBusy, pq) || hi-lo <= pq.pageSize {
		return nil
	}
	var victims []int
	for j := hi; j < min(hi+4*busyVictims, s.n) && len(victims) < busyVictims; j++ {
		if !s.Truth(j).Invalid {
			victims = append(victims, j)
		}
	}
	key := windowKey(pq)
	s.mu.Lock()
	defer s.mu.Unlock()
	updated := s.faults.busyUpdates[key]
	if pq.page >= 2 && updated < len(victims) {
		updated++
		s.faults.busyUpdates[key] = updated
		s.injected.Add(1)
	}
	return victims[updated:]
}
