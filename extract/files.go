package extract

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	// excelize reads .xlsx exports (portal-api.md §6) without Excel or
	// LibreOffice; it is the maintained pure-Go reader of the format.
	"github.com/xuri/excelize/v2"
)

// ErrFileFormat marks a file that cannot be read as a table at all.
var ErrFileFormat = errors.New("unreadable file")

// FileExtensions are the file exports the file-drop source reads.
var FileExtensions = []string{".csv", ".xlsx"}

// ReadTable reads a file export (.csv or .xlsx, by name) into rows of cells,
// the header among them; interpreting the header is transform's job. CSV may
// be UTF-8 with or without a BOM, separated by "," or ";". XLSX: the first
// sheet, with raw cell values (dates as serial numbers, not as the sheet's
// display format).
func ReadTable(name string, data []byte) ([][]string, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv":
		return readCSV(data)
	case ".xlsx":
		return readXLSX(data)
	}
	return nil, fmt.Errorf("%w: %s: not .csv or .xlsx", ErrFileFormat, name)
}

func readCSV(data []byte) ([][]string, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, fmt.Errorf("%w: binary content, not CSV text (an .xls saved as .csv?)", ErrFileFormat)
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = sniffDelimiter(data)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	rows, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%w: csv: %w", ErrFileFormat, err)
	}
	return rows, nil
}

// sniffDelimiter picks ";" or "," by which is more frequent, outside
// quotes, in the first lines (a Vietnamese Excel saves CSV with ";", since
// "," is its decimal separator).
func sniffDelimiter(data []byte) rune {
	semi, comma, lines := 0, 0, 0
	quoted := false
	for _, b := range data {
		switch {
		case b == '"':
			quoted = !quoted
		case quoted:
		case b == ';':
			semi++
		case b == ',':
			comma++
		case b == '\n':
			if lines++; lines >= 12 {
				break
			}
		}
		if lines >= 12 {
			break
		}
	}
	if semi > comma {
		return ';'
	}
	return ','
}

func readXLSX(data []byte) ([][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: xlsx: %w", ErrFileFormat, err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, fmt.Errorf("%w: xlsx: no sheet", ErrFileFormat)
	}
	rows, err := f.GetRows(sheets[0], excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, fmt.Errorf("%w: xlsx sheet %q: %w", ErrFileFormat, sheets[0], err)
	}
	return rows, nil
}
