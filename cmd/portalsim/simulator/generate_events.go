package simulator

import "time"

// The processing phases of generate (supplements, steps, sync to the
// national portal) and the facts and truth made of a generated dossier.

// addEv appends an event at t of kind to evs.
func (c *genCtx) addEv(t time.Time, kind int) {
	c.evs[c.ne] = event{t: t, kind: kind}
	c.ne++
}

// drawEvents draws the dossier's processing events (the status's own, the
// supplement requests and 1–3 processing steps between reception and the
// end of processing), sorts them by time and serves DanhSachHoSoBoSung.
func (c *genCtx) drawEvents() {
	k := c.supplementCount()
	procEnd := c.L // processing steps happen in [R, procEnd]
	if c.status == 9 || c.status == 10 {
		procEnd = c.F
	}
	switch c.status {
	case 1:
		c.addEv(c.S, evSubmit)
	case 2:
		c.addEv(c.S, evSubmit)
		c.addEv(c.R, evReceive)
	case 3:
		c.addEv(c.S, evSubmit)
		c.addEv(c.Ref, evRefuse)
	default:
		c.addEv(c.R, evReceive)
		c.addEndEvents()
		if k > 0 {
			c.drawSupplements(k, procEnd)
		}
		c.drawProcessSteps(procEnd)
	}
	if len(c.d.DanhSachHoSoBoSung) > 0 || c.r.IntN(100) < 30 {
		c.d.kBoSung = present // an empty list is common too
	} else {
		c.d.kBoSung = absent
	}
	c.sortEvents()
}

// supplementCount draws how many supplements were requested: one or two
// for status 5 (the last one pending), mostly none for 4, 9 and 10.
func (c *genCtx) supplementCount() int {
	switch c.status {
	case 5:
		if c.r.IntN(100) < 20 {
			return 2
		}
		return 1
	case 4, 9, 10:
		switch x := c.r.IntN(100); {
		case x < 85:
			return 0
		case x < 97:
			return 1
		default:
			return 2
		}
	}
	return 0
}

// addEndEvents adds the events a received dossier's status ends with.
func (c *genCtx) addEndEvents() {
	switch c.status {
	case 10:
		c.addEv(c.F, evDone)
		c.addEv(c.T, evReturn)
	case 9:
		c.addEv(c.F, evDone)
	case 8:
		c.addEv(c.F, evStop)
	case 4:
		c.addEv(c.L, evProcess)
	case 6:
		c.addEv(c.L, evFinancial)
	case 7:
		c.addEv(c.L, evWithdraw)
	}
}

// drawSupplements adds k supplement requests in [R, procEnd], each supplied
// before the next, except the pending last one of status 5 (asked at L),
// and serves them.
func (c *genCtx) drawSupplements(k int, procEnd time.Time) {
	r := c.r
	n := 2 * k
	if c.status == 5 {
		n = 2 * (k - 1)
	}
	pts := c.cal.workPoints(r, c.R, procEnd, n)
	for j := range k {
		var q, qr time.Time
		if 2*j < n {
			q = pts[2*j]
			qr = pts[2*j+1]
		} else {
			q = c.L // status 5: the pending request
		}
		c.addEv(q, evSupplement)
		c.sups[j] = supFact{req: q, recv: qr}
		c.nSups = j + 1
		bs := boSung{yeuCau: fmtDate(r, q, false)}
		if qr.IsZero() {
			bs.tiepNhan = emptyish(r)
			bs.henTraMoi = emptyish(r)
		} else {
			bs.tiepNhan = fmtDate(r, qr, false)
			bs.henTraMoi = fmtDate(r, c.cal.dueDate(qr, c.limit), true)
		}
		c.d.DanhSachHoSoBoSung = append(c.d.DanhSachHoSoBoSung, bs)
	}
}

// drawProcessSteps adds processing steps in [R, procEnd] so that a received
// dossier has 3 to 6 events.
func (c *genCtx) drawProcessSteps(procEnd time.Time) {
	fixed := c.ne
	mMin := max(3-fixed, min(1, 6-fixed))
	mMax := max(mMin, min(3, 6-fixed))
	m := mMin + c.r.IntN(mMax-mMin+1)
	for _, p := range c.cal.workPoints(c.r, c.R, procEnd, m) {
		c.addEv(p, evProcess)
	}
}

