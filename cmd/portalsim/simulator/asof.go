package simulator

import (
	"fmt"
	"sync"
	"time"
)

// Replay: the portal as of a moment (Options.AsOf).
//
// A record is generated in full (the same PRNG draws, so its final state
// stays byte-identical), then cut at the replay moment T when its final
// NgayCapNhat U is after T:
//
//   - it does not exist before its first event (submission, reception or
//     refusal, whichever is earliest);
//   - processing steps after T are dropped, a step's ThoiDiemDongBo after T
//     is null; NgayTiepNhan and NgayHenTra are missing before reception,
//     NgayKetThucXuLy, NgayTra and NgayTuChoi while after T;
//   - supplement requests made after T are dropped, a supplied date after T
//     is missing (with its NgayHenTraMoi): the request is pending;
//   - TrangThaiHoSo is derived from what is left (statusAt);
//   - DongBoDVCQG of a synced dossier keeps its final value once its final
//     sync moment is ≤ T; before that it is synced (DaDongBo 1) at the
//     latest step sync ≤ T, or not synced (DaDongBo 0, ThoiDiemDongBo null)
//     when no step has reached the national portal yet; a sync error shows
//     from its moment on (not synced before);
//   - the result documents (DanhSachGiayToKetQua) exist from the end of
//     processing (the earlier of NgayKetThucXuLy and NgayTra), the rating
//     (DanhGiaHaiLong) from the return (NgayTra);
//   - NgayCapNhat is the latest moment ≤ T among the record's event and
//     sync times, so it grows with T and changes whenever the content does.
//
// A masked value is left out (the key is absent). Everything else (MaHoSo,
// unit, procedure, owner, documents, fees, DuocThanhToanTrucTuyen, the
// extra personal fields) is known from submission and served as in the
// final record. At T ≥ U the record is the final one, byte for byte.

// maxDossierAge bounds U − the first event of every dossier: U − NgayTiepNhan
// ≤ maxDossierSpan, and submission precedes reception (or refusal) by at
// most 3 days and 10 minutes.
const maxDossierAge = maxDossierSpan + 4*24*time.Hour

// Kinds of DongBoDVCQG (genCtx.syncKind).
const (
	syncNot     = iota // present, not synced
	syncDone           // synced at dossierSync
	syncError          // sync error at dossierSync
	syncMissing        // the object is left out
)

// Clock is a settable clock for a replay: Options{AsOf: clock.Now}. The
// caller moves it between requests; it is safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a Clock that reads t until it is moved.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t (backwards too).
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// Advance moves the clock by d and returns the new time.
func (c *Clock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	return c.t
}

// TruthAt returns the ground truth of dossier i as the portal holds it at
// the moment at (what a simulator with AsOf returning at serves), and false
// when the dossier does not exist yet then. Status is TrangThaiHoSo at at,
// UpdatedAt its NgayCapNhat at at; dates, steps (Withdrawn) and supplements
// after at are nil or left out, StepLag needs NgayKetThucXuLy ≤ at. A zero
// at gives Truth(i). It panics unless 0 ≤ i < Len().
func (s *Simulator) TruthAt(i int, at time.Time) (Truth, bool) {
	if i < 0 || i >= s.n {
		panic(fmt.Sprintf("simulator: TruthAt(%d) out of range [0,%d)", i, s.n))
	}
	var g genState
	var d dossier
	var t Truth
	if _, ok := s.generateAt(&g, i, replayMoment(at), &d, &t, nil); !ok {
		return Truth{}, false
	}
	return t, true
}

// PetitionTruthAt returns the ground truth of petition j as the portal holds
// it at the moment at, and false before it is received: Handled is nil and
// Rating 0 while it is handled after at, UpdatedAt is its NgayCapNhat at at.
// A zero at gives PetitionTruth(j). It panics unless 0 ≤ j < Petitions().
func (s *Simulator) PetitionTruthAt(j int, at time.Time) (PetitionTruth, bool) {
	if j < 0 || j >= s.nPet {
		panic(fmt.Sprintf("simulator: PetitionTruthAt(%d) out of range [0,%d)", j, s.nPet))
	}
	var g, gd genState
	var p petition
	var t PetitionTruth
	if _, ok := s.generatePetitionAt(&g, &gd, j, replayMoment(at), &p, nil, &t); !ok {
		return PetitionTruth{}, false
	}
	return t, true
}

