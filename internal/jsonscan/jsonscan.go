// Package jsonscan is a small validating JSON scanner for the hot paths of
// the pipeline (a page of the portal, a dossier). It walks a document once,
// checks it against the JSON grammar and hands out the byte ranges of object
// members and array elements, without decoding or allocating.
//
// It is deliberately conservative: whenever it reports success the input is
// valid JSON in the sense of encoding/json.Valid, but it may refuse valid
// input it does not care to handle (very deep nesting). Callers keep an
// encoding/json path for whatever it refuses, so their behaviour, error
// messages included, stays that of encoding/json.
package jsonscan

// maxDepth bounds the nesting the scanner follows (encoding/json allows
// 10000); deeper documents are refused, and callers fall back.
const maxDepth = 1000

// Scanner reads B from I.
type Scanner struct {
	B     []byte
	I     int
	depth int
}

// isWS reports JSON whitespace (exactly encoding/json's set).
func isWS(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// SkipWS advances past whitespace.
func (s *Scanner) SkipWS() {
	for s.I < len(s.B) && isWS(s.B[s.I]) {
		s.I++
	}
}

// AtEnd reports whether only whitespace is left.
func (s *Scanner) AtEnd() bool {
	s.SkipWS()
	return s.I == len(s.B)
}

// Valid reports whether b is one valid JSON value (possibly surrounded by
// whitespace). false may also mean "deeper than this scanner follows".
func Valid(b []byte) bool {
	s := Scanner{B: b}
	if _, ok := s.Value(); !ok {
		return false
	}
	return s.AtEnd()
}

// Value validates the value at I (after optional whitespace), leaves I just
// past it and returns its bytes.
func (s *Scanner) Value() ([]byte, bool) {
	s.SkipWS()
	if s.I >= len(s.B) {
		return nil, false
	}
	start := s.I
	var ok bool
	switch c := s.B[s.I]; {
	case c == '"':
		_, ok = s.str()
	case c == '{':
		ok = s.Object(nil)
	case c == '[':
		ok = s.Array(nil)
	case c == 't':
		ok = s.lit("true")
	case c == 'f':
		ok = s.lit("false")
	case c == 'n':
		ok = s.lit("null")
	case c == '-' || (c >= '0' && c <= '9'):
		ok = s.num()
	}
	if !ok {
		return nil, false
	}
	return s.B[start:s.I:s.I], true
}

func (s *Scanner) lit(w string) bool {
	if len(s.B)-s.I < len(w) || string(s.B[s.I:s.I+len(w)]) != w {
		return false
	}
	s.I += len(w)
	return true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// num validates -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *Scanner) num() bool {
	b, i := s.B, s.I
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	default:
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || !isDigit(b[i]) {
			return false
		}
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || !isDigit(b[i]) {
			return false
		}
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	}
	s.I = i
	return true
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// str validates the string at I (which is '"'), leaves I past the closing
// quote and reports whether it held an escape. Bytes ≥ 0x80 are accepted
// whatever their UTF-8 validity, as encoding/json does.
func (s *Scanner) str() (escaped, ok bool) {
	b, i := s.B, s.I+1
	for {
		// The common bytes first, in a tight loop.
		for i < len(b) && !strStop[b[i]] {
			i++
		}
		if i >= len(b) {
			return false, false
		}
		switch c := b[i]; {
		case c == '"':
			s.I = i + 1
			return escaped, true
		case c == '\\':
			escaped = true
			i++
			if i >= len(b) {
				return false, false
			}
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i++
			case 'u':
				if len(b)-i < 5 || !isHex(b[i+1]) || !isHex(b[i+2]) || !isHex(b[i+3]) || !isHex(b[i+4]) {
					return false, false
				}
				i += 5
			default:
				return false, false
			}
		default: // a control character
			return false, false
		}
	}
}

// strStop marks the bytes that end the plain run of a string: the quote,
// the backslash and the control characters (invalid unescaped).
var strStop = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

