package main

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
)

// holdingPortal serves the simulator until hold picks a dossier request (n
// counts them from 1); from then on every dossier request is held — never
// answered — until its client goes (a timeout, an abort, a kill). Tests use
// it to stop a sync at a point of their choosing instead of racing a clock:
// held is closed, and query records the first held request's query, once
// the sync is provably stuck there.
type holdingPortal struct {
	next    http.Handler
	hold    func(n int64, q url.Values) bool
	calls   atomic.Int64
	holding atomic.Bool
	once    sync.Once
	held    chan struct{}
	query   url.Values // set before held is closed
}

func (p *holdingPortal) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/api/v1/dossiers" {
		q := r.URL.Query()
		if p.holding.Load() || p.hold(p.calls.Add(1), q) {
			p.holding.Store(true)
			p.once.Do(func() { p.query = q; close(p.held) })
			<-r.Context().Done()
			return
		}
	}
	p.next.ServeHTTP(w, r)
}

// startHoldingPortal serves h.sim through a holdingPortal and returns the env
// that points dvcindex at it.
func (h *harness) startHoldingPortal(hold func(n int64, q url.Values) bool) (*holdingPortal, []string) {
	p := &holdingPortal{next: h.sim.Handler(), hold: hold, held: make(chan struct{})}
	srv := httptest.NewServer(p)
	h.t.Cleanup(srv.Close)
	return p, []string{"DVC_PORTAL_BASE_URL=" + srv.URL}
}
