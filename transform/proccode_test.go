package transform

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strings"
	"testing"

	"github.com/dvcindex/dvcindex/transform/refdata"
)

type codeCase struct {
	in       string
	national string
	suffix   string
	province string
	wantErr  string // substring of the error; "" = success
}

func codeCases() []codeCase {
	full := func(in, nat string) codeCase { return codeCase{in, nat, "000.00.00", "H08", ""} }
	short := func(in, nat string) codeCase { return codeCase{in, nat, "", "", ""} }
	bad := func(in, msg string) codeCase { return codeCase{in: in, wantErr: msg} }
	return []codeCase{
		// The six codes of procedures-seed.csv as printed.
		full("1.0108 24.000. 00.00.H 08", "1.010824"),
		full("1.0054 61.000. 00.00.H 08", "1.005461"),
		full("1.0047 72.000. 00.00.H 08", "1.004772"),
		full("1.0022 11.000. 00.00.H 08", "1.002211"),
		full("2.0014 57.000. 00.00.H 08", "2.001457"),
		full("2.0021 00.000. 00.00.H 08", "2.002100"),
		// Canonical and short forms.
		full("1.010824.000.00.00.H08", "1.010824"),
		short("1.010824", "1.010824"),
		full("1.010824.H08", "1.010824"),
		full("1.010824.h08", "1.010824"),
		short("1.010824.000.00.00", "1.010824"),
		// Separators.
		full("1,010824.000.00.00.h08", "1.010824"),
		full("1,010824,000,00,00,H08", "1.010824"),
		full("1.010824..000.00.00..H08", "1.010824"),
		full("1..010824.000.00.00.H08", "1.010824"),
		full("1010824.000.00.00.H08", "1.010824"),
		full("1.01082400000 00H08", "1.010824"),
		full("1010824000000 0H08", "1.010824"),
		full("1.010824.000.00.00.H08.", "1.010824"),
		full(".1.010824.000.00.00.H08", "1.010824"),
		full("1.0108\n24.000.\r\n00.00.H\t08", "1.010824"),
		full("  1.010824.000.00.00.H08  ", "1.010824"),
		full("1.010824\u00a0.000.00.00.H08", "1.010824"),
		full("1.010824\u2009.000\u202f.00.00.H08", "1.010824"),
		full("\ufeff1.010824.000.00.00.H08\u200b", "1.010824"),
		full("1.010824\u3000000.00.00.H08", "1.010824"),
		// Full-width digits, dots, letters.
		full("１．０１０８２４．０００．００．００．Ｈ０８", "1.010824"),
		full("１.０１０８２４.H08", "1.010824"),
		short("１．０１０８２４", "1.010824"),
		full("1.010824。000。00。00。H08", "1.010824"),
		full("1·010824·000·00·00·H08", "1.010824"),
		// Other suffixes and provinces.
		{"1.001612.000.00.21.H08", "1.001612", "000.00.21", "H08", ""},
		{"2.000123.000.00.00.h48", "2.000123", "000.00.00", "H48", ""},
		{"1.000894.000.00.00.G01", "1.000894", "000.00.00", "G01", ""},
		// Rejected.
		bad("", "empty"),
		bad("   ", "empty"),
		bad("\u00a0", "empty"),
		bad("ABC", "no national code N.NNNNNN found"),
		bad("H08", "no national code"),
		bad("1.01082", "national code has 6 digits"),
		bad("1.0108", "national code has 5 digits"),
		bad("1.010824.000", "3 digits after the national code"),
		bad("1.010824.000.00.00.0", "8 digits after"),
		bad("1.010824.000.00.00.H8", "must have 2 digits"),
		bad("1.010824.000.00.00.H088", "must have 2 digits"),
		bad("1.010824.H", "must have 2 digits"),
		bad("1.010824.HH08", "unexpected letter"),
		bad("1.010824/000/00/00/H08", "unexpected character '/'"),
		bad("1.010824-H08", "unexpected character '-'"),
		bad("1.010824.Đ08", "unexpected character"),
		bad(strings.Repeat("1", 300), "too long"),
	}
}

