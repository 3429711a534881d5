package transform

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"hash"
	"io"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// Scrubbing: what of a raw record may be stored (v_rejects.raw, the
// catalogue's raw column). It is an allow-list per source (Schema): a field
// known to be harmless keeps its scalar value; a known personal field is
// hashed with its kind; every other field — unknown keys such as
// HoTenNguoiNop, DiaChi or SoCCCD, attachment names and links, step
// contents — is hashed as KindOther, and so is a value whose shape is not the
// expected one (an object where a code was expected). Keys are matched as
// encoding/json matches them when decoding (foldKey: Unicode case folding, so
// "ſoDinhDanh" and "SODINHDANH" are SoDinhDanh), so a value the decoder reads
// as a field is scrubbed as that field. Without a key (a nil *Pseudonymizer)
// every value that would be hashed is replaced by Dropped.

// Dropped replaces a value that would be hashed when no personal-data key is
// configured.
const Dropped = "[dropped]"

// Schema is the allow-list of one kind of record. Immutable.
type Schema struct {
	fields map[string]schemaField // by foldKey(name)
	names  []string               // the fields as the contract spells them
}

// schemaField says what to do with one field's value.
type schemaField struct {
	kind string  // not "": hash with this kind
	list bool    // an array of scalars, kept
	elem *Schema // an object, or an array of objects, scrubbed with elem
}

// fieldSpec builds a Schema: keep lists the fields whose scalar values are
// kept; hashed maps fields to their kind; nested maps fields to the schema
// of their object(s); lists names arrays of scalars that are kept.
type fieldSpec struct {
	keep   []string
	hashed map[string]string
	nested map[string]*Schema
	lists  []string
}

func newSchema(f fieldSpec) *Schema {
	s := &Schema{fields: map[string]schemaField{}}
	s.names = append(append([]string{}, f.keep...), f.lists...)
	for k := range f.hashed {
		s.names = append(s.names, k)
	}
	for k := range f.nested {
		s.names = append(s.names, k)
	}
	for _, k := range f.keep {
		s.fields[foldKey(k)] = schemaField{}
	}
	for _, k := range f.lists {
		s.fields[foldKey(k)] = schemaField{list: true}
	}
	for k, kind := range f.hashed {
		s.fields[foldKey(k)] = schemaField{kind: kind}
	}
	for k, e := range f.nested {
		s.fields[foldKey(k)] = schemaField{elem: e}
	}
	return s
}

