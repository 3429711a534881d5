package transform

import (
	"encoding/json"
	"strings"
	"time"
)

// Petition is one normalized petition (PAKN, portal-api.md §2).
type Petition struct {
	PetitionID string // MaPAKN
	DossierID  string // MaHoSo of the related dossier, "" if none
	UnitCode   string
	UnitName   string
	ReceivedAt *time.Time // NgayTiepNhan
	DeadlineAt *time.Time // HanXuLy; nil: the default deadline applies
	HandledAt  *time.Time // NgayXuLyXong
	Rating     uint8      // DanhGia: 1 satisfied, 2 dissatisfied, 0 none
	UpdatedAt  time.Time  // NgayCapNhat
	Source     string
}

// PetitionParser normalizes petitions. Immutable; safe for concurrent use.
type PetitionParser struct {
	units *Units
	loc   *time.Location
	pii   *Pseudonymizer // scrubs rejects; nil: unknown values are Dropped
	// archived: records come from the archive, already scrubbed; a reject
	// keeps the record as archived.
	archived bool
}

// NewPetitionParser returns a parser resolving units with units.
func NewPetitionParser(units *Units) *PetitionParser {
	return &PetitionParser{units: units, loc: HoChiMinh()}
}

// WithPII returns a copy of pp whose rejects hash, with pii, the values the
// petition allow-list does not keep (nil: they are dropped).
func (pp *PetitionParser) WithPII(pii *Pseudonymizer) *PetitionParser {
	c := *pp
	c.pii = pii
	return &c
}

// Archived returns a copy that reads records from the archive (raw_pages),
// already scrubbed: a reject keeps the record as it was archived instead
// of scrubbing it again.
func (pp *PetitionParser) Archived() *PetitionParser {
	c := *pp
	c.archived = true
	return &c
}

// Petition normalizes one record. Required: MaPAKN, NgayCapNhat, a unit that
// resolves on the received date; dates must parse. Errors are *RecordError.
func (pp *PetitionParser) Petition(raw []byte) (Petition, error) {
	var r struct {
		MaPAKN, MaHoSo, MaDonViHanhChinh, DonViXuLy json.RawMessage
		NgayTiepNhan, HanXuLy, NgayXuLyXong         json.RawMessage
		DanhGia, NgayCapNhat                        json.RawMessage
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return Petition{}, &RecordError{Kind: "petition", Field: "(record)", Reason: "not a JSON object: " + err.Error(), Err: ErrMalformed}
	}
	key := scalarValue(r.MaPAKN)
	fail := func(field string, v json.RawMessage, reason string, sentinel error) (Petition, error) {
		return Petition{}, &RecordError{Kind: "petition", Key: key, Field: field, Value: scalarValue(v), Reason: reason, Err: sentinel}
	}
	if f := nonScalar(namedValue{"MaPAKN", r.MaPAKN}, namedValue{"MaHoSo", r.MaHoSo}, namedValue{"MaDonViHanhChinh", r.MaDonViHanhChinh},
		namedValue{"DonViXuLy", r.DonViXuLy}, namedValue{"NgayTiepNhan", r.NgayTiepNhan}, namedValue{"HanXuLy", r.HanXuLy},
		namedValue{"NgayXuLyXong", r.NgayXuLyXong}, namedValue{"DanhGia", r.DanhGia}, namedValue{"NgayCapNhat", r.NgayCapNhat}); f != "" {
		return fail(f, nil, errNotScalar, ErrMalformed)
	}
	if key == "" {
		return fail("MaPAKN", r.MaPAKN, "required, missing or empty; expected the petition id", ErrMissingField)
	}
	p := Petition{PetitionID: cleanText(key), Source: "petitions"}
	p.DossierID, _ = flexString(r.MaHoSo)
	p.DossierID = cleanText(p.DossierID)
	var err error
	dates := []struct {
		field string
		v     json.RawMessage
		dst   **time.Time
	}{{"NgayTiepNhan", r.NgayTiepNhan, &p.ReceivedAt}, {"HanXuLy", r.HanXuLy, &p.DeadlineAt}, {"NgayXuLyXong", r.NgayXuLyXong, &p.HandledAt}}
	for _, d := range dates {
		s, _ := flexString(d.v)
		if *d.dst, err = ParseDate(s, pp.loc); err != nil {
			return fail(d.field, d.v, err.Error(), ErrBadDate)
		}
	}
	s, _ := flexString(r.NgayCapNhat)
	upd, err := ParseDate(s, pp.loc)
	if err != nil {
		return fail("NgayCapNhat", r.NgayCapNhat, err.Error(), ErrBadDate)
	}
	if upd == nil {
		return fail("NgayCapNhat", r.NgayCapNhat, "required: the incremental cursor", ErrMissingField)
	}
	p.UpdatedAt = *upd
	on := p.UpdatedAt
	if p.ReceivedAt != nil {
		on = *p.ReceivedAt
	}
	gso, _ := flexString(r.MaDonViHanhChinh)
	name, _ := flexString(r.DonViXuLy)
	name, parent, _ := strings.Cut(name, ",") // "UBND xã X, huyện Y": the parent tells apart shared names
	u, err := pp.units.ResolveIn(gso, "", name, strings.TrimSpace(parent), on)
	if err != nil {
		field, value := FieldUnitName, r.DonViXuLy
		if gso != "" {
			field, value = FieldUnitCode, r.MaDonViHanhChinh
		}
		return fail(field, value, err.Error(), ErrUnknownUnit)
	}
	p.UnitCode, p.UnitName = u.Code, u.Name
	if n, ok := flexNumber(r.DanhGia); ok && (n == 1 || n == 2) {
		p.Rating = uint8(n)
	}
	return p, nil
}

// Reject builds the reject of a petition. The portal's petition fields are
// not personal, but a petition can carry more (the petitioner's name, the
// text of the petition): Raw keeps only the allow-listed fields in clear
// (Pseudonymizer.ScrubRecord).
func (pp *PetitionParser) Reject(stage string, raw []byte, err error) Reject {
	if pp.archived {
		return NewReject("petitions", stage, raw, err)
	}
	return NewReject("petitions", stage, pp.pii.ScrubRecord("petitions", raw), err)
}
