package transform

import (
	"errors"
	"fmt"
)

// Sentinels: every error returned by this package wraps exactly one of them,
// so a caller can count rejects by cause without parsing messages.
var (
	ErrProcedureCode = errors.New("bad procedure code")
	ErrUnknownUnit   = errors.New("unknown administrative unit")
	ErrBadDate       = errors.New("bad date")
	ErrStatus        = errors.New("bad dossier status")
	ErrChannel       = errors.New("bad channel")
	ErrMissingField  = errors.New("missing required field")
	ErrMalformed     = errors.New("malformed record")
	ErrRefData       = errors.New("bad reference data")
)

// RecordError says why one record was rejected: which record, which field,
// which value and what was expected. Err is the sentinel (or a typed error
// wrapping one) so errors.Is(err, ErrUnknownUnit) works on a RecordError.
type RecordError struct {
	Kind   string // record kind: "" (a dossier) or "procedure", "petition", …
	Key    string // MaHoSo (or the kind's key), "" when unreadable
	Field  string // source field name, e.g. "MaTTHC" or "QuaTrinhXuLy[2].ThoiDiemXuLy"
	Value  string // offending value as received ("" when missing)
	Reason string // what is wrong and what was expected
	Err    error
}

func (e *RecordError) Error() string {
	kind := e.Kind
	if kind == "" {
		kind = "dossier"
	}
	msg := fmt.Sprintf("%s %q", kind, e.Key)
	if e.Field != "" {
		msg += ": field " + e.Field
	}
	if e.Value != "" {
		msg += fmt.Sprintf(": value %q", e.Value)
	}
	return msg + ": " + e.Reason
}

func (e *RecordError) Unwrap() error { return e.Err }