// replayMoment is at in whole seconds (every generated moment is one), so
// that "≤ at" means the same for at and the NgayCapNhat it yields.
func replayMoment(at time.Time) time.Time {
	if at.IsZero() {
		return at
	}
	return time.Unix(at.Unix(), 0).In(Location)
}

// cutAt cuts the generated dossier, whose final NgayCapNhat U is after at,
// to the state the portal holds at at (see the top of this file); it
// reports false when the dossier does not exist yet.
func (c *genCtx) cutAt(at time.Time) bool {
	if c.firstEvent().After(at) {
		return false
	}
	status := c.statusAt(at)
	c.updated = c.latestChange(at)
	c.cutSync(at)
	c.cutSteps(at)
	c.cutSupplements(at)
	c.cutDates(at)
	c.status = status
	if c.d.TrangThaiHoSo.k == present { // not the TrangThaiHoSo defect
		c.d.TrangThaiHoSo = num(status)
	}
	c.d.NgayCapNhat = c.updated.Format(layCompact)
	return true
}

// firstEvent is the earliest of submission, reception and refusal.
func (c *genCtx) firstEvent() time.Time {
	first := c.S
	for _, t := range []time.Time{c.R, c.Ref} {
		if !t.IsZero() && (first.IsZero() || t.Before(first)) {
			first = t
		}
	}
	return first
}

// happened reports whether the moment t is set and not after at.
func happened(t, at time.Time) bool { return !t.IsZero() && !t.After(at) }

// statusAt is TrangThaiHoSo at at, from the events up to at: refused 3;
// submitted only 1; then, for a received dossier, returned 10, processed 9,
// stopped 8, withdrawn 7, a pending supplement 5, a financial obligation
// 6, any processing step or supplement 4, else received 2. With every
// event up to at it is the final status.
func (c *genCtx) statusAt(at time.Time) int {
	var seen [evRefuse + 1]bool
	for _, ev := range c.evs[:c.ne] {
		seen[ev.kind] = seen[ev.kind] || !ev.t.After(at)
	}
	switch {
	case happened(c.Ref, at):
		return 3
	case !happened(c.R, at):
		return 1
	case seen[evReturn]:
		return 10
	case seen[evDone]:
		return 9
	case seen[evStop]:
		return 8
	case seen[evWithdraw]:
		return 7
	case c.supplementPending(at):
		return 5
	case seen[evFinancial]:
		return 6
	case seen[evProcess] || seen[evSupplement]:
		return 4
	}
	return 2
}

// supplementPending reports whether a supplement requested by at is not
// supplied by at.
func (c *genCtx) supplementPending(at time.Time) bool {
	for _, sp := range c.sups[:c.nSups] {
		if happened(sp.req, at) && !happened(sp.recv, at) {
			return true
		}
	}
	return false
}

// latestChange is the latest moment ≤ at among the dossier's events, step
// syncs, supplement dates and dossier-level sync: its NgayCapNhat at at.
func (c *genCtx) latestChange(at time.Time) time.Time {
	var last time.Time
	note := func(t time.Time) {
		if happened(t, at) && t.After(last) {
			last = t
		}
	}
	for _, t := range []time.Time{c.S, c.R, c.F, c.T, c.Ref} {
		note(t)
	}
	for a := range c.ne {
		note(c.evs[a].t)
		note(c.syncs[a])
	}
	for _, sp := range c.sups[:c.nSups] {
		note(sp.req)
		note(sp.recv)
	}
	if c.syncKind == syncDone || c.syncKind == syncError {
		note(c.dossierSync)
	}
	return last
}

