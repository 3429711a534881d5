package simulator

import (
	"net/http"
	"strconv"
	"time"

	"golang.org/x/text/unicode/norm"
)

// Petitions (PAKN, portal-api.md §2) are generated on demand exactly like the
// dossiers: petition j has NgayCapNhat = From + floor(j·span/P) and its
// content comes from a PCG stream seeded by (Seed, j) on a stream of its own.

const (
	// petitionSalt separates the petitions' PRNG streams from the dossiers'.
	petitionSalt = 0x5045_5449_5449_4f4e
	// defaultPetitionDays is the default deadline (working days) when
	// HanXuLy is missing (docs/indicators.md).
	defaultPetitionDays = 15
	// petitionRelatedWindow: a petition's related dossier was last updated
	// within this long before the petition was received.
	petitionRelatedWindow = 30 * 24 * time.Hour
	// maxPetitionSpan bounds NgayCapNhat − NgayTiepNhan of every petition.
	maxPetitionSpan = 60 * 24 * time.Hour
)

// PetitionTruth is the ground truth of one generated petition.
type PetitionTruth struct {
	ID        string // MaPAKN
	UnitCode  string // GSO code of the handling unit valid on the received day
	UnitName  string
	DossierID string // MaHoSo of the related dossier ("" when none)
	// DossierIndex is the index of the related dossier (-1 when none).
	DossierIndex int
	Received     time.Time // NgayTiepNhan
	// Deadline is the deadline in force: HanXuLy when served, else the end
	// (23:59:59) of the 15th working day after the received day.
	Deadline       time.Time
	DeadlineServed bool       // HanXuLy is served
	Handled        *time.Time // NgayXuLyXong (nil while unhandled)
	Rating         int        // DanhGia: 1 satisfied, 2 dissatisfied, 0 none
	UpdatedAt      time.Time  // NgayCapNhat
	// PII and Invalid: the extra personal values and whether the petition
	// was made invalid (Options.ExtraPII only).
	PII     []string
	Invalid bool
}

// petition is one record of /api/v1/petitions.
type petition struct {
	MaPAKN, MaHoSo, MaDonViHanhChinh, DonViXuLy ostr
	NgayTiepNhan, HanXuLy, NgayXuLyXong         ostr
	DanhGia                                     oint
	NgayCapNhat                                 string
	extra                                       []extraField // Options.ExtraPII
}

// petitionFacts are what the portal knows of a petition.
type petitionFacts struct {
	u        *unit
	dossier  int       // related dossier index, -1 when none
	received time.Time // NgayTiepNhan
	due      time.Time // deadline in force (HanXuLy or the default)
	handled  time.Time // zero while unhandled
	rating   int
}

// Petitions is the number of petitions.
func (s *Simulator) Petitions() int { return s.nPet }

// PetitionTruth returns the ground truth of petition i; it panics unless
// 0 ≤ i < Petitions().
func (s *Simulator) PetitionTruth(i int) PetitionTruth {
	if i < 0 || i >= s.nPet {
		panic("simulator: PetitionTruth(" + strconv.Itoa(i) + ") out of range")
	}
	var g, gd genState
	var p petition
	var pf petitionFacts
	var t PetitionTruth
	s.generatePetition(&g, &gd, i, &p, &pf, &t)
	return t
}

// petitionDefaultDue is the default deadline of a petition received at t:
// the end of the 15th working day after its day.
func (s *Simulator) petitionDefaultDue(t time.Time) time.Time {
	return endOfDay(s.cal.nthWorkDay(midnight(t), defaultPetitionDays))
}

// generatePetition fills p (and pf, t when not nil) with petition j in its
// final state. gd is the generator state used for the related dossier.
func (s *Simulator) generatePetition(g, gd *genState, j int, p *petition, pf *petitionFacts, t *PetitionTruth) {
	s.generatePetitionAt(g, gd, j, time.Time{}, p, pf, t)
}

