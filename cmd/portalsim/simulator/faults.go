package simulator

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Faults a real portal shows (portal-api.md, "Faults a real portal shows"),
// injected on request with Options.Faults and Options.FaultRate.
//
// Transport faults hit any data endpoint (not the token endpoint), one
// request at a time:
//
//	429       HTTP 429 with Retry-After: 1
//	503       HTTP 503 with an HTML body, as a proxy in front of the portal sends
//	reset     the connection is reset (TCP RST) before any response
//	truncate  the response stops mid-body (Content-Length promises more)
//	html200   an HTML error page with status 200
//	slow      the response starts only after Options.SlowDelay
//	403       a permanent error: HTTP 403 with a JSON envelope
//	apperror  a permanent error: HTTP 200 with error_code "QUOTA_EXCEEDED"
//
// Data faults change what the dossier pages hold:
//
//	dup     a page (page ≥ 2) also carries the last record of the previous
//	        page first, as when a record is inserted before the offset
//	        between two page reads; the page is one record longer.
//	mutate  a record is updated while the window's pages are read (below).
//
// Paging faults (pagecap, ignorepage, bigtotal, busy) are documented in
// pagefaults.go.
//
// # How mutate is simulated with the index-based generator
//
// Dossier i has one NgayCapNhat, fixed by its index, and that is its final
// version (Truth). A dossier updated during a read is modelled as a record v
// whose final version lies beyond the window — the first valid index at or
// after the window's end — and which, until the update, had an earlier
// version inside the window. Before the update the window holds that stale
// version first (NgayCapNhat = updated_from, so first in the API's order)
// followed by the window's own records: its total is one more. The update
// happens the moment a page ≥ 2 of the window is first requested: from then
// on the window no longer holds v, its total drops by one, and every record
// moves up one place — so the record at the end of page 1 in the new order
// is never served to a reader that just goes on with page 2. Nothing is
// invented: the stale version loses to the final one (a smaller
// NgayCapNhat), the final version is served by whichever window holds its
// NgayCapNhat (a later window, or the next run's lookback), and the skipped
// record is only served if the reader notices the change and reads the
// window again. Only windows with both bounds and at least two pages mutate;
// a window mutates at most once per Simulator (the update happened once).
//
// Decisions are deterministic given Options.Seed: transport faults and dup
// are decided by request number (a hash of the seed and a counter, so a
// single sequential client sees the same faults on every run), mutate by
// window. Never more than two transport faults follow each other, so a
// client with three attempts per request always gets through.
const (
	Fault429      = "429"
	Fault503      = "503"
	FaultReset    = "reset"
	FaultTruncate = "truncate"
	FaultHTML200  = "html200"
	FaultSlow     = "slow"
	Fault403      = "403"
	FaultAppError = "apperror"
	FaultDup      = "dup"
	FaultMutate   = "mutate"
)

// FaultKinds lists every fault Options.Faults accepts.
var FaultKinds = []string{Fault429, Fault503, FaultReset, FaultTruncate, FaultHTML200, FaultSlow, Fault403, FaultAppError, FaultDup, FaultMutate,
	FaultPageCap, FaultIgnorePage, FaultBigTotal, FaultBusy}

// ParseFaults splits a comma-separated list (the --faults flag), checking
// each name.
func ParseFaults(list string) ([]string, error) {
	var out []string
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		ok := false
		for _, k := range FaultKinds {
			ok = ok || f == k
		}
		if !ok {
			return nil, fmt.Errorf("unknown fault %q; faults are %s", f, strings.Join(FaultKinds, ","))
		}
		out = append(out, f)
	}
	return out, nil
}

// faultState is the simulator's fault bookkeeping (under Simulator.mu).
type faultState struct {
	transport   []string // enabled transport faults
	dup, mutate bool
	consecutive int             // transport faults in a row
	mutated     map[string]bool // windows whose record has been updated
	paging      map[string]bool // enabled paging faults (pagefaults.go)
	busyUpdates map[string]int  // busy window → stale versions updated so far
}

func (s *Simulator) initFaults() error {
	s.faults = faultState{mutated: map[string]bool{}, paging: map[string]bool{}, busyUpdates: map[string]int{}}
	for _, f := range s.opts.Faults {
		switch f {
		case FaultDup:
			s.faults.dup = true
		case FaultMutate:
			s.faults.mutate = true
		case FaultPageCap, FaultIgnorePage, FaultBigTotal, FaultBusy:
			s.faults.paging[f] = true
		default:
			if _, err := ParseFaults(f); err != nil {
				return fmt.Errorf("simulator: %w", err)
			}
			s.faults.transport = append(s.faults.transport, f)
		}
	}
	if s.opts.FaultRate < 0 || s.opts.FaultRate > 1 {
		return fmt.Errorf("simulator: FaultRate %v is not in [0, 1]", s.opts.FaultRate)
	}
	return nil
}