// Object validates the object at I (after optional whitespace) and calls fn,
// if not nil, for each member in order with the key's raw bytes (between the
// quotes, escapes not decoded), whether the key holds an escape, and the
// value's bytes. fn returning false stops the scan with false.
func (s *Scanner) Object(fn func(key []byte, escaped bool, val []byte) bool) bool {
	return s.Members(func(key []byte, escaped bool, s *Scanner) bool {
		val, ok := s.Value()
		if !ok {
			return false
		}
		return fn == nil || fn(key, escaped, val)
	})
}

// Members is Object for callers that read the values themselves: fn is
// called with the scanner at each member's value and must consume exactly
// that value (with Value, Object, Array or Members) or return false.
func (s *Scanner) Members(fn func(key []byte, escaped bool, s *Scanner) bool) bool {
	empty, ok := s.open('{', '}')
	if !ok || empty {
		return ok
	}
	for {
		s.SkipWS()
		if s.I >= len(s.B) || s.B[s.I] != '"' {
			return false
		}
		ks := s.I
		esc, ok := s.str()
		if !ok {
			return false
		}
		key := s.B[ks+1 : s.I-1]
		s.SkipWS()
		if s.I >= len(s.B) || s.B[s.I] != ':' {
			return false
		}
		s.I++
		s.SkipWS()
		if !fn(key, esc, s) {
			return false
		}
		if done, ok := s.next('}'); !ok || done {
			return ok
		}
	}
}

// Array validates the array at I (after optional whitespace) and calls fn,
// if not nil, with each element's bytes. fn returning false stops the scan
// with false.
func (s *Scanner) Array(fn func(val []byte) bool) bool {
	return s.Elements(func(s *Scanner) bool {
		val, ok := s.Value()
		if !ok {
			return false
		}
		return fn == nil || fn(val)
	})
}

// Elements is Array for callers that read the elements themselves: fn is
// called with the scanner at each element and must consume exactly that
// value or return false.
func (s *Scanner) Elements(fn func(s *Scanner) bool) bool {
	empty, ok := s.open('[', ']')
	if !ok || empty {
		return ok
	}
	for {
		s.SkipWS()
		if !fn(s) {
			return false
		}
		if done, ok := s.next(']'); !ok || done {
			return ok
		}
	}
}

// open enters the object or array opening with op at I (after optional
// whitespace). empty reports a container closed at once by cl.
func (s *Scanner) open(op, cl byte) (empty, ok bool) {
	s.SkipWS()
	if s.I >= len(s.B) || s.B[s.I] != op {
		return false, false
	}
	if s.depth++; s.depth > maxDepth {
		return false, false
	}
	s.I++
	s.SkipWS()
	if s.I < len(s.B) && s.B[s.I] == cl {
		s.I++
		s.depth--
		return true, true
	}
	return false, true
}

// next reads what follows a member or element: a ',' (done false) or the
// closing cl (done true, leaving the container); anything else is not JSON.
func (s *Scanner) next(cl byte) (done, ok bool) {
	s.SkipWS()
	if s.I >= len(s.B) {
		return false, false
	}
	switch s.B[s.I] {
	case ',':
		s.I++
		return false, true
	case cl:
		s.I++
		s.depth--
		return true, true
	}
	return false, false
}

// FoldKey lower-cases the ASCII letters of key k into buf and returns the
// result; equal results mean encoding/json would match the two names (it
// folds ASCII letters only). A key longer than buf yields (nil, true): it
// matches no name shorter than buf. ok is false when k is not ASCII: such a
// key may still fold onto an ASCII name under Unicode folding (the Kelvin
// sign, the long s), so callers must fall back to encoding/json.
func FoldKey(k []byte, buf []byte) (folded []byte, ok bool) {
	for _, c := range k {
		if c >= 0x80 {
			return nil, false
		}
	}
	if len(k) > len(buf) {
		return nil, true
	}
	for i, c := range k {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return buf[:len(k)], true
}