// foldKey folds a JSON key exactly as encoding/json does to match a field
// name case-insensitively (its foldName): ASCII letters upper-cased, any
// other rune replaced by the smallest rune of its simple-fold orbit — so the
// long s "ſ" is "S" and the Kelvin sign "K" is "K", while "İ" stays "İ".
func foldKey(k string) string {
	b := make([]byte, 0, len(k))
	for i := 0; i < len(k); {
		c := k[i]
		if c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			b = append(b, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(k[i:])
		b = utf8.AppendRune(b, foldRune(r))
		i += n
	}
	return string(b)
}

// foldRune returns the smallest rune of r's simple-fold orbit.
func foldRune(r rune) rune {
	for {
		r2 := unicode.SimpleFold(r)
		if r2 <= r {
			return r2
		}
		r = r2
	}
}

// The schemas of the portal's records (portal-api.md §1–§5). A file row is
// mapped to dossier fields and scrubbed as a dossier.
var (
	dossierSchema = newSchema(fieldSpec{
		keep: []string{"MaHoSo", "MaTTHC", "TenTTHC", "MaLinhVuc", "TenLinhVuc", "MaDonViHanhChinh", "MaCoQuan", "DonViXuLy",
			"KenhThucHien", "LoaiDoiTuong", "NgayNopHoSo", "NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy", "NgayTra", "NgayTuChoi",
			"TrangThaiHoSo", "HoSoCoThanhPhanSoHoa", "TaiKhoanDuocXacThucVoiVNeID", "DuocThanhToanTrucTuyen", "DanhGiaHaiLong", "NgayCapNhat"},
		hashed: map[string]string{"ChuHoSo": KindName, "SoDinhDanh": KindID, "SoDienThoai": KindPhone, "Email": KindEmail, "MaDoiTuong": KindAccount},
		nested: map[string]*Schema{
			"TaiLieuNop": newSchema(fieldSpec{
				keep:   []string{"MaThanhPhanHoSo", "DuocSoHoa", "DuocTaiSuDung", "DuocLayTuKhoDMQG", "MaKetQuaThayThe"},
				hashed: map[string]string{"TenTepDinhKem": KindOther, "DuongDanTaiTepTin": KindOther}}),
			"DanhSachLePhi": newSchema(fieldSpec{keep: []string{"MaPhiLePhi", "TenPhiLePhi", "Gia"}}),
			"DanhSachGiayToKetQua": newSchema(fieldSpec{keep: []string{"MaGiayToKetQua"},
				hashed: map[string]string{"TenGiayTo": KindOther, "DuongDanTepTinKetQua": KindOther}}),
			"DanhSachHoSoBoSung": newSchema(fieldSpec{keep: []string{"NgayYeuCauBoSung", "NgayTiepNhanBoSung", "NgayHenTraMoi"}}),
			"QuaTrinhXuLy": newSchema(fieldSpec{keep: []string{"ThoiDiemXuLy", "TrangThai", "PhongBanXuLy", "ThoiDiemDongBo"},
				hashed: map[string]string{"NguoiXuLy": KindStaff, "NoiDungXuLy": KindText}}),
			"DongBoDVCQG": newSchema(fieldSpec{keep: []string{"DaDongBo", "ThoiDiemDongBo", "MaLoi"}}),
		},
	})
	petitionSchema = newSchema(fieldSpec{keep: []string{"MaPAKN", "MaHoSo", "MaDonViHanhChinh", "DonViXuLy", "NgayTiepNhan",
		"HanXuLy", "NgayXuLyXong", "DanhGia", "NgayCapNhat"}})
	procedureSchema = newSchema(fieldSpec{
		keep: []string{"MaTTHC", "TenTTHC", "MaLinhVuc", "ThoiHanGiaiQuyet", "CoPhiLePhi", "MucDoDVC", "KetQuaLaGiayTo",
			"NgayHieuLucCanCu", "NgayCongKhai", "NoiDungDayDu", "NhomLienThong", "ChungThucDienTu"},
		lists: []string{"CapThucHien"},
		nested: map[string]*Schema{
			"LichSuThoiHan":   newSchema(fieldSpec{keep: []string{"ThoiHan", "TuNgay", "QuyetDinh"}}),
			"QuyetDinhCongBo": newSchema(fieldSpec{keep: []string{"So", "Ngay"}}),
		},
	})
	emptySchema      = newSchema(fieldSpec{})
	bcqgSchema       = newSchema(fieldSpec{keep: []string{"error_code", "message", "unit", "period", "received"}})
	evaluationSchema = newSchema(fieldSpec{
		keep: []string{"error_code", "message", "unit", "period"},
		nested: map[string]*Schema{"groups": newSchema(fieldSpec{
			keep:   []string{"code", "score", "max"},
			nested: map[string]*Schema{"metrics": newSchema(fieldSpec{keep: []string{"code", "score", "max", "ratio"}})},
		})},
	})
)

// ScrubJSON scrubs a dossier (or a file row mapped to dossier fields).
func (p *Pseudonymizer) ScrubJSON(raw []byte) []byte { return p.scrub(dossierSchema, raw, nil) }

// ScrubRecord scrubs a record of source ("dossiers", "files", "petitions",
// "procedures", "bcqg", "evaluation"); a record of any other source keeps
// no value in clear. p may be nil (no key configured): values are Dropped.
func (p *Pseudonymizer) ScrubRecord(source string, raw []byte) []byte {
	return p.scrub(schemaOf(source), raw, nil)
}

// FieldVisit is told each top-level field of a record being scrubbed: its
// name as stored (an unknown key that could be personal is hashed, see
// keyName), the JSON type of the value as received (JSONType) and the value
// as stored, scrubbed. scrubbed is only valid during the call.
type FieldVisit func(field, jsonType string, scrubbed []byte)

// ScrubRecordVisit scrubs like ScrubRecord and tells visit every top-level
// field of the record (schema drift is counted from it).
func (p *Pseudonymizer) ScrubRecordVisit(source string, raw []byte, visit FieldVisit) []byte {
	return p.scrub(schemaOf(source), raw, visit)
}

// ScrubRecordTo is ScrubRecordVisit writing into out (visit may be nil):
// the archive scrubs a page's records into one buffer.
func (p *Pseudonymizer) ScrubRecordTo(out *bytes.Buffer, source string, raw []byte, visit FieldVisit) {
	s := schemaOf(source)
	start := out.Len()
	if p.scrubFast(out, s, raw, visit) {
		return
	}
	out.Truncate(start)
	var tmp bytes.Buffer
	out.Write(p.scrubSlow(&tmp, s, raw, visit))
}

// KnownFields are the top-level fields of a source's records that its
// contract (portal-api.md) names, in no order.
func KnownFields(source string) []string {
	return append([]string(nil), schemaOf(source).names...)
}

// JSONType names the type of a JSON value by its first byte: "string",
// "number", "bool", "null", "object" or "array".
func JSONType(v []byte) string {
	if len(v) == 0 {
		return "null"
	}
	switch v[0] {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "bool"
	case 'n':
		return "null"
	}
	return "number"
}

func schemaOf(source string) *Schema {
	switch source {
	case "dossiers", "files":
		return dossierSchema
	case "petitions":
		return petitionSchema
	case "procedures":
		return procedureSchema
	case "bcqg":
		return bcqgSchema
	case "evaluation":
		return evaluationSchema
	}
	return emptySchema
}

// scrub returns raw with only what s allows in clear: key order and kept
// values are preserved, every other value is hashed (or Dropped when p is
// nil). If raw is not valid JSON nothing of it can be kept safely, so the
// result is {"unparseable":true,"sha256":"<HMAC-SHA256 of raw>","length":N}
// (without the digest when p is nil); the digest is keyed because a short
// fragment (a bare ID) would otherwise be brute-forceable.
func (p *Pseudonymizer) scrub(s *Schema, raw []byte, visit FieldVisit) []byte {
	var out bytes.Buffer
	out.Grow(len(raw))
	if p.scrubFast(&out, s, raw, visit) {
		return out.Bytes()
	}
	out.Reset()
	return p.scrubSlow(&out, s, raw, visit)
}

// scrubSlow is scrub on the encoding/json path: every record the fast path
// refuses, and the reference the fast path is tested against.
func (p *Pseudonymizer) scrubSlow(out *bytes.Buffer, s *Schema, raw []byte, visit FieldVisit) []byte {
	if !json.Valid(raw) {
		return p.unparseable(raw)
	}
	v := bytes.TrimSpace(raw)
	var err error
	if visit != nil && len(v) > 0 && v[0] == '{' {
		err = p.scrubObject(out, v, s, visit)
	} else {
		err = p.scrubRaw(out, v, s)
	}
	if err != nil {
		return p.unparseable(raw)
	}
	return out.Bytes()
}

func (p *Pseudonymizer) unparseable(raw []byte) []byte {
	if p == nil {
		return []byte(`{"unparseable":true,"length":` + strconv.Itoa(len(raw)) + `}`)
	}
	h := p.pool.Get().(hash.Hash)
	h.Reset()
	io.WriteString(h, "raw")
	h.Write([]byte{0})
	h.Write(raw)
	sum := hex.EncodeToString(h.Sum(nil))
	p.pool.Put(h)
	return []byte(`{"unparseable":true,"sha256":"` + sum + `","length":` + strconv.Itoa(len(raw)) + `}`)
}

// scrubRaw writes the valid JSON value v under schema s: an object is
// filtered field by field, an array element by element (with the same
// schema), and a bare scalar — which no schema describes — is hashed.
func (p *Pseudonymizer) scrubRaw(out *bytes.Buffer, v []byte, s *Schema) error {
	switch {
	case len(v) == 0:
		return errors.New("empty value")
	case v[0] == '{':
		return p.scrubObject(out, v, s, nil)
	case v[0] == '[':
		return p.eachElement(out, v, func(el []byte) error { return p.scrubRaw(out, el, s) })
	}
	return p.writeHashed(out, KindOther, v)
}

// scrubObject writes the object v under s, telling visit (if set) each
// field.
func (p *Pseudonymizer) scrubObject(out *bytes.Buffer, v []byte, s *Schema, visit FieldVisit) error {
	dec := json.NewDecoder(bytes.NewReader(v))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil {
		return err
	}
	out.WriteByte('{')
	for i := 0; dec.More(); i++ {
		kt, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := kt.(string)
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			return err
		}
		if i > 0 {
			out.WriteByte(',')
		}
		f, known := s.fields[foldKey(key)]
		stored := key
		if !known {
			stored = p.keyName(key)
		}
		writeJSONString(out, stored)
		out.WriteByte(':')
		val = bytes.TrimSpace(val)
		at := out.Len()
		switch {
		case !known:
			err = p.writeHashed(out, KindOther, val)
		case f.kind != "":
			err = p.writeHashed(out, f.kind, val)
		case f.elem != nil && (val[0] == '{' || val[0] == '['):
			err = p.scrubRaw(out, val, f.elem)
		case f.list && val[0] == '[':
			err = p.eachElement(out, val, func(el []byte) error { return p.writeScalar(out, el) })
		default:
			err = p.writeScalar(out, val)
		}
		if err != nil {
			return err
		}
		if visit != nil {
			visit(stored, JSONType(val), out.Bytes()[at:])
		}
	}
	out.WriteByte('}')
	return nil
}

