package extract

import (
	"errors"
	"reflect"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestReadTable(t *testing.T) {
	xf := excelize.NewFile()
	_ = xf.SetSheetRow("Sheet1", "A1", &[]any{"Mã hồ sơ", "Ngày cập nhật"})
	_ = xf.SetSheetRow("Sheet1", "A2", &[]any{"H-1", 45306.5})
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