// mix is splitmix64: a well-spread hash of the seed and a counter.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// chance returns a deterministic value in [0, 1) for (seed, stream, n).
func (s *Simulator) chance(stream string, n uint64) float64 {
	h := mix(uint64(s.opts.Seed))
	for _, c := range []byte(stream) {
		h = mix(h ^ uint64(c))
	}
	return float64(mix(h^n)>>11) / (1 << 53)
}

// transportFault decides the fault of the next data request ("" = none).
func (s *Simulator) transportFault() string {
	if len(s.faults.transport) == 0 || s.opts.FaultRate <= 0 {
		return ""
	}
	n := uint64(s.faultRequests.Add(1))
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.faults.consecutive >= 2 || s.chance("transport", n) >= s.opts.FaultRate {
		s.faults.consecutive = 0
		return ""
	}
	s.faults.consecutive++
	k := int(mix(uint64(s.opts.Seed)^n^0x5eed) % uint64(len(s.faults.transport)))
	s.injected.Add(1)
	return s.faults.transport[k]
}

// withFaults wraps a data endpoint with the transport faults.
func (s *Simulator) withFaults(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch s.transportFault() {
		case "":
			h.ServeHTTP(w, r)
		case Fault429:
			w.Header().Set("Retry-After", "1")
			writeError(w, http.StatusTooManyRequests, "TOO_MANY_REQUESTS", "rate limit exceeded; retry later")
		case Fault503:
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("<html><head><title>503 Service Temporarily Unavailable</title></head><body><center><h1>503 Service Temporarily Unavailable</h1></center></body></html>\n"))
		case FaultHTML200:
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte("<!DOCTYPE html><html><body><h1>Hệ thống đang bảo trì</h1><p>Vui lòng thử lại sau.</p></body></html>\n"))
		case Fault403:
			writeError(w, http.StatusForbidden, "FORBIDDEN", "account is not allowed to read this endpoint")
		case FaultAppError:
			writeError(w, http.StatusOK, "QUOTA_EXCEEDED", "daily export quota exceeded")
		case FaultReset:
			resetConn(w)
		case FaultSlow:
			select {
			case <-time.After(s.opts.SlowDelay):
				h.ServeHTTP(w, r)
			case <-r.Context().Done():
			}
		case FaultTruncate:
			buf := &bufferedResponse{header: http.Header{}}
			h.ServeHTTP(buf, r)
			for k, v := range buf.header {
				w.Header()[k] = v
			}
			body := buf.body.Bytes()
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.WriteHeader(buf.statusCode())
			_, _ = w.Write(body[:len(body)/2])
			if f, ok := w.(http.Flusher); ok {
				f.Flush()
			}
			// Close the connection with the body half sent.
			panic(http.ErrAbortHandler)
		}
	})
}

// resetConn closes the connection with a TCP RST instead of a response.
func resetConn(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0) // close sends RST
	}
	_ = conn.Close()
}

// bufferedResponse records a response to replay part of it.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedResponse) Header() http.Header         { return b.header }
func (b *bufferedResponse) Write(p []byte) (int, error) { return b.body.Write(p) }
func (b *bufferedResponse) WriteHeader(code int)        { b.status = code }
func (b *bufferedResponse) statusCode() int {
	if b.status == 0 {
		return http.StatusOK
	}
	return b.status
}

// dupRecord returns the index to serve first on this page as a duplicate of
// the previous page's last record (-1 = none).
func (s *Simulator) dupRecord(pq pageQuery, start, end int) int {
	if !s.faults.dup || pq.page < 2 || start >= end || start == 0 {
		return -1
	}
	n := uint64(s.dupRequests.Add(1))
	if s.chance("dup", n) >= s.opts.FaultRate {
		return -1
	}
	s.injected.Add(1)
	return start - 1
}

// mutation returns the stale record of a window whose update has not
// happened yet (victim ≥ 0), after noting the update when pq asks for a page
// ≥ 2. See the package's fault documentation.
func (s *Simulator) mutation(pq pageQuery) (victim int) {
	if !s.faults.mutate || pq.from.IsZero() || pq.to.IsZero() {
		return -1
	}
	lo, hi := s.indexRange(pq.from, pq.to)
	if hi-lo+1 <= pq.pageSize {
		return -1 // one page: nothing can be skipped
	}
	key := fmt.Sprintf("%d-%d-%d", pq.from.Unix(), pq.to.Unix(), pq.pageSize)
	if s.chance("mutate:"+key, 0) >= s.opts.FaultRate {
		return -1
	}
	victim = -1
	for j := hi; j < min(hi+64, s.n); j++ {
		if !s.Truth(j).Invalid {
			victim = j
			break
		}
	}
	if victim < 0 {
		return -1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.faults.mutated[key] {
		return -1
	}
	if pq.page >= 2 {
		s.faults.mutated[key] = true
		s.injected.Add(1)
		return -1
	}
	return victim
}

// FaultsInjected is the number of faults injected so far (tests assert the
// fault really happened).
func (s *Simulator) FaultsInjected() int64 { return s.injected.Load() }
