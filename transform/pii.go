package transform

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Kinds of personal data; the kind selects the canonical form and separates
// the hash domains, so equal strings of different kinds do not link.
const (
	KindName    = "name"    // ChuHoSo
	KindID      = "id"      // SoDinhDanh
	KindPhone   = "phone"   // SoDienThoai
	KindEmail   = "email"   // Email
	KindAccount = "account" // MaDoiTuong
	// KindStaff is the official who handled a step (NguoiXuLy). Staff are
	// people too, and the simulator's and real exports' staff names are drawn
	// from the same names as owners': keeping them plain would put owners'
	// names in the warehouse whenever they coincide. The hash still lets an
	// office group steps by handler.
	KindStaff = "staff"
	// KindText is free text written about a person's case (NoiDungXuLy,
	// the content of a step): clerks write names and ID numbers into it.
	KindText = "text"
	// KindOther is any value the scrubber does not know to be harmless: an
	// unknown field (HoTenNguoiNop, DiaChi, SoCCCD…), an attachment's name
	// or link, or a value of an unexpected shape.
	KindOther = "other"
)

// ErrNoKey is returned by NewPseudonymizer for an empty key.
var ErrNoKey = errors.New("pii: empty key; set pii.key (DVC_PII_KEY)")

// Pseudonymizer replaces personal data by keyed hashes (HMAC-SHA256).
//
// The hash is keyed because the inputs are tiny spaces: a CCCD is 12 digits,
// a phone 10; an unkeyed SHA-256 of every possible ID can be computed in
// hours, which would turn the "anonymous" column back into ID numbers. With a
// secret key the same person still gets the same hash (so dossiers can be
// linked and counted) but nobody without the key can reverse it.
//
// Safe for concurrent use.
type Pseudonymizer struct {
	pool sync.Pool // of hash.Hash; HMAC state is reset per use
}

// NewPseudonymizer returns a Pseudonymizer for key; an empty key is an error
// (ErrNoKey) rather than a silent unkeyed hash.
func NewPseudonymizer(key []byte) (*Pseudonymizer, error) {
	if len(key) == 0 {
		return nil, ErrNoKey
	}
	k := append([]byte(nil), key...)
	p := &Pseudonymizer{}
	p.pool.New = func() any { return hmac.New(sha256.New, k) }
	return p, nil
}

// Hash returns the 64-hex-character HMAC of the canonical form of value, or
// "" when value is empty. Canonical forms make the same person hash the same
// however the clerk typed it: ID numbers keep digits only; phones keep digits
// with +84/84 turned into the leading 0; emails are lower-cased; names are
// case-folded with whitespace collapsed; all are trimmed and NFC.
func (p *Pseudonymizer) Hash(kind, value string) string {
	c := canonicalPII(kind, value)
	if c == "" {
		return ""
	}
	return p.mac(kind, "\x00", c)
}

// IsHash reports whether s has the form of a Hash: 64 lower-case hex
// characters. A clear personal value never has it (names have spaces or
// letters past f, ID numbers and phones are shorter, e-mails have an @).
func IsHash(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// mac is the primitive under Hash: the lower-case hex HMAC-SHA256, under the
// key, of the concatenation of parts (64 characters, not truncated).
func (p *Pseudonymizer) mac(parts ...string) string {
	h := p.pool.Get().(hash.Hash)
	h.Reset()
	for _, s := range parts {
		io.WriteString(h, s)
	}
	var sum [sha256.Size]byte
	out := hex.EncodeToString(h.Sum(sum[:0]))
	p.pool.Put(h)
	return out
}

func canonicalPII(kind, value string) string {
	v := cleanText(value)
	if v == "" {
		return ""
	}
	switch kind {
	case KindID, KindPhone:
		d := digitsOnly(v)
		if d == "" {
			// Not a number at all: still hash it (never drop a value) in a
			// form that cannot collide with a digits-only canonical value.
			return "raw:" + strings.ToLower(v)
		}
		if kind == KindPhone {
			switch {
			case strings.HasPrefix(d, "0084"):
				d = "0" + d[4:]
			case strings.HasPrefix(d, "84") && (strings.HasPrefix(strings.TrimSpace(v), "+") || len(d) == 11):
				d = "0" + d[2:]
			}
		}
		return d
	case KindEmail:
		return strings.ToLower(v)
	case KindName, KindStaff:
		return strings.Join(strings.FieldsFunc(cases.Fold().String(v), isSpaceOrFormat), " ")
	default:
		return v
	}
}

func digitsOnly(s string) string {
	s = norm.NFKC.String(s) // full-width digits
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// writeJSONString writes s quoted without HTML escaping, so Vietnamese and
// URLs stay readable in v_rejects.raw.
func writeJSONString(out *bytes.Buffer, s string) {
	out.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			out.WriteString(`\"`)
		case r == '\\':
			out.WriteString(`\\`)
		case r == '\n':
			out.WriteString(`\n`)
		case r == '\r':
			out.WriteString(`\r`)
		case r == '\t':
			out.WriteString(`\t`)
		case r < 0x20 || r == '\u2028' || r == '\u2029':
			out.WriteString(`\u`)
			const hexd = "0123456789abcdef"
			out.WriteByte(hexd[r>>12&0xf])
			out.WriteByte(hexd[r>>8&0xf])
			out.WriteByte(hexd[r>>4&0xf])
			out.WriteByte(hexd[r&0xf])
		case r == unicode.ReplacementChar:
			out.WriteString(`\ufffd`)
		default:
			out.WriteRune(r)
		}
	}
	out.WriteByte('"')
}
