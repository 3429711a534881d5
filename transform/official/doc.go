// Package official owns the national portal's own scoring of Decision 766
// (formula version FormulaVersion, "dvcqg-2026") and the shapes of its
// reporting API (POST /api/v1/reporting/evaluation/{family}).
//
// It has three parts, one file per concern:
//
//   - the request side: Period and Payload build the JSON bodies the six
//     families accept (payload.go, period.go);
//   - the response side: Parse turns one response body into Rows, one per
//     department × metric, component and group, with the published figures
//     exactly as sent (parse*.go, row.go);
//   - the rules: Formulas lists every metric and component of section 2 of
//     docs/spec/indicators-766-official.md as data (formula.go,
//     formula_table.go), Score/Ratio/GroupTotal/GroupRatio apply them
//     (score.go), and Check compares what the rules give from the published
//     numerator and denominator with the published score (check.go).
//     docs/official-formulas.md describes every rule.
//
// The tests read the six real responses copied under testdata/national-766
// (never ../shared) and compare the parsed rows and the check with the
// golden files under testdata/golden (go test -update rewrites them).
//
// Invariants:
//
//   - A published null stays nil (a *float64), never 0; an absent optional
//     key (dataQualityStatus) is the empty string. Zero is only ever a
//     published zero or a rule's zero.
//   - Scores are rounded to 2 decimals per metric or component from the
//     unrounded ratio; a group total is the sum of rounded scores with nil
//     counted as 0 and the maximum kept; a group ratio is
//     round(100 × total / max, 2).
//   - Where the reference leaves a point unknown or ambiguous, the reading
//     the published numbers support is chosen and the reference's item is
//     named in a comment (and in docs/official-formulas.md).
//
// Everything here is pure: no network, no database, no clock, no
// package-level mutable state (the formula table is built by a function).
// Errors are *FieldError (naming the family and the JSON field) or
// *FormulaError, wrapping sentinels callers can test with errors.Is.
package official
