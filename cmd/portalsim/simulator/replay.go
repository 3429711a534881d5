package simulator

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Pages in replay mode (Options.AsOf). At the moment T the records of a kind
// (dossiers or petitions) fall in two sets:
//
//   - settled: final NgayCapNhat U ≤ T, served as without AsOf: the index
//     range [0, settled), in index order = (NgayCapNhat, MaHoSo) order;
//   - open: U > T but already existing: cut at T (asof.go), with an as-of
//     NgayCapNhat ≤ T. Only records whose U lies within the longest life of
//     a record after T can be open, so a view generates that index range
//     once per T (a replay serves a few thousand records) and sorts it.
//
// A window [updated_from, updated_to) selects a settled index range by
// arithmetic and a slice of the sorted open list; a page is a slice of their
// merge in (NgayCapNhat, MaHoSo, index) order. The mutate and busy faults
// are not injected in replay mode; dup serves the record at the position
// before the page; the transport and the other paging faults work as ever.

// Kinds of records a replay view holds.
const (
	kindDossiers = iota
	kindPetitions
)

// asOfKey is the context key of a request's replay moment.
type asOfKey struct{}

// requestAsOf is the replay moment of r (zero when not replaying).
func requestAsOf(r *http.Request) time.Time {
	at, _ := r.Context().Value(asOfKey{}).(time.Time)
	return at
}

// requestClocks reads AsOf once for r: it returns r carrying the replay
// moment (whole seconds) and the portal's clock for the Date header, which
// is that same moment when Options.Now defaulted to AsOf.
func (s *Simulator) requestClocks(r *http.Request) (*http.Request, time.Time) {
	if s.opts.AsOf == nil {
		return r, s.opts.Now()
	}
	raw := s.opts.AsOf()
	at := replayMoment(raw)
	if !at.IsZero() {
		r = r.WithContext(context.WithValue(r.Context(), asOfKey{}, at))
	}
	if s.nowIsAsOf {
		return r, raw
	}
	return r, s.opts.Now()
}

// openRec is a record that exists at the view's moment but is not settled.
type openRec struct {
	upd    int64  // NgayCapNhat at the moment, Unix seconds
	id     string // MaHoSo or MaPAKN
	i      int    // index
	before int    // settled records that sort before it
}

// replayView is one kind of record at one moment.
type replayView struct {
	at      time.Time
	n       int       // records of the kind
	settled int       // [0, settled) have their final NgayCapNhat ≤ at
	open    []openRec // in (upd, id, i) order
}

// replayCache keeps the latest view of each kind (a replay asks many pages
// at one moment before it moves the clock).
type replayCache struct {
	mu    sync.Mutex
	views [2]*replayView
}

// replayView returns the view of kind at the moment at (whole seconds).
func (s *Simulator) replayView(kind int, at time.Time) *replayView {
	s.replay.mu.Lock()
	v := s.replay.views[kind]
	s.replay.mu.Unlock()
	if v != nil && v.at.Equal(at) {
		return v
	}
	v = s.buildView(kind, at)
	s.replay.mu.Lock()
	s.replay.views[kind] = v
	s.replay.mu.Unlock()
	return v
}

// buildView generates every record of kind that can be open at at and
// sorts the open ones.
func (s *Simulator) buildView(kind int, at time.Time) *replayView {
	n, age := s.n, maxDossierAge
	if kind == kindPetitions {
		n, age = s.nPet, maxPetitionSpan
	}
	next := at.Add(time.Second)
	v := &replayView{at: at, n: n, settled: s.firstAt(next, n)}
	var g, gd genState
	var d dossier
	var p petition
	for i := v.settled; i < s.firstAt(next.Add(age), n); i++ {
		var upd time.Time
		var ok bool
		var id string
		if kind == kindDossiers {
			upd, ok = s.generateAt(&g, i, at, &d, nil, nil)
			id = d.MaHoSo.v
		} else {
			upd, ok = s.generatePetitionAt(&g, &gd, i, at, &p, nil, nil)
			id = p.MaPAKN.v
		}
		if ok {
			v.open = append(v.open, openRec{upd: upd.Unix(), id: id, i: i})
		}
	}
	slices.SortFunc(v.open, func(a, b openRec) int {
		return cmp.Or(cmp.Compare(a.upd, b.upd), cmp.Compare(a.id, b.id), cmp.Compare(a.i, b.i))
	})
	for k := range v.open {
		v.open[k].before = s.settledBefore(kind, v, &v.open[k])
	}
	return v
}

