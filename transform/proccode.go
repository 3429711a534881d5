package transform

import (
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// ProcedureCode is a procedure code split into its parts. The zero value is
// not a valid code; build one with ParseProcedureCode.
//
// Suffix is only kept together with Province: without the province the
// canonical form is the bare national code, and keeping a suffix that the
// canonical form drops would make parsing not idempotent.
type ProcedureCode struct {
	National string // N.NNNNNN
	Suffix   string // agency part, e.g. "000.00.00", or ""
	Province string // e.g. "H08", or ""
}

// Canonical returns N.NNNNNN.000.00.00.Hdd when the province is known, else
// N.NNNNNN (the form of v_dossiers.procedure_code).
func (p ProcedureCode) Canonical() string {
	if p.Province == "" {
		return p.National
	}
	suffix := p.Suffix
	if suffix == "" {
		suffix = defaultSuffix
	}
	return p.National + "." + suffix + "." + p.Province
}

const (
	defaultSuffix   = "000.00.00"
	codeExample     = "expected e.g. 1.010824.000.00.00.H08"
	maxCodeInputLen = 200
)

// CodeError is a procedure code that could not be parsed.
type CodeError struct {
	Input  string
	Reason string // what is wrong and what was expected
}

func (e *CodeError) Error() string {
	return fmt.Sprintf("procedure code %q: %s", e.Input, e.Reason)
}

func (e *CodeError) Unwrap() error { return ErrProcedureCode }

// ParseProcedureCode reads a procedure code in any of the forms real exports
// contain. Separators are not trusted: exports break codes with spaces and
// line breaks, drop or double dots, use commas or full-width dots, so the
// parser ignores them and reads the structure from the digits alone:
// 1 + 6 digits (national code), then either nothing or 7 digits (agency
// suffix), then optionally a letter and 2 digits (province, e.g. H08).
// Anything else is an error wrapping ErrProcedureCode.
func ParseProcedureCode(s string) (ProcedureCode, error) {
	fail := func(reason string) (ProcedureCode, error) {
		in := s
		if len(in) > maxCodeInputLen {
			in = in[:maxCodeInputLen] + "…"
		}
		return ProcedureCode{}, &CodeError{Input: in, Reason: reason + "; " + codeExample}
	}
	if len(s) > maxCodeInputLen {
		return fail("too long")
	}
	// NFKC folds full-width digits, letters and dots (１．０１０８２４) to ASCII.
	t := norm.NFKC.String(s)
	var digits []byte
	var letter byte
	var letterDigits []byte
	for _, r := range t {
		switch {
		case isSpaceOrFormat(r) || r == '.' || r == ',' || r == '·' || r == '。' || r == '、':
			continue
		case r >= '0' && r <= '9':
			if letter != 0 {
				letterDigits = append(letterDigits, byte(r))
			} else {
				digits = append(digits, byte(r))
			}
		case r < unicode.MaxASCII && unicode.IsLetter(r):
			if letter != 0 {
				return fail(fmt.Sprintf("unexpected letter %q after province %c", r, letter))
			}
			if len(digits) == 0 {
				return fail("no national code N.NNNNNN found")
			}
			letter = byte(unicode.ToUpper(r))
		default:
			return fail(fmt.Sprintf("unexpected character %q", r))
		}
	}
	if len(digits) == 0 {
		if strings.TrimFunc(t, isSpaceOrFormat) == "" {
			return fail("empty")
		}
		return fail("no national code N.NNNNNN found")
	}
	if len(digits) < 7 {
		return fail(fmt.Sprintf("national code has %d digits, want 7 (N.NNNNNN)", len(digits)))
	}
	var p ProcedureCode
	p.National = string(digits[0]) + "." + string(digits[1:7])
	rest := digits[7:]
	switch len(rest) {
	case 0:
	case 7:
		p.Suffix = string(rest[0:3]) + "." + string(rest[3:5]) + "." + string(rest[5:7])
	default:
		return fail(fmt.Sprintf("%d digits after the national code %s, want 0 or 7 (.000.00.00)", len(rest), p.National))
	}
	if letter == 0 {
		// No province: the canonical form is the bare national code.
		p.Suffix = ""
		return p, nil
	}
	if len(letterDigits) != 2 {
		return fail(fmt.Sprintf("province %c must have 2 digits (like H08), found %d", letter, len(letterDigits)))
	}
	p.Province = string(letter) + string(letterDigits)
	if p.Suffix == "" {
		p.Suffix = defaultSuffix
	}
	return p, nil
}
