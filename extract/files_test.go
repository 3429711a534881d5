package extract

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestReadTable(t *testing.T) {
	xf := excelize.NewFile()
	for cell, row := range map[string][]any{"A1": {"Mã hồ sơ", "Ngày cập nhật"}, "A2": {"H-1", 45306.5}} {
		if err := xf.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	xbuf, err := xf.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		file    string
		data    []byte
		want    [][]string
		wantErr error
	}{
		{"comma", "a.csv", []byte("a,b\n1,2\n"), [][]string{{"a", "b"}, {"1", "2"}}, nil},
		{"semicolon with BOM and CRLF", "a.CSV", []byte("\ufeffa;b\r\n1,5;\"x;y\"\r\n"), [][]string{{"a", "b"}, {"1,5", "x;y"}}, nil},
		{"ragged rows", "a.csv", []byte("a,b,c\n1\n"), [][]string{{"a", "b", "c"}, {"1"}}, nil},
		{"xlsx", "a.xlsx", xbuf.Bytes(), [][]string{{"Mã hồ sơ", "Ngày cập nhật"}, {"H-1", "45306.5"}}, nil},
		{"not an xlsx", "a.xlsx", []byte("hello"), nil, ErrFileFormat},
		{"binary csv", "a.csv", []byte("PK\x03\x04\x00\x00"), nil, ErrFileFormat},
		{"other extension", "a.xls", []byte("x"), nil, ErrFileFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadTable(tt.file, tt.data)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestOpenTableLimits(t *testing.T) {
	xf := excelize.NewFile()
	if err := xf.SetSheetRow("Sheet1", "A1", &[]any{"Mã hồ sơ", "Ngày cập nhật"}); err != nil {
		t.Fatal(err)
	}
	xbuf, err := xf.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	// A CSV much longer than the sniffed head, with a NUL far into it.
	long := bytes.Repeat([]byte("a;b\n"), 40000)
	withNUL := append(append([]byte{}, long...), []byte("x\x00;y\n")...)
	tests := []struct {
		name    string
		file    string
		data    []byte
		lim     TableLimits
		rows    int
		wantErr error
		msg     string
	}{
		{"a long CSV streams", "a.csv", long, TableLimits{}, 40000, nil, ""},
		{"a NUL past the head", "a.csv", withNUL, TableLimits{}, 0, ErrFileFormat, "binary content at line 40001"},
		{"an xlsx within its limits", "a.xlsx", xbuf.Bytes(), TableLimits{}, 1, nil, ""},
		{"an xlsx over max unzipped bytes", "a.xlsx", xbuf.Bytes(), TableLimits{MaxUnzippedBytes: 2000}, 0, ErrFileTooLarge, "files.max_unzipped_bytes (2000 bytes"},
		{"a part over the in-memory limit", "a.xlsx", xbuf.Bytes(), TableLimits{MaxXMLBytes: 100}, 0, ErrFileTooLarge, "kept in memory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rr, err := OpenTable(tt.file, bytes.NewReader(tt.data), int64(len(tt.data)), tt.lim)
			n := 0
			for err == nil {
				if _, err = rr.Next(); err == nil {
					n++
				}
			}
			if tt.wantErr == nil {
				if err != io.EOF || n != tt.rows {
					t.Fatalf("%d rows, err %v; want %d rows", n, err, tt.rows)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("err %v, want %v saying %q", err, tt.wantErr, tt.msg)
			}
		})
	}
}
