package pipeline

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dvcindex/dvcindex/config"
	"github.com/dvcindex/dvcindex/transform"
	"github.com/dvcindex/dvcindex/transform/refdata"
)

// The configuration keys of the reference files (config.RefData).
const (
	UnitsFileKey      = "refdata.units_file"
	AgenciesFileKey   = "refdata.agencies_file"
	ProceduresFileKey = "refdata.procedures_file"
)

// RefFile is one reference file as read.
type RefFile struct {
	Key     string // the configuration key naming it, e.g. refdata.units_file
	Name    string // its path, or the shipped file's name when BuiltIn
	BuiltIn bool   // the key is unset: the file shipped in transform/refdata
	data    []byte
}

// String is the file's path, or the shipped file's name marked built in.
func (f RefFile) String() string {
	if f.BuiltIn {
		return f.Name + " (built in)"
	}
	return f.Name
}

// RefData is the reference data of a run (docs/refdata.md): the units with
// their agencies and successors, and the seed report's procedures, read
// from the files of config.RefData. It is immutable once loaded.
type RefData struct {
	Units      *transform.Units
	Agencies   []Agency        // rows of the agencies file, in file order
	Procedures []SeedProcedure // rows of the procedures file, in file order
	Files      []RefFile       // the units, agencies and procedures files, in that order
}

// Agency is one row of the agencies file: the electronic identifier
// (MaCoQuan) of a unit over a validity period.
type Agency struct {
	Code      string // e.g. 000.21.37.H08
	GSOCode   string
	ValidFrom time.Time  // first valid day, 00:00 Asia/Ho_Chi_Minh
	ValidTo   *time.Time // last valid day, nil = still valid
}

// SeedProcedure is one row of the procedures file.
type SeedProcedure struct {
	NationalCode string // N.NNNNNN
	Name         string
	Level        string // xa, huyen or tinh
}

// RefDataError is a reference file that cannot be read or is invalid.
type RefDataError struct {
	Key  string // UnitsFileKey, AgenciesFileKey or ProceduresFileKey
	File string // RefFile.Name
	Err  error  // what is wrong, with the line and column when known
}

// Error is "key file: what", or "key what" when what starts with the file
// (file:line:column: …).
func (e *RefDataError) Error() string {
	if msg := e.Err.Error(); strings.HasPrefix(msg, e.File+":") {
		return e.Key + " " + msg
	}
	return fmt.Sprintf("%s %s: %v", e.Key, e.File, e.Err)
}

func (e *RefDataError) Unwrap() error { return e.Err }

