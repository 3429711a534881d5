package report

import (
	"archive/zip"
	"encoding/csv"
	"fmt"
	"io"
	"time"
)

// bom makes Excel open UTF-8 Vietnamese text correctly.
const bom = "\ufeff"

// CSV writes a zip archive holding one CSV file per table, UTF-8 with a
// byte-order mark, with stable English column names.
func CSV(w io.Writer, d Data) error {
	zw := zip.NewWriter(w)
	// A fixed modification time keeps the archive reproducible.
	mod := time.Date(d.AsOf.Year(), d.AsOf.Month(), d.AsOf.Day(), 0, 0, 0, 0, time.UTC)
	for _, t := range tables(d) {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: t.File, Method: zip.Deflate, Modified: mod})
		if err != nil {
			return fmt.Errorf("report csv %s: %w", t.File, err)
		}
		if _, err := io.WriteString(fw, bom); err != nil {
			return err
		}
		cw := csv.NewWriter(fw)
		if err := cw.Write(t.Keys); err != nil {
			return err
		}
		if err := cw.WriteAll(t.Rows); err != nil {
			return fmt.Errorf("report csv %s: %w", t.File, err)
		}
	}
	return zw.Close()
}