// settledBefore counts the settled records that sort before the open o:
// those updated earlier, and the one updated in the same second (at most
// one) when its id is not after o's (its index is smaller).
func (s *Simulator) settledBefore(kind int, v *replayView, o *openRec) int {
	j := s.firstAt(time.Unix(o.upd, 0), v.n)
	if j >= v.settled || s.timeAt(j, v.n).Unix() != o.upd {
		return j
	}
	var g, gd genState
	var id string
	if kind == kindDossiers {
		var d dossier
		s.generate(&g, j, &d, nil, nil)
		id = d.MaHoSo.v
	} else {
		var p petition
		s.generatePetition(&g, &gd, j, &p, nil, nil)
		id = p.MaPAKN.v
	}
	if id <= o.id {
		return j + 1
	}
	return j
}

// replayWindow is the part of a view in a window: the settled records
// [lo, hi) and the open ones open[oa:ob].
type replayWindow struct {
	v              *replayView
	lo, hi, oa, ob int
}

// window selects the records of v updated in pq's window.
func (s *Simulator) window(v *replayView, pq pageQuery) replayWindow {
	w := replayWindow{v: v, hi: v.settled, ob: len(v.open)}
	if !pq.from.IsZero() {
		w.lo = min(s.firstAt(pq.from, v.n), w.hi)
		w.oa = openAt(v.open, pq.from)
	}
	if !pq.to.IsZero() {
		w.hi = max(w.lo, min(s.firstAt(pq.to, v.n), w.hi))
		w.ob = max(w.oa, openAt(v.open, pq.to))
	}
	return w
}

// openAt is the position of the first open record updated at or after t.
func openAt(open []openRec, t time.Time) int {
	sec := t.Unix()
	if t.Nanosecond() > 0 {
		sec++
	}
	k, _ := slices.BinarySearchFunc(open, sec, func(o openRec, sec int64) int { return cmp.Compare(o.upd, sec) })
	return k
}

// total is the number of records in the window.
func (w replayWindow) total() int { return w.hi - w.lo + w.ob - w.oa }

// pos is the position in the window of the open record k.
func (w replayWindow) pos(k int) int { return w.v.open[k].before - w.lo + k - w.oa }

// walk calls emit with the index of each record at the positions [a, b) of
// the window, in order; it stops and reports false when emit does.
func (w replayWindow) walk(a, b int, emit func(i int) bool) bool {
	c := w.openBefore(a)
	j, k := w.lo+a-c, w.oa+c
	for p := a; p < b; p++ {
		i := 0
		if k < w.ob && w.pos(k) == p {
			i = w.v.open[k].i
			k++
		} else {
			i = j
			j++
		}
		if !emit(i) {
			return false
		}
	}
	return true
}

// openBefore is the number of the window's open records at positions < a.
func (w replayWindow) openBefore(a int) int {
	lo, hi := 0, w.ob-w.oa
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if w.pos(w.oa+m) < a {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// pageSpan is the positions [a, b) of page pq in a window of total records.
func pageSpan(pq pageQuery, total int) (a, b int) {
	if pq.page-1 > total/pq.pageSize {
		return total, total
	}
	a = min((pq.page-1)*pq.pageSize, total)
	return a, min(a+pq.pageSize, total)
}

// serveDossiersAsOf serves a page of the dossiers as the portal holds them
// at at, with the dup fault (the record before the page, first).
func (s *Simulator) serveDossiersAsOf(w http.ResponseWriter, r *http.Request, pq pageQuery, at time.Time) {
	served, said, extra := s.shapePage(pq)
	win := s.window(s.replayView(kindDossiers, at), served)
	total := win.total()
	a, b := pageSpan(served, total)
	dup := s.dupRecord(served, a, b)
	s.streamPage(w, r, said, total+extra, func(pw *pageWriter) bool {
		emit := func(i int) bool {
			pw.startRecord()
			s.generateAt(&pw.g, i, at, &pw.d, nil, nil)
			pw.e.dossier(&pw.d)
			return pw.writeRecord()
		}
		if dup >= 0 && !win.walk(dup, dup+1, emit) {
			return false
		}
		return win.walk(a, b, emit)
	})
}

// servePetitionsAsOf serves a page of the petitions as the portal holds
// them at at.
func (s *Simulator) servePetitionsAsOf(w http.ResponseWriter, r *http.Request, pq pageQuery, at time.Time) {
	served, said, extra := s.shapePage(pq)
	win := s.window(s.replayView(kindPetitions, at), served)
	total := win.total()
	a, b := pageSpan(served, total)
	s.streamPage(w, r, said, total+extra, func(pw *pageWriter) bool {
		var gd genState
		var p petition
		return win.walk(a, b, func(j int) bool {
			pw.startRecord()
			s.generatePetitionAt(&pw.g, &gd, j, at, &p, nil, nil)
			pw.e.petition(&p)
			return pw.writeRecord()
		})
	})
}