// sortEvents sorts evs by time (stable: ties keep insertion order) and
// numbers the processing steps (nth, nProc).
func (c *genCtx) sortEvents() {
	evs := c.evs[:c.ne]
	for a := 1; a < len(evs); a++ {
		for b := a; b > 0 && evs[b].t.Before(evs[b-1].t); b-- {
			evs[b], evs[b-1] = evs[b-1], evs[b]
		}
	}
	c.nProc = 0
	for a := range evs {
		if evs[a].kind == evProcess {
			evs[a].nth = c.nProc
			c.nProc++
		}
	}
}

// serveSync draws the sync state of the dossier (88% synced, 8% not, 2%
// sync error, 2% no sync object), serves QuaTrinhXuLy with it and then
// DongBoDVCQG.
func (c *genCtx) serveSync() {
	r := c.r
	syncState := r.IntN(100) // <88 synced, <96 not synced, <98 error, else object missing
	lastSync := c.serveSteps(syncState < 88 || syncState >= 98)
	switch {
	case syncState < 88:
		if lastSync.IsZero() {
			lastSync = c.U
		}
		c.syncKind, c.dossierSync = syncDone, lastSync
		c.d.DongBoDVCQG = dongBo{k: present, daDongBo: 1, thoiDiem: fmtDate(r, lastSync, false)}
	case syncState < 96:
		c.syncKind = syncNot
		c.d.DongBoDVCQG = dongBo{k: present, thoiDiem: ostr{k: null}}
	case syncState < 98:
		at := c.L.Add(sec(60 + r.IntN(600)))
		if at.After(c.U) {
			at = c.U
		}
		c.syncKind, c.dossierSync = syncError, at
		c.d.DongBoDVCQG = dongBo{k: present, thoiDiem: fmtDate(r, at, false), maLoi: pick(r, syncErrors)}
	default:
		c.syncKind = syncMissing
	}
}

// serveSteps serves QuaTrinhXuLy, one step per event with the moment it
// reached the national portal (null unless stepsSynced), then draws whether
// the list is served; it returns the latest sync moment (zero = none).
func (c *genCtx) serveSteps(stepsSynced bool) (lastSync time.Time) {
	r, d := c.r, c.d
	for a := range c.ne {
		ev := c.evs[a]
		st := c.s.step(r, c.u, c.proc, c.ch, ev, c.nProc, c.status, c.tx)
		st.thoiDiem = fmtDate(r, ev.t, false)
		sync := c.stepSync(a == c.ne-1, ev.t)
		if sync.After(c.U) {
			sync = c.U
		}
		if !stepsSynced || sync.IsZero() {
			st.dongBo = ostr{k: null}
		} else {
			st.dongBo = fmtDate(r, sync, false)
			c.syncs[a] = sync
			if sync.After(lastSync) {
				lastSync = sync
			}
		}
		d.QuaTrinhXuLy = append(d.QuaTrinhXuLy, st)
	}
	if d.kQuaTrinh = listPresence(r, 95, 97); d.kQuaTrinh != present {
		d.QuaTrinhXuLy = d.QuaTrinhXuLy[:0]
	}
	return lastSync
}

// stepSync draws when the step at t reached the national portal (zero =
// never): the last step lag after it (if at all), the others minutes after
// (2–5 days for a late-sync dossier), a few a day or more after, 1% never.
func (c *genCtx) stepSync(last bool, t time.Time) time.Time {
	r := c.r
	if last {
		if c.lastSynced {
			return t.Add(c.lag)
		}
		return time.Time{}
	}
	switch x := r.IntN(100); {
	case c.lateSync:
		return t.Add(sec(2*86400 + r.IntN(3*86400)))
	case x < 97:
		return t.Add(sec(120 + r.IntN(4*3600-120)))
	case x < 99:
		return t.Add(sec(86400 + r.IntN(4*86400)))
	}
	return time.Time{}
}