// cutSync sets DongBoDVCQG as of at (before cutSteps: it reads every
// step's sync moment).
func (c *genCtx) cutSync(at time.Time) {
	db := &c.d.DongBoDVCQG
	notSynced := dongBo{k: present, thoiDiem: ostr{k: null}}
	switch {
	case c.syncKind == syncError && c.dossierSync.After(at):
		*db = notSynced
	case c.syncKind == syncDone && c.dossierSync.After(at):
		var last time.Time
		for _, t := range c.syncs[:c.ne] {
			if happened(t, at) && t.After(last) {
				last = t
			}
		}
		*db = notSynced
		if !last.IsZero() {
			*db = dongBo{k: present, daDongBo: 1, thoiDiem: str(last.Format(layCompact))}
		}
	}
}

// cutSteps drops the events after at (events are sorted by time) and nulls
// the ThoiDiemDongBo of a served step synced after at.
func (c *genCtx) cutSteps(at time.Time) {
	m := 0
	for m < c.ne && !c.evs[m].t.After(at) {
		m++
	}
	if c.d.kQuaTrinh == present {
		c.d.QuaTrinhXuLy = c.d.QuaTrinhXuLy[:m]
		for a := range c.d.QuaTrinhXuLy {
			if c.syncs[a].After(at) {
				c.d.QuaTrinhXuLy[a].dongBo = ostr{k: null}
			}
		}
	}
	c.ne = m
}

// cutSupplements drops the supplement requests made after at and leaves out
// the supplied date (and the new due date) of one supplied after at.
func (c *genCtx) cutSupplements(at time.Time) {
	k := 0
	for j := range c.nSups {
		sp, bs := c.sups[j], c.d.DanhSachHoSoBoSung[j]
		if sp.req.After(at) {
			continue
		}
		if sp.recv.After(at) {
			sp.recv = time.Time{}
			bs.tiepNhan, bs.henTraMoi = ostr{}, ostr{}
		}
		c.sups[k], c.d.DanhSachHoSoBoSung[k] = sp, bs
		k++
	}
	c.nSups = k
	c.d.DanhSachHoSoBoSung = c.d.DanhSachHoSoBoSung[:k]
}

// cutDates leaves out the dates after at (NgayTiepNhan and NgayHenTra before
// reception) and the results and rating before the end of processing and
// the return.
func (c *genCtx) cutDates(at time.Time) {
	d := c.d
	if c.R.After(at) {
		d.NgayTiepNhan, d.NgayHenTra = ostr{}, ostr{}
		c.recServed, c.dueServed = false, false
	}
	if c.F.After(at) {
		d.NgayKetThucXuLy = ostr{}
		c.finServed, c.stepLag = false, false
	}
	if c.T.After(at) {
		d.NgayTra, d.DanhGiaHaiLong = ostr{}, oint{}
		c.retServed = false
	}
	if c.Ref.After(at) {
		d.NgayTuChoi = ostr{}
	}
	end := c.F
	if end.IsZero() || (!c.T.IsZero() && c.T.Before(end)) {
		end = c.T
	}
	if end.After(at) {
		d.kGiayTo = absent
		d.DanhSachGiayToKetQua = d.DanhSachGiayToKetQua[:0]
	}
}

// cutPetition cuts petition p (final NgayCapNhat after at, received recv,
// handled — zero while unhandled) to its state at at; it returns its
// NgayCapNhat then, and false before it is received. handled and rating are
// cleared while it is handled after at.
func cutPetition(p *petition, at, recv time.Time, handled *time.Time, rating *int) (time.Time, bool) {
	if recv.After(at) {
		return time.Time{}, false
	}
	updated := recv
	if handled.After(at) {
		p.NgayXuLyXong, p.DanhGia = ostr{}, oint{}
		*handled, *rating = time.Time{}, 0
	} else if !handled.IsZero() {
		updated = *handled
	}
	p.NgayCapNhat = updated.Format(layCompact)
	return updated, true
}