// generatePetitionAt is generatePetition as the portal holds petition j at
// the moment at (asof.go; zero at: the final state, pf always final). It
// returns the served NgayCapNhat, and ok false (p and t then undefined)
// before the petition is received.
func (s *Simulator) generatePetitionAt(g, gd *genState, j int, at time.Time, p *petition, pf *petitionFacts, t *PetitionTruth) (updated time.Time, ok bool) {
	r := g.seed(s.opts.Seed^petitionSalt, j)
	cal := s.cal
	*p = petition{}
	U := s.timeAt(j, s.nPet)
	p.NgayCapNhat = U.Format(layCompact)
	nfd := r.IntN(100) < 10
	tx := func(x string) string {
		if nfd {
			return norm.NFD.String(x)
		}
		return x
	}
	// Deadline: 55% served (15 working days, 10 for a third of them).
	days := defaultPetitionDays
	dueServed := r.IntN(100) < 55
	if dueServed && r.IntN(100) < 30 {
		days = 10
	}
	lag := sec(120 + r.IntN(6*3600))
	var recv, handled time.Time
	switch x := r.IntN(100); {
	case x < 90: // handled: 85% on time, 15% late
		handled = cal.workMomentBefore(r, U.Add(-lag))
		k := r.IntN(days)
		if r.IntN(100) < 15 {
			k = days + 1 + r.IntN(5)
		}
		if k == 0 {
			recv = randIn(r, midnight(handled), workStart, handled.Sub(midnight(handled)))
		} else {
			recv = randIn(r, midnight(cal.subWorkDays(handled, k)), workStart, workEnd)
		}
	default: // not handled yet
		recv = cal.workMomentBefore(r, U.Add(-lag))
	}
	due := cal.addWorkDays(midnight(recv), days).Add(workEnd)

	// Related dossier: one last updated in the 30 days before reception.
	dIdx := -1
	dossierID := ""
	var u *unit
	if r.IntN(100) < 72 {
		lo, hi := s.indexRange(recv.Add(-petitionRelatedWindow), recv)
		if hi > lo {
			k := lo + r.IntN(hi-lo)
			var d dossier
			var f facts
			s.generate(gd, k, &d, nil, &f)
			if f.id != "" {
				dIdx, dossierID = k, f.id
				u = s.successorOn(f.u, midnight(recv))
			}
		}
	}
	if u == nil {
		e := s.rd.eraAt(midnight(recv))
		u = e.wards[pickCumF(r.Float64(), e.cumW)]
	}

	p.MaPAKN = str("PAKN.H08-" + recv.Format("060102") + "-" + pad4(j+1))
	if dIdx >= 0 {
		p.MaHoSo = str(dossierID)
	}
	if r.IntN(100) < 80 {
		p.MaDonViHanhChinh = str(u.code)
		p.DonViXuLy = str(tx(unitSpelling(r, u)))
	} else {
		p.MaDonViHanhChinh = emptyish(r)
		p.DonViXuLy = str(exactSpelling(r, u)) // the only identifier: exact NFC spelling
	}
	p.NgayTiepNhan = fmtDate(r, recv, false)
	if dueServed {
		p.HanXuLy = fmtDate(r, due, false)
	} else {
		p.HanXuLy = emptyish(r)
		due = s.petitionDefaultDue(recv)
	}
	rating := 0
	if handled.IsZero() {
		p.NgayXuLyXong = emptyish(r)
		p.DanhGia = emptyInt(r)
	} else {
		p.NgayXuLyXong = fmtDate(r, handled, false)
		if r.IntN(100) < 65 {
			rating = 1
			if r.IntN(100) < 22 {
				rating = 2
			}
			p.DanhGia = num(rating)
		} else {
			p.DanhGia = emptyInt(r)
		}
	}
	extraPII, invalid := s.extraPetitionPII(j, p)
	if pf != nil {
		*pf = petitionFacts{u: u, dossier: dIdx, received: recv, due: due, handled: handled, rating: rating}
	}
	updated = U
	if !at.IsZero() && at.Before(U) {
		if updated, ok = cutPetition(p, at, recv, &handled, &rating); !ok {
			return time.Time{}, false
		}
	}
	if t != nil {
		*t = PetitionTruth{ID: p.MaPAKN.v, UnitCode: u.code, UnitName: u.name, DossierID: dossierID,
			DossierIndex: dIdx, Received: recv, Deadline: due, DeadlineServed: dueServed,
			Rating: rating, UpdatedAt: updated, PII: extraPII, Invalid: invalid, Handled: timeIf(!handled.IsZero(), handled)}
	}
	return updated, true
}

// successorOn is u when it is valid on day, else the unit it was merged into
// (valid on day), else nil.
func (s *Simulator) successorOn(u *unit, day time.Time) *unit {
	if u == nil || u.validOn(day) {
		return u
	}
	if u.mergedTo == "" {
		return nil
	}
	for _, v := range s.rd.units {
		if v.code == u.mergedTo && v.validOn(day) {
			return v
		}
	}
	return nil
}

func (e *enc) petition(p *petition) {
	e.open()
	e.os("MaPAKN", p.MaPAKN)
	e.os("MaHoSo", p.MaHoSo)
	e.os("MaDonViHanhChinh", p.MaDonViHanhChinh)
	e.os("DonViXuLy", p.DonViXuLy)
	e.os("NgayTiepNhan", p.NgayTiepNhan)
	e.os("HanXuLy", p.HanXuLy)
	e.os("NgayXuLyXong", p.NgayXuLyXong)
	e.oi("DanhGia", p.DanhGia)
	e.writeExtra(p.extra)
	e.s("NgayCapNhat", p.NgayCapNhat)
	e.close()
}

// handlePetitions serves a page of petitions, each generated on the fly.
func (s *Simulator) handlePetitions(w http.ResponseWriter, r *http.Request) {
	pq, msg := s.parsePageQuery(r)
	if msg != "" {
		writeError(w, http.StatusBadRequest, CodeBadRequest, msg)
		return
	}
	if at := requestAsOf(r); !at.IsZero() {
		s.servePetitionsAsOf(w, r, pq, at)
		return
	}
	served, said, extra := s.shapePage(pq)
	start, end, total := s.pageRangeN(served, s.nPet)
	s.streamPage(w, r, said, total+extra, func(pw *pageWriter) bool {
		var gd genState
		var p petition
		for j := start; j < end; j++ {
			pw.startRecord()
			s.generatePetition(&pw.g, &gd, j, &p, nil, nil)
			pw.e.petition(&p)
			if !pw.writeRecord() {
				return false // client went away
			}
		}
		return true
	})
}
