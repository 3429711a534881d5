package extract

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
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

// ErrFileTooLarge marks a file over one of the limits of TableLimits: it is
// refused before its content is read.
var ErrFileTooLarge = errors.New("file over a limit")

// TableLimits bound what opening a file export may cost. Zero values take
// the defaults below.
type TableLimits struct {
	// MaxUnzippedBytes bounds the sum of the sizes an .xlsx's parts declare
	// once unzipped (archive/zip refuses a part that inflates past its
	// declared size, so the declared sizes are an upper bound). Default 1 GiB.
	MaxUnzippedBytes int64
	// MaxXMLBytes is the largest part kept in memory: a larger worksheet or
	// shared-string table is inflated to a temporary file by excelize, and a
	// larger part of any other kind refuses the file. Default 16 MiB.
	MaxXMLBytes int64
}

func (l TableLimits) withDefaults() TableLimits {
	if l.MaxUnzippedBytes <= 0 {
		l.MaxUnzippedBytes = 1 << 30
	}
	if l.MaxXMLBytes <= 0 {
		l.MaxXMLBytes = 16 << 20
	}
	l.MaxXMLBytes = min(l.MaxXMLBytes, l.MaxUnzippedBytes)
	return l
}

// RowReader streams the rows of a file export, the header among them;
// interpreting the header is transform's job. Only one row is held at a
// time (plus excelize's shared strings for an .xlsx).
type RowReader interface {
	// Next returns the next row, or io.EOF after the last one. An error
	// wrapping ErrFileFormat means the file cannot be read further.
	Next() ([]string, error)
	// Positional reports whether a row's cells are placed by position alone
	// (CSV): a row whose cell count differs from the header's has a missing
	// or extra separator, and every cell after it is shifted. An .xlsx
	// addresses each cell, so a short row only lacks trailing empty cells.
	Positional() bool
	Close() error
}

// OpenTable opens a file export (.csv or .xlsx, by name) of size bytes for
// streaming. CSV may be UTF-8 with or without a BOM, separated by "," or
// ";". XLSX: the first sheet, with raw cell values (dates as serial numbers,
// not as the sheet's display format), refused (ErrFileTooLarge) before
// anything is inflated when it would unzip past lim.
func OpenTable(name string, r io.ReaderAt, size int64, lim TableLimits) (RowReader, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv":
		return openCSV(io.NewSectionReader(r, 0, size))
	case ".xlsx":
		return openXLSX(r, size, lim.withDefaults())
	}
	return nil, fmt.Errorf("%w: %q: not .csv or .xlsx", ErrFileFormat, name)
}

// ReadTable reads a whole (small) file export into rows; the sync streams
// with OpenTable instead.
func ReadTable(name string, data []byte) ([][]string, error) {
	rr, err := OpenTable(name, bytes.NewReader(data), int64(len(data)), TableLimits{})
	if err != nil {
		return nil, err
	}
	defer rr.Close()
	var rows [][]string
	for {
		row, err := rr.Next()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, err
		}
		rows = append(rows, row)
	}
}

// sniffBytes is how much of a CSV is looked at for a BOM, binary content
// and the separator.
const sniffBytes = 64 << 10

type csvRows struct{ r *csv.Reader }

func openCSV(r io.Reader) (RowReader, error) {
	br := bufio.NewReaderSize(r, sniffBytes)
	head, err := br.Peek(sniffBytes)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, fmt.Errorf("%w: csv: %w", ErrFileFormat, err)
	}
	if bytes.HasPrefix(head, []byte("\xef\xbb\xbf")) {
		_, _ = br.Discard(3)
		head = head[3:]
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return nil, fmt.Errorf("%w: binary content, not CSV text (an .xls saved as .csv?)", ErrFileFormat)
	}
	cr := csv.NewReader(br)
	cr.Comma = sniffDelimiter(head)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	return &csvRows{r: cr}, nil
}

func (c *csvRows) Next() ([]string, error) {
	row, err := c.r.Read()
	if err == io.EOF {
		return nil, io.EOF
	}
	if err != nil {
		return nil, fmt.Errorf("%w: csv: %w", ErrFileFormat, err)
	}
	for _, cell := range row {
		if strings.IndexByte(cell, 0) >= 0 {
			line, _ := c.r.FieldPos(0)
			return nil, fmt.Errorf("%w: binary content at line %d, not CSV text", ErrFileFormat, line)
		}
	}
	return row, nil
}

func (c *csvRows) Positional() bool { return true }
func (c *csvRows) Close() error     { return nil }

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

type xlsxRows struct {
	f    *excelize.File
	rows *excelize.Rows
}

// checkZip refuses an .xlsx whose parts would unzip past lim, from the
// sizes its central directory declares, before excelize inflates anything.
func checkZip(r io.ReaderAt, size int64, lim TableLimits) error {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return fmt.Errorf("%w: xlsx: %w", ErrFileFormat, err)
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > uint64(lim.MaxUnzippedBytes) {
			return fmt.Errorf("%w: xlsx unzips to more than files.max_unzipped_bytes (%d bytes; %d-byte file): refused unread, as a zip bomb would be",
				ErrFileTooLarge, lim.MaxUnzippedBytes, size)
		}
		name := strings.ToLower(f.Name)
		spills := strings.HasPrefix(name, "xl/worksheets/sheet") || name == "xl/sharedstrings.xml"
		if !spills && f.UncompressedSize64 > uint64(lim.MaxXMLBytes) {
			return fmt.Errorf("%w: xlsx part %q unzips to %d bytes, more than the %d kept in memory", ErrFileTooLarge, f.Name, f.UncompressedSize64, lim.MaxXMLBytes)
		}
	}
	return nil
}

func openXLSX(r io.ReaderAt, size int64, lim TableLimits) (RowReader, error) {
	if err := checkZip(r, size, lim); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(io.NewSectionReader(r, 0, size),
		excelize.Options{UnzipSizeLimit: lim.MaxUnzippedBytes, UnzipXMLSizeLimit: lim.MaxXMLBytes})
	if err != nil {
		return nil, fmt.Errorf("%w: xlsx: %w", ErrFileFormat, err)
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		_ = f.Close()
		return nil, fmt.Errorf("%w: xlsx: no sheet", ErrFileFormat)
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("%w: xlsx sheet %q: %w", ErrFileFormat, sheets[0], err)
	}
	return &xlsxRows{f: f, rows: rows}, nil
}

func (x *xlsxRows) Next() ([]string, error) {
	if !x.rows.Next() {
		if err := x.rows.Error(); err != nil {
			return nil, fmt.Errorf("%w: xlsx: %w", ErrFileFormat, err)
		}
		return nil, io.EOF
	}
	row, err := x.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, fmt.Errorf("%w: xlsx: %w", ErrFileFormat, err)
	}
	return row, nil
}

func (x *xlsxRows) Positional() bool { return false }

func (x *xlsxRows) Close() error {
	err := x.rows.Close()
	return errors.Join(err, x.f.Close())
}
