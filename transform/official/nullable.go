package official

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
)

// num is a JSON number that remembers whether its key was present and
// whether it was null: absent (Set false), null (Set, Null), or a value.
// A value that is not a number sets Bad (the reader reports it with its
// path; encoding/json would lose the path).
type num struct {
	Set  bool
	Null bool
	Bad  string
	V    float64
}

func (n *num) UnmarshalJSON(b []byte) error {
	n.Set = true
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		n.Null = true
		return nil
	}
	var v float64
	if err := json.Unmarshal(b, &v); err != nil {
		n.Bad = jsonKind(bytes.TrimSpace(b))
		return nil
	}
	n.V = v
	return nil
}

// jsonKind names what a value is without repeating it (it could be text
// about a person).
func jsonKind(b []byte) string {
	if len(b) == 0 {
		return "an empty value"
	}
	switch b[0] {
	case '"':
		return "a string"
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	}
	return "an unreadable number"
}

// ptr is nil for absent or null.
func (n num) ptr() *float64 {
	if !n.Set || n.Null || n.Bad != "" {
		return nil
	}
	v := n.V
	return &v
}

// fieldReader checks fields of one object and keeps the first error, so a
// parser reads as a list of fields rather than a ladder of ifs.
type fieldReader struct {
	family string
	path   string
	err    error
}

func (r *fieldReader) fail(field string, err error) {
	if r.err == nil {
		r.err = fieldErr(r.family, r.path+"."+field, err)
	}
}

// nullable: the key must be present; null is allowed.
func (r *fieldReader) nullable(field string, n num) *float64 {
	if !n.Set {
		r.fail(field, ErrMissingField)
	}
	if n.Bad != "" {
		r.fail(field, fmt.Errorf("%w: %s is not a number", ErrMalformed, n.Bad))
	}
	return n.ptr()
}

// required: present and not null.
func (r *fieldReader) required(field string, n num) *float64 {
	if !n.Set || n.Null {
		r.fail(field, ErrMissingField)
	}
	if n.Bad != "" {
		r.fail(field, fmt.Errorf("%w: %s is not a number", ErrMalformed, n.Bad))
	}
	return n.ptr()
}

// count: present, null allowed, else a finite number >= 0.
func (r *fieldReader) count(field string, n num) *float64 {
	p := r.nullable(field, n)
	if p != nil && (*p < 0 || math.IsInf(*p, 0) || math.IsNaN(*p)) {
		r.fail(field, fmt.Errorf("%w: %v is negative", ErrBadValue, *p))
	}
	return p
}

// requiredCount: a count that must not be null (tree counts).
func (r *fieldReader) requiredCount(field string, n num) *float64 {
	p := r.required(field, n)
	if p != nil && *p < 0 {
		r.fail(field, fmt.Errorf("%w: %v is negative", ErrBadValue, *p))
	}
	return p
}

// text: a string that must be present and non-empty.
func (r *fieldReader) text(field string, s *string) string {
	if s == nil || *s == "" {
		r.fail(field, ErrMissingField)
		return ""
	}
	return *s
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
