package simulator

import "strconv"

// Extra personal data (Options.ExtraPII): real exports carry fields the
// contract does not list, and some of them are personal — the submitter's
// name and address, a second ID number — spelled in whatever case (and, in
// one export seen, with a long s: "ſoCCCD", which encoding/json still
// matches to SoCCCD). With ExtraPII every record carries such fields, the
// owner's name is written into a step's free text (NoiDungXuLy) and an
// attachment's file name, SoDinhDanh is sometimes spelled "ſoDinhDanh", and
// some petitions are deliberately invalid so that their raw payload reaches
// the rejects. Every value is listed in Truth.PII / PetitionTruth.PII.
//
// The values come from a PRNG stream of their own, so the rest of a record
// is byte-identical with and without ExtraPII.

// extraSalt separates the extra streams from the dossiers' and petitions'.
const extraSalt = 0x4558_5452_4150_4949

// extraField is one more key of a served record.
type extraField struct {
	key, value string
	object     bool // value is written as {"GhiChu": value}
}

// extraPII adds the extra personal fields to dossier i (when enabled) and
// returns pii with their values appended.
func (s *Simulator) extraPII(i int, d *dossier, pii []string) []string {
	if !s.opts.ExtraPII {
		return pii
	}
	var g genState
	r := g.seed(s.opts.Seed^extraSalt, i)
	name, _ := personName(r)
	addr := "Số " + strconv.Itoa(10+r.IntN(890)) + " đường " + pick(r, surnames) + " " + pick(r, givenMale) + ", thôn An Dưỡng"
	cccd := "0" + digits(r, 11)
	phone := "09" + digits(r, 8)
	nameKey := "HoTenNguoiNop"
	if r.IntN(2) == 0 {
		nameKey = "HOTENNGUOINOP"
	}
	d.extra = append(d.extra[:0],
		extraField{key: nameKey, value: name},
		extraField{key: "DiaChi", value: addr},
		extraField{key: "ſoCCCD", value: cccd},
		extraField{key: "SoDienThoaiNguoiNop", value: phone},
		extraField{key: "ThongTinKhac", value: "Người nộp thay: " + name, object: true})
	pii = append(pii, name, addr, cccd, phone)
	if d.SoDinhDanh.k == present && r.IntN(100) < 30 {
		d.extra = append(d.extra, extraField{key: "ſoDinhDanh", value: d.SoDinhDanh.v})
		d.SoDinhDanh = ostr{}
	}
	if owner := d.ChuHoSo.v; d.ChuHoSo.k == present && owner != "" {
		for k := range d.QuaTrinhXuLy {
			if k == 0 {
				d.QuaTrinhXuLy[k].noiDung = "Tiếp nhận hồ sơ của " + owner
				pii = append(pii, d.QuaTrinhXuLy[k].noiDung)
			}
		}
		if len(d.TaiLieuNop) > 0 {
			d.TaiLieuNop[0].ten = "CCCD " + owner + ".pdf"
			pii = append(pii, d.TaiLieuNop[0].ten)
		}
	}
	return pii
}

// extraPetitionPII adds the extra personal fields to petition j (when
// enabled); about one petition in twelve names a unit that exists nowhere,
// so it is rejected with its payload. It returns the values and whether the
// petition was made invalid.
func (s *Simulator) extraPetitionPII(j int, p *petition) (pii []string, invalid bool) {
	if !s.opts.ExtraPII {
		return nil, false
	}
	var g genState
	r := g.seed(s.opts.Seed^extraSalt^petitionSalt, j)
	name, _ := personName(r)
	text := "Ông/bà " + name + " phản ánh chậm trả kết quả, số điện thoại 09" + digits(r, 8)
	p.extra = append(p.extra[:0],
		extraField{key: "HoTenNguoiGui", value: name},
		extraField{key: "NOIDUNGPHANANH", value: text},
		extraField{key: "ſoCCCDNguoiGui", value: "0" + digits(r, 11)})
	pii = []string{name, text, p.extra[2].value}
	if r.IntN(12) == 0 {
		p.MaDonViHanhChinh = ostr{}
		p.DonViXuLy = str(nowhereUnit)
		invalid = true
	}
	return pii, invalid
}

// writeExtra writes the extra fields of a record.
func (e *enc) writeExtra(extra []extraField) {
	for _, x := range extra {
		if !x.object {
			e.s(x.key, x.value)
			continue
		}
		e.key(x.key)
		e.open()
		e.s("GhiChu", x.value)
		e.close()
	}
}
