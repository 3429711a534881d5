package extract

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"github.com/dvcindex/dvcindex/internal/jsonscan"
)

// decodePage decodes a page body in one validating pass
// (internal/jsonscan): the envelope and the page fields, and the records as
// sub-slices of body (capped, so appending to one cannot overwrite the
// next) instead of copies. It returns false, leaving p to be reset by the
// caller, for anything it does not decode exactly as encoding/json would —
// invalid or truncated JSON, a body that is not an object, keys with escapes
// or non-ASCII letters, fields of unexpected types — and the caller then
// takes the encoding/json path, so that validation, retry decisions and
// error messages are unchanged.
func decodePage(body []byte, p *pageBody) bool {
	s := jsonscan.Scanner{B: body}
	s.SkipWS()
	if s.I >= len(body) || body[s.I] != '{' {
		return false
	}
	var buf [16]byte
	ok := s.Members(func(key []byte, escaped bool, s *jsonscan.Scanner) bool {
		if escaped {
			return false
		}
		k, ok := jsonscan.FoldKey(key, buf[:])
		if !ok {
			return false
		}
		if string(k) == "data" && s.I < len(s.B) && s.B[s.I] == '[' {
			// The records are read in the same pass that validates them.
			return pageRecords(s, &p.Data)
		}
		v, ok := s.Value()
		if !ok {
			return false
		}
		switch string(k) {
		case "error_code":
			return pageString(v, &p.ErrorCode)
		case "message":
			return pageString(v, &p.Message)
		case "page":
			return pageInt(v, &p.Page)
		case "page_size":
			return pageInt(v, &p.PageSize)
		case "total":
			return pageInt(v, &p.Total)
		case "data":
			if v[0] == 'n' {
				p.Data = nil
				return true
			}
			return false
		}
		return true
	})
	return ok && s.AtEnd()
}

// pageString decodes a string field as encoding/json does; null leaves it.
func pageString(v []byte, out *string) bool {
	switch v[0] {
	case 'n':
		return true
	case '"':
		in := v[1 : len(v)-1]
		for _, c := range in {
			if c == '\\' {
				return json.Unmarshal(v, out) == nil
			}
		}
		if !utf8.Valid(in) {
			return json.Unmarshal(v, out) == nil
		}
		*out = string(in)
		return true
	}
	return false
}

// pageInt decodes an int field as encoding/json does; null leaves it.
func pageInt(v []byte, out *int) bool {
	if v[0] == 'n' {
		return true
	}
	n, err := strconv.ParseInt(string(v), 10, strconv.IntSize)
	if err != nil {
		return false
	}
	*out = int(n)
	return true
}

// pageRecords reads the array of records at s.
func pageRecords(s *jsonscan.Scanner, out *[]json.RawMessage) bool {
	recs := make([]json.RawMessage, 0, 64)
	ok := s.Elements(func(s *jsonscan.Scanner) bool {
		el, ok := s.Value()
		recs = append(recs, el)
		return ok
	})
	if !ok {
		return false
	}
	*out = recs
	return true
}