// LoadRefData reads and checks the reference files of cfg ("" = the file
// shipped in transform/refdata). The units file is checked alone first and
// then with the agencies file, so that each problem is blamed on its file.
// Every problem is returned, joined, each a *RefDataError.
func LoadRefData(cfg config.RefData) (*RefData, error) {
	files := RefFiles(cfg)
	units, err1 := files[0].read()
	agencies, err2 := files[1].read()
	procs, err3 := files[2].read()
	errs := []error{err1, err2, err3}
	rd := &RefData{Files: []RefFile{units, agencies, procs}}
	if err3 == nil {
		var err error
		rd.Procedures, err = parseSeedProcedures(procs)
		errs = append(errs, err)
	}
	if err1 == nil && err2 == nil {
		errs = append(errs, rd.loadUnits(units, agencies))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return rd, nil
}

// loadUnits loads the units file alone, then with the agencies file, and
// lists the agencies.
func (rd *RefData) loadUnits(units, agencies RefFile) error {
	if _, err := loadUnitFiles(units, agencies.headerOnly()); err != nil {
		return units.wrap(err)
	}
	u, err := loadUnitFiles(units, agencies)
	if err != nil {
		return agencies.wrap(err)
	}
	rd.Agencies, err = parseAgencies(agencies)
	if err != nil {
		return err
	}
	rd.Units = u
	return nil
}

// loadUnitFiles is the one call of transform's unit loader.
//
// loadUnitFiles loads and validates a units and an agencies file; its
// errors name file:line:column (transform.RefDataError).
func loadUnitFiles(units, agencies RefFile) (*transform.Units, error) {
	return transform.LoadUnitFiles(transform.UnitFiles{UnitsName: units.Name, Units: units.data,
		AgenciesName: agencies.Name, Agencies: agencies.data})
}

// RefFiles names the units, agencies and procedures files of cfg, in that
// order, without reading them: a path, or the shipped file when its key is
// "".
func RefFiles(cfg config.RefData) []RefFile {
	out := []RefFile{
		{Key: UnitsFileKey, Name: cfg.UnitsFile}, {Key: AgenciesFileKey, Name: cfg.AgenciesFile},
		{Key: ProceduresFileKey, Name: cfg.ProceduresFile},
	}
	shipped := []struct {
		name string
		data []byte
	}{{"units-hoai-nhon.csv", refdata.UnitsCSV}, {"agencies.csv", refdata.AgenciesCSV}, {"procedures-seed.csv", refdata.ProceduresSeedCSV}}
	for i := range out {
		if out[i].Name == "" {
			out[i] = RefFile{Key: out[i].Key, Name: shipped[i].name, BuiltIn: true, data: shipped[i].data}
		}
	}
	return out
}

// read returns f with its bytes: the shipped ones, or the file's.
func (f RefFile) read() (RefFile, error) {
	if f.BuiltIn {
		return f, nil
	}
	b, err := os.ReadFile(f.Name)
	if err != nil {
		return f, &RefDataError{Key: f.Key, File: f.Name, Err: err}
	}
	f.data = b
	return f, nil
}

var utf8BOM = []byte("\xef\xbb\xbf")

// wrap makes each of the (joined) errors of loading f a *RefDataError.
func (f RefFile) wrap(err error) error {
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	out := make([]error, len(errs))
	for i, e := range errs {
		out[i] = &RefDataError{Key: f.Key, File: f.Name, Err: e}
	}
	return errors.Join(out...)
}

// headerOnly is f without its data rows: the comment lines and the header.
func (f RefFile) headerOnly() RefFile {
	var keep []byte
	for _, l := range bytes.SplitAfter(bytes.TrimPrefix(f.data, utf8BOM), []byte("\n")) {
		keep = append(keep, l...)
		if t := bytes.TrimSpace(l); len(t) > 0 && t[0] != '#' {
			break
		}
	}
	f.data = keep
	return f
}

// refRow is a data row of a reference file and the line it starts on.
type refRow struct {
	fields []string
	line   int
}

// errorf is a problem of field i of row, named file:line:column, the
// column being the field's number (the spreadsheet's column), as
// transform's loader names them.
func (f RefFile) errorf(r refRow, i int, format string, args ...any) error {
	return &RefDataError{Key: f.Key, File: f.Name,
		Err: fmt.Errorf("%s:%d:%d: %s", f.Name, r.line, i+1, fmt.Sprintf(format, args...))}
}

// readRefCSV reads f as CSV ('#' starts a comment line, a UTF-8 BOM is
// dropped) and returns the header (lower case, trimmed) and the data rows,
// each of the header's length.
func readRefCSV(f RefFile) ([]string, []refRow, error) {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(f.data, utf8BOM)))
	r.Comment, r.FieldsPerRecord = '#', -1
	var header []string
	var rows []refRow
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, &RefDataError{Key: f.Key, File: f.Name, Err: fmt.Errorf("%s: %w", f.Name, err)}
		}
		row := refRow{fields: rec}
		row.line, _ = r.FieldPos(0)
		if header == nil {
			for _, h := range rec {
				header = append(header, strings.ToLower(strings.TrimSpace(h)))
			}
			continue
		}
		if len(rec) != len(header) {
			return nil, nil, f.errorf(row, 0, "%d fields, want %d (%s)", len(rec), len(header), strings.Join(header, ","))
		}
		rows = append(rows, row)
	}
	if header == nil {
		return nil, nil, &RefDataError{Key: f.Key, File: f.Name, Err: fmt.Errorf("%s: empty file, no header", f.Name)}
	}
	return header, rows, nil
}

