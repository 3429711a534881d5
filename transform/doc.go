// Package transform owns normalization: it turns one raw record from a source
// (the portal API or a file export) into the typed rows of rows.go, or into a
// Reject that says which field is wrong, with what value, and what was
// expected.
//
// It owns the rules that make messy portal data comparable: procedure codes
// (ParseProcedureCode), administrative units and their 2025 merger (Units),
// dates (ParseDate), statuses and channels, the keyed pseudonymization of
// personal data (Pseudonymizer) and the working-day calendar (Calendar).
//
// Invariant: nothing this package returns carries a personal value in
// clear. Rows hold keyed hashes; a Reject's Raw keeps only the fields of its
// source's allow-list (scrub.go) and hashes (or drops) every other value; a
// reason quotes at most the scalar value of a non-personal field.
//
// Everything here is pure: no network, no database, no package-level mutable
// state, no clock except the one injected through NormalizerOptions.Now.
// Reference data comes from the embedded refdata package, never from the
// filesystem, so results do not depend on the working directory.
//
// Errors carry sentinels (ErrProcedureCode, ErrUnknownUnit, ErrBadDate,
// ErrStatus, ErrChannel, ErrMissingField, ErrMalformed, ErrRefData, ErrNoKey) so callers
// can decide with errors.Is, and typed errors (*RecordError, *UnitError,
// *CodeError, *DateError) so they can report the field and value with
// errors.As.
package transform
