package jsonscan

import (
	"encoding/json"
	"strings"
	"testing"
)

var validityCases = []string{
	``, ` `, `{}`, `[]`, `null`, `true`, `false`, `nul`, `tru`, `0`, `-0`, `01`, `-`, `1.`, `1.5`, `1e`, `1e+`, `1E-5`, `1.5e3`,
	`"a"`, `"\u00e9"`, `"\u00g9"`, `"\x"`, `"\/"`, "\"\x01\"", "\"\xff\xfe\"", `"abc`, `{"a":1,}`, `{"a" 1}`, `{"a":1 "b":2}`,
	`[1,]`, `[1 2]`, `[,1]`, `{"a":[1,{"b":null}],"c":"d"}`, `{} {}`, ` {"a" : [ 1 , 2 ] } `, "{\"a\":1}\n", `{1:2}`,
	`<html>`, `{"data":[{"x":1}]`, strings.Repeat("[", 2000) + strings.Repeat("]", 2000), `"\ud800"`, `[-]`, `[--1]`, `[1e5.5]`,
}

func TestValidAgreesWithEncodingJSON(t *testing.T) {
	for _, c := range validityCases {
		got, want := Valid([]byte(c)), json.Valid([]byte(c))
		if got != want && (got || len(c) < 2*maxDepth) {
			t.Errorf("Valid(%q) = %v, encoding/json says %v", c, got, want)
		}
	}
}

func TestObjectMembers(t *testing.T) {
	s := Scanner{B: []byte(` {"a": 1, "B\u0043" :"x" , "c":{"d":[1,2]}, "e":null}`)}
	var got []string
	ok := s.Object(func(k []byte, esc bool, v []byte) bool {
		got = append(got, string(k)+"="+string(v))
		if esc != (string(k) == `B\u0043`) {
			t.Errorf("key %s: escaped = %v", k, esc)
		}
		return true
	})
	if !ok || !s.AtEnd() {
		t.Fatalf("Object failed")
	}
	want := `a=1|B\u0043="x"|c={"d":[1,2]}|e=null`
	if strings.Join(got, "|") != want {
		t.Errorf("got %s, want %s", strings.Join(got, "|"), want)
	}
}

func TestFoldKey(t *testing.T) {
	var buf [8]byte
	if f, ok := FoldKey([]byte("MaHoSo"), buf[:]); !ok || string(f) != "mahoso" {
		t.Errorf("FoldKey = %q, %v", f, ok)
	}
	if f, ok := FoldKey([]byte("VeryLongKeyName"), buf[:]); !ok || f != nil {
		t.Errorf("long key: %q, %v", f, ok)
	}
	if _, ok := FoldKey([]byte("MaHoſo"), buf[:]); ok {
		t.Error("non-ASCII key must not fold")
	}
}

// FuzzValid: the scanner never accepts what encoding/json rejects.
func FuzzValid(f *testing.F) {
	for _, c := range validityCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if Valid(b) && !json.Valid(b) {
			t.Fatalf("Valid(%q) = true, encoding/json says false", b)
		}
		// Only nesting deeper than maxDepth may make it refuse valid input.
		if !Valid(b) && json.Valid(b) && strings.Count(string(b), "[")+strings.Count(string(b), "{") < maxDepth {
			t.Fatalf("Valid(%q) = false, encoding/json says true", b)
		}
	})
}