// eachElement writes the array v, each element through fn.
func (p *Pseudonymizer) eachElement(out *bytes.Buffer, v []byte, fn func(el []byte) error) error {
	dec := json.NewDecoder(bytes.NewReader(v))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil {
		return err
	}
	out.WriteByte('[')
	for i := 0; dec.More(); i++ {
		var el json.RawMessage
		if err := dec.Decode(&el); err != nil {
			return err
		}
		if i > 0 {
			out.WriteByte(',')
		}
		if err := fn(bytes.TrimSpace(el)); err != nil {
			return err
		}
	}
	out.WriteByte(']')
	return nil
}

// writeScalar keeps an allowed field's scalar value; an object or array
// where a scalar was expected is hashed whole.
func (p *Pseudonymizer) writeScalar(out *bytes.Buffer, v []byte) error {
	switch v[0] {
	case '{', '[':
		return p.writeHashed(out, KindOther, v)
	case '"':
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return err
		}
		writeJSONString(out, s)
	default:
		out.Write(v) // number, true, false, null: as received
	}
	return nil
}

// writeHashed writes the hash of v (a string's text, else its JSON text);
// null and "" stay as they are, since they hold nothing.
func (p *Pseudonymizer) writeHashed(out *bytes.Buffer, kind string, v []byte) error {
	text := string(v)
	switch {
	case string(v) == "null" || string(v) == `""`:
		out.Write(v)
		return nil
	case v[0] == '"':
		if err := json.Unmarshal(v, &text); err != nil {
			return err
		}
	}
	if p == nil {
		writeJSONString(out, Dropped)
		return nil
	}
	writeJSONString(out, p.Hash(kind, text))
	return nil
}

// keyName returns an unknown key as it may be stored: a plain field name
// (letters, digits, "_", at most 64 bytes, fewer than five digits) is kept
// so the payload stays readable; anything else — a key that could itself be
// an ID number, an e-mail or a name with spaces — is replaced by "#" and a
// short keyed hash.
func (p *Pseudonymizer) keyName(k string) string {
	digits := 0
	plain := k != "" && len(k) <= 64
	for _, r := range k {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '_' || unicode.IsLetter(r):
		default:
			plain = false
		}
	}
	if plain && digits < 5 {
		return k
	}
	h := ""
	if p != nil {
		h = p.Hash(KindOther, "key\x00"+k)
	}
	if len(h) < 16 {
		return "#key"
	}
	return "#" + h[:16]
}