// fillFacts sets f to the portal's own values of the generated dossier.
func (c *genCtx) fillFacts(f *facts) {
	d := c.d
	f.id, f.u, f.proc, f.status, f.ch = c.id, c.u, c.proc, c.status, c.ch
	f.received, f.R, f.H, f.F, f.T, f.Ref = c.received, c.R, c.H, c.F, c.T, c.Ref
	f.dueServed = c.dueServed
	f.sups, f.nSups = c.sups, c.nSups
	f.nSteps = 0
	if d.kQuaTrinh == present {
		for a := range c.ne {
			f.steps[a] = stepFact{t: c.evs[a].t, sync: c.syncs[a], kind: c.evs[a].kind}
		}
		f.nSteps = c.ne
	}
	f.daDongBo = d.DongBoDVCQG.k == present && d.DongBoDVCQG.daDongBo == 1
	f.digitized = d.HoSoCoThanhPhanSoHoa.k == present && d.HoSoCoThanhPhanSoHoa.v == 1
	f.reused, f.store = false, false
	for _, tl := range d.TaiLieuNop {
		f.digitized = f.digitized || tl.soHoa == 1
		f.reused = f.reused || tl.taiSuDung == 1 || tl.khoDMQG == 1 || tl.maKetQuaThayThe != ""
		f.store = f.store || tl.khoDMQG == 1
	}
	f.vneid = d.TaiKhoanDuocXacThucVoiVNeID.k == present && d.TaiKhoanDuocXacThucVoiVNeID.v == 1
	f.paid = d.DuocThanhToanTrucTuyen.k == present && (d.DuocThanhToanTrucTuyen.v == 1 || d.DuocThanhToanTrucTuyen.v == 2)
	f.feeData = d.kLePhi == present && len(d.DanhSachLePhi) > 0
	f.feesZero = f.feeData
	for _, l := range d.DanhSachLePhi {
		f.feesZero = f.feesZero && l.gia == 0
	}
	f.resultLink = false
	if d.kGiayTo == present {
		for _, gt := range d.DanhSachGiayToKetQua {
			f.resultLink = f.resultLink || (gt.link.k == present && gt.link.v != "")
		}
	}
	f.rating = 0
	if d.DanhGiaHaiLong.k == present {
		f.rating = d.DanhGiaHaiLong.v
	}
}

// fillTruth sets t to the ground truth of the generated dossier.
func (c *genCtx) fillTruth(t *Truth) {
	*t = Truth{ID: c.id, UpdatedAt: c.updated, Status: c.status, Channel: c.ch, PII: c.pii,
		Received: timeIf(c.recServed, c.R), Submitted: timeIf(c.subServed, c.S), Due: timeIf(c.dueServed, c.H),
		Finished: timeIf(c.finServed, c.F), Returned: timeIf(c.retServed, c.T),
		Withdrawn: c.withdrawnAt(), LateSync: c.lateSync, StepLag: c.stepLag}
	for _, sp := range c.sups[:c.nSups] {
		st := SupplementTruth{Requested: sp.req}
		st.Received = timeIf(!sp.recv.IsZero(), sp.recv)
		t.Supplements = append(t.Supplements, st)
	}
	if c.invalid != "" {
		t.Invalid = true
		t.InvalidField = c.invalid
	} else {
		t.UnitCode = c.u.code
		t.UnitName = c.u.name
	}
	if c.invalid != badMaTTHC {
		t.ProcedureNational = c.proc.national
	}
}

// timeIf is a pointer to a copy of v when ok, else nil.
func timeIf(ok bool, v time.Time) *time.Time {
	if !ok {
		return nil
	}
	return &v
}

// withdrawnAt is the time of the first withdrawal step when QuaTrinhXuLy is
// served, else nil.
func (c *genCtx) withdrawnAt() *time.Time {
	if c.d.kQuaTrinh != present {
		return nil
	}
	for _, ev := range c.evs[:c.ne] {
		if ev.kind == evWithdraw {
			return timeIf(true, ev.t)
		}
	}
	return nil
}
