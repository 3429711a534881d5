package simulator

import (
	"strconv"
	"time"
)

// Schema drift (Options.SchemaDriftAt): real exports change shape without
// notice. From SchemaDriftAt on, every dossier
//   - carries a key the contract does not name (MaBienNhan, the receipt
//     number),
//   - has SoDienThoai renamed to DienThoai (an unknown key: the phone is no
//     longer read, and its value is personal),
//   - has KenhThucHien served as a string ("2") instead of a number.
//
// It draws nothing from the PRNG, so the rest of the data is unchanged.

// schemaDrift applies the drift to dossier i updated at u, and returns pii
// with the renamed phone appended.
func (s *Simulator) schemaDrift(i int, u time.Time, d *dossier, pii []string) []string {
	at := s.opts.SchemaDriftAt
	if at.IsZero() || u.Before(at) {
		return pii
	}
	d.extra = append(d.extra, extraField{key: "MaBienNhan", value: "BN-" + strconv.Itoa(100000+i)})
	if d.SoDienThoai.k == present && d.SoDienThoai.v != "" {
		d.extra = append(d.extra, extraField{key: "DienThoai", value: d.SoDienThoai.v})
		pii = append(pii, d.SoDienThoai.v)
	}
	d.SoDienThoai = ostr{}
	d.kenhText = true
	return pii
}
