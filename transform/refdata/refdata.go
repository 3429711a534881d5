// Package refdata embeds the reference data the pipeline ships with: units of
// Hoài Nhơn and their 2025 merger, the seed report's procedures, Vietnamese
// public holidays and the agency identifiers of the units.
//
// Sources: units-hoai-nhon.csv, procedures-seed.csv and holidays-vn.csv are
// copies of the project's shared reference data (shared/data/, as handed to the
// founding team); agencies.csv is the project's own table mapping electronic
// agency identifiers (MaCoQuan) to GSO codes. The files are read-only inputs; a
// user can replace holidays with their own file (see the README).
package refdata

import _ "embed"

// UnitsCSV is units-hoai-nhon.csv: gso_code,name,type,district_code,
// district_name,province_code,province_name,valid_from,valid_to,merged_into.
//
//go:embed units-hoai-nhon.csv
var UnitsCSV []byte

// AgenciesCSV is agencies.csv: agency_code,gso_code,valid_from,valid_to.
//
//go:embed agencies.csv
var AgenciesCSV []byte

// ProceduresSeedCSV is procedures-seed.csv, the six simplified procedures of
// the seed report with their codes as printed.
//
//go:embed procedures-seed.csv
var ProceduresSeedCSV []byte

// HolidaysCSV is holidays-vn.csv: weekday public holidays (date,name), with
// comment lines starting with '#'.
//
//go:embed holidays-vn.csv
var HolidaysCSV []byte