func TestParseProcedureCode(t *testing.T) {
	cases := codeCases()
	if len(cases) < 40 {
		t.Fatalf("want at least 40 cases, have %d", len(cases))
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseProcedureCode(tc.in)
			if tc.wantErr != "" {
				if err == nil {
					t.Fatalf("ParseProcedureCode(%q) = %+v, want error containing %q", tc.in, got, tc.wantErr)
				}
				if !errors.Is(err, ErrProcedureCode) {
					t.Errorf("error %v does not wrap ErrProcedureCode", err)
				}
				var ce *CodeError
				if !errors.As(err, &ce) {
					t.Errorf("error %T is not a *CodeError", err)
				}
				if !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), "expected e.g. 1.010824.000.00.00.H08") {
					t.Errorf("error %q: want it to contain %q and the expected form", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseProcedureCode(%q): %v", tc.in, err)
			}
			want := ProcedureCode{tc.national, tc.suffix, tc.province}
			if got != want {
				t.Fatalf("ParseProcedureCode(%q) = %+v, want %+v", tc.in, got, want)
			}
		})
	}
}

func TestProcedureCodeError(t *testing.T) {
	_, err := ParseProcedureCode("ABC")
	want := `procedure code "ABC": no national code N.NNNNNN found; expected e.g. 1.010824.000.00.00.H08`
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %s", err, want)
	}
}

func TestCanonical(t *testing.T) {
	for _, tc := range []struct {
		in, want string
	}{
		{"1.0108 24.000. 00.00.H 08", "1.010824.000.00.00.H08"},
		{"1.010824.H08", "1.010824.000.00.00.H08"},
		{"1.010824", "1.010824"},
		{"1.010824.000.00.00", "1.010824"},
		{"1.001612.000.00.21.h08", "1.001612.000.00.21.H08"},
	} {
		p, err := ParseProcedureCode(tc.in)
		if err != nil {
			t.Fatalf("%q: %v", tc.in, err)
		}
		if got := p.Canonical(); got != tc.want {
			t.Errorf("Canonical(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	// A hand-built code without suffix still gets the default one.
	if got := (ProcedureCode{National: "1.010824", Province: "H08"}).Canonical(); got != "1.010824.000.00.00.H08" {
		t.Errorf("default suffix: got %q", got)
	}
}

// TestSeedProcedureCodes reads the codes as printed in the seed report from
// the embedded CSV, so a new row there is tested too.
func TestSeedProcedureCodes(t *testing.T) {
	r := csv.NewReader(bytes.NewReader(refdata.ProceduresSeedCSV))
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 7 || rows[0][0] != "code_as_printed" || rows[0][1] != "national_code" || rows[0][2] != "canonical_code" {
		t.Fatalf("unexpected procedures-seed.csv header %v (%d rows)", rows[0], len(rows))
	}
	for _, row := range rows[1:] {
		p, err := ParseProcedureCode(row[0])
		if err != nil {
			t.Errorf("%q: %v", row[0], err)
			continue
		}
		if p.National != row[1] || p.Canonical() != row[2] {
			t.Errorf("%q: got %s / %s, want %s / %s", row[0], p.National, p.Canonical(), row[1], row[2])
		}
	}
}

func FuzzParseProcedureCode(f *testing.F) {
	for _, tc := range codeCases() {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParseProcedureCode(s)
		if err != nil {
			if !errors.Is(err, ErrProcedureCode) {
				t.Fatalf("%q: error %v does not wrap ErrProcedureCode", s, err)
			}
			return
		}
		c := p.Canonical()
		q, err := ParseProcedureCode(c)
		if err != nil {
			t.Fatalf("%q parsed to %+v but its canonical %q does not parse: %v", s, p, c, err)
		}
		if q != p {
			t.Fatalf("%q: parse(canonical %q) = %+v, want %+v", s, c, q, p)
		}
		if q.Canonical() != c {
			t.Fatalf("canonical not stable: %q → %q", c, q.Canonical())
		}
	})
}
