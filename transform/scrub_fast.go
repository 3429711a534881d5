package transform

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"

	"github.com/dvcindex/dvcindex/internal/jsonscan"
)

// The fast scrubber: the same output as scrubObject/scrubRaw (the
// encoding/json path) in one pass over the bytes with internal/jsonscan,
// without a decoder. It handles records whose keys are plain ASCII without
// escapes (every record the portal sends); for anything else it reports
// false and scrub falls back to the encoding/json path, so the output never
// depends on which path ran. TestScrubFastMatchesSlow and FuzzScrubFastPath hold
// the two paths equal.

// maxFastKey is the longest key the fast path matches; a longer key falls
// back.
const maxFastKey = 64

// maxFastDepth is the deepest nesting the fast path follows; deeper
// records (no portal record nests past 3) fall back, so that the work per
// record stays linear in its size.
const maxFastDepth = 16

// fastVisit is a visit held back until the whole record scrubbed on the
// fast path (a fallback must not count a field twice).
type fastVisit struct {
	field, typ string
	from, to   int // the scrubbed value in the output
}

// scrubFast scrubs the object raw under s into out, telling visit each
// top-level field. false: out is unusable, fall back.
func (p *Pseudonymizer) scrubFast(out *bytes.Buffer, s *Schema, raw []byte, visit FieldVisit) bool {
	sc := jsonscan.Scanner{B: raw}
	sc.SkipWS()
	if sc.I >= len(raw) || raw[sc.I] != '{' {
		return false
	}
	var visits []fastVisit
	if visit != nil {
		visits = make([]fastVisit, 0, 48)
	}
	if !p.fastObject(out, &sc, s, &visits, 0) || !sc.AtEnd() {
		return false
	}
	b := out.Bytes()
	for _, v := range visits {
		visit(v.field, v.typ, b[v.from:v.to])
	}
	return true
}

// fastObject scrubs the object at sc. visits, if not nil, receives its
// members (the top level only: nested calls pass nil).
func (p *Pseudonymizer) fastObject(out *bytes.Buffer, sc *jsonscan.Scanner, s *Schema, visits *[]fastVisit, depth int) bool {
	if depth > maxFastDepth {
		return false
	}
	out.WriteByte('{')
	n := 0
	ok := sc.Members(func(key []byte, escaped bool, sc *jsonscan.Scanner) bool {
		var up [maxFastKey]byte
		if escaped || len(key) > maxFastKey || !upperASCII(key, up[:]) {
			return false
		}
		val, ok := sc.Value()
		if !ok {
			return false
		}
		if n > 0 {
			out.WriteByte(',')
		}
		n++
		f, known := s.fields[string(up[:len(key)])]
		stored := string(key)
		if !known {
			stored = p.keyName(stored)
		}
		writeJSONString(out, stored)
		out.WriteByte(':')
		at := out.Len()
		if !p.fastValue(out, val, f, known, depth) {
			return false
		}
		if visits != nil && *visits != nil {
			*visits = append(*visits, fastVisit{field: stored, typ: JSONType(val), from: at, to: out.Len()})
		}
		return true
	})
	out.WriteByte('}')
	return ok
}

// fastValue writes one member's value as scrubObject does.
func (p *Pseudonymizer) fastValue(out *bytes.Buffer, val []byte, f schemaField, known bool, depth int) bool {
	switch {
	case !known:
		return p.fastHashed(out, KindOther, val)
	case f.kind != "":
		return p.fastHashed(out, f.kind, val)
	case f.elem != nil && (val[0] == '{' || val[0] == '['):
		return p.fastRaw(out, val, f.elem, depth+1)
	case f.list && val[0] == '[':
		return p.fastElements(out, val, depth+1, func(el []byte) bool { return p.fastScalar(out, el) })
	}
	return p.fastScalar(out, val)
}

// fastRaw is scrubRaw: an object filtered, an array element by element, a
// scalar hashed.
func (p *Pseudonymizer) fastRaw(out *bytes.Buffer, v []byte, s *Schema, depth int) bool {
	switch v[0] {
	case '{':
		sc := jsonscan.Scanner{B: v}
		return p.fastObject(out, &sc, s, nil, depth)
	case '[':
		return p.fastElements(out, v, depth, func(el []byte) bool { return p.fastRaw(out, el, s, depth+1) })
	}
	return p.fastHashed(out, KindOther, v)
}

// fastElements writes the array v, each element through fn.
func (p *Pseudonymizer) fastElements(out *bytes.Buffer, v []byte, depth int, fn func(el []byte) bool) bool {
	if depth > maxFastDepth {
		return false
	}
	sc := jsonscan.Scanner{B: v}
	out.WriteByte('[')
	n := 0
	ok := sc.Array(func(el []byte) bool {
		if n > 0 {
			out.WriteByte(',')
		}
		n++
		return fn(el)
	})
	out.WriteByte(']')
	return ok
}

// fastScalar is writeScalar.
func (p *Pseudonymizer) fastScalar(out *bytes.Buffer, v []byte) bool {
	switch v[0] {
	case '{', '[':
		return p.fastHashed(out, KindOther, v)
	case '"':
		if plainString(v) {
			out.Write(v) // writeJSONString would write these bytes unchanged
			return true
		}
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return false
		}
		writeJSONString(out, s)
		return true
	}
	out.Write(v)
	return true
}

// fastHashed is writeHashed.
func (p *Pseudonymizer) fastHashed(out *bytes.Buffer, kind string, v []byte) bool {
	if string(v) == "null" || string(v) == `""` {
		out.Write(v)
		return true
	}
	text := string(v)
	if v[0] == '"' {
		if bytes.IndexByte(v, '\\') >= 0 || !utf8.Valid(v) {
			if err := json.Unmarshal(v, &text); err != nil {
				return false
			}
		} else {
			text = string(v[1 : len(v)-1])
		}
	}
	if p == nil {
		writeJSONString(out, Dropped)
		return true
	}
	writeJSONString(out, p.Hash(kind, text))
	return true
}

// plainString reports a JSON string literal that writeJSONString would
// reproduce byte for byte: no escape, valid UTF-8, none of U+2028, U+2029
// and U+FFFD (which it escapes).
func plainString(v []byte) bool {
	body := v[1 : len(v)-1]
	for i := 0; i < len(body); {
		c := body[i]
		if c < utf8.RuneSelf {
			if c == '\\' || c < 0x20 {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(body[i:])
		if r == utf8.RuneError || r == '\u2028' || r == '\u2029' {
			return false
		}
		i += size
	}
	return true
}

// upperASCII upper-cases the ASCII key k into buf (foldKey for ASCII);
// false for a key that is not ASCII (Unicode folding: the slow path).
func upperASCII(k []byte, buf []byte) bool {
	for i, c := range k {
		if c >= utf8.RuneSelf {
			return false
		}
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		buf[i] = c
	}
	return true
}