// parseAgencies lists the agencies file (already checked by the unit
// loader), finding its columns by name.
func parseAgencies(f RefFile) ([]Agency, error) {
	header, rows, err := readRefCSV(f)
	if err != nil {
		return nil, err
	}
	col := map[string]int{}
	for _, name := range []string{"agency_code", "gso_code", "valid_from", "valid_to"} {
		if col[name] = slices.Index(header, name); col[name] < 0 {
			return nil, &RefDataError{Key: f.Key, File: f.Name, Err: fmt.Errorf("%s: no column %s in the header", f.Name, name)}
		}
	}
	loc := transform.HoChiMinh()
	out := make([]Agency, 0, len(rows))
	for _, r := range rows {
		a := Agency{Code: strings.TrimSpace(r.fields[col["agency_code"]]), GSOCode: strings.TrimSpace(r.fields[col["gso_code"]])}
		if a.ValidFrom, err = time.ParseInLocation(time.DateOnly, strings.TrimSpace(r.fields[col["valid_from"]]), loc); err != nil {
			return nil, f.errorf(r, col["valid_from"], "valid_from: want yyyy-mm-dd")
		}
		if to := strings.TrimSpace(r.fields[col["valid_to"]]); to != "" {
			t, err := time.ParseInLocation(time.DateOnly, to, loc)
			if err != nil {
				return nil, f.errorf(r, col["valid_to"], "valid_to: want yyyy-mm-dd or empty")
			}
			a.ValidTo = &t
		}
		out = append(out, a)
	}
	return out, nil
}

// seedHeader is the header of procedures-seed.csv; cmd/portalsim reads its
// columns by position.
var seedHeader = []string{"code_as_printed", "national_code", "canonical_code", "name", "level",
	"time_limit_before_days", "time_limit_after_days", "decision", "decision_date", "seed_on_time", "seed_late", "seed_window"}

// parseSeedProcedures checks the procedures file: its header, a national
// code (N.NNNNNN) once per file, a name, a level, whole-day time limits,
// counts that are whole numbers or blank, and a date or nothing as
// decision_date.
func parseSeedProcedures(f RefFile) ([]SeedProcedure, error) {
	header, rows, err := readRefCSV(f)
	if err != nil {
		return nil, err
	}
	if !slices.Equal(header, seedHeader) {
		return nil, &RefDataError{Key: f.Key, File: f.Name,
			Err: fmt.Errorf("%s:1:1: header is %q, want %q", f.Name, strings.Join(header, ","), strings.Join(seedHeader, ","))}
	}
	seen := map[string]int{}
	out := make([]SeedProcedure, 0, len(rows))
	for _, r := range rows {
		p := SeedProcedure{NationalCode: strings.TrimSpace(r.fields[1]), Name: strings.TrimSpace(r.fields[3]), Level: strings.TrimSpace(r.fields[4])}
		if err := checkSeedRow(f, r, p, seen); err != nil {
			return nil, err
		}
		seen[p.NationalCode] = r.line
		out = append(out, p)
	}
	return out, nil
}

func checkSeedRow(f RefFile, r refRow, p SeedProcedure, seen map[string]int) error {
	if c, err := transform.ParseProcedureCode(p.NationalCode); err != nil || c.National != p.NationalCode {
		return f.errorf(r, 1, "national_code %q: want N.NNNNNN, e.g. 1.010824", p.NationalCode)
	}
	if line, dup := seen[p.NationalCode]; dup {
		return f.errorf(r, 1, "national_code %s already on line %d", p.NationalCode, line)
	}
	if p.Name == "" {
		return f.errorf(r, 3, "name is empty")
	}
	if p.Level != "xa" && p.Level != "huyen" && p.Level != "tinh" {
		return f.errorf(r, 4, "level %q: want xa, huyen or tinh", p.Level)
	}
	for _, i := range []int{5, 6, 9, 10} {
		v := strings.TrimSpace(r.fields[i])
		if v == "" && i >= 9 {
			continue // the seed report's counts may be blank
		}
		if n, err := strconv.Atoi(v); err != nil || n < 0 {
			return f.errorf(r, i, "%s %q: want a whole number ≥ 0", seedHeader[i], r.fields[i])
		}
	}
	if d := strings.TrimSpace(r.fields[8]); d != "" {
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			return f.errorf(r, 8, "decision_date %q: want yyyy-mm-dd or empty", d)
		}
	}
	return nil
}
