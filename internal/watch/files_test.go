package watch

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/dvcindex/dvcindex/load"
)

func digestOf(unit string, items int) Digest {
	d := Digest{UnitCode: unit, UnitName: "Đơn vị " + unit, Period: "2026-Q4", AsOf: time.Date(2026, 12, 5, 2, 0, 0, 0, time.UTC), WatchID: "w",
		Scores: []Score{{Indicator: "total", Label: "Tổng điểm", Secured: 70, IfDone: 72.5, Max: 100}}}
	for i := 0; i < items; i++ {
		d.Act = append(d.Act, Item{AtRiskItem: load.AtRiskItem{Unit: unit, ItemKind: "dossier", ItemID: unit + "-" + string(rune('a'+i)),
			Rule: "not_synced", Kind: "recoverable", Points: 0.1, Detail: "Chưa đồng bộ"}, RuleLabel: "Chưa đồng bộ lên Cổng quốc gia"})
	}
	return d
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return out
}

// TestWriteFiles: one .csv and one .md per unit, equal to WriteCSV and
// WriteMarkdown; the next watch replaces them, removes a unit it no longer
// has and a crash's temporary file, and leaves other files alone.
func TestWriteFiles(t *testing.T) {
	dir := t.TempDir()
	first := []Digest{digestOf("21637", 2), digestOf("21640", 0), digestOf("52", 3)}
	paths, err := WriteFiles(dir, "2026-Q4", first)
	if err != nil {
		t.Fatal(err)
	}
	pdir := filepath.Join(dir, "2026-Q4")
	if len(paths) != 6 {
		t.Fatalf("%d files written, want 6: %v", len(paths), paths)
	}
	for _, d := range first {
		var csv, md bytes.Buffer
		if err := WriteCSV(&csv, d); err != nil {
			t.Fatal(err)
		}
		if err := WriteMarkdown(&md, d); err != nil {
			t.Fatal(err)
		}
		for name, want := range map[string][]byte{d.UnitCode + ".csv": csv.Bytes(), d.UnitCode + ".md": md.Bytes()} {
			got, err := os.ReadFile(filepath.Join(pdir, name))
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("%s: %v; content differs from the renderer's: %d bytes, want %d", name, err, len(got), len(want))
			}
			if fi, err := os.Stat(filepath.Join(pdir, name)); err != nil || fi.Mode().Perm() != 0o644 {
				t.Errorf("%s: mode %v (%v), want 0644", name, fi.Mode(), err)
			}
		}
	}
	// A crash's temporary file, and a file that is not a digest.
	for _, name := range []string{".21637.csv.tmp-12345", "README.txt"} {
		if err := os.WriteFile(filepath.Join(pdir, name), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	second := []Digest{digestOf("21637", 1), digestOf("52", 0)}
	if _, err := WriteFiles(dir, "2026-Q4", second); err != nil {
		t.Fatal(err)
	}
	want := []string{"21637.csv", "21637.md", "52.csv", "52.md", "README.txt"}
	if got := listDir(t, pdir); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("after the second watch the directory holds %v, want %v", got, want)
	}
	got, _ := os.ReadFile(filepath.Join(pdir, "21637.csv"))
	if n := strings.Count(string(got), "\n"); n != 2 {
		t.Errorf("21637.csv has %d lines after the second watch, want 2 (header and its one item)", n)
	}
}

// TestWriteFilesRefusesPathsOutsideItsDirectory: a period or unit code that
// is not a plain name writes nothing.
func TestWriteFilesRefusesPathsOutsideItsDirectory(t *testing.T) {
	for _, c := range []struct {
		name, period string
		ds           []Digest
	}{
		{"period with a separator", "../2026-Q4", nil},
		{"hidden period", ".2026", nil},
		{"unit with a separator", "2026-Q4", []Digest{digestOf("../x", 0)}},
		{"digest of another period", "2026-Q3", []Digest{digestOf("21637", 0)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			if _, err := WriteFiles(filepath.Join(dir, "watch"), c.period, c.ds); err == nil {
				t.Fatal("no error")
			}
			var files []string
			_ = filepath.Walk(dir, func(p string, fi os.FileInfo, _ error) error {
				if fi != nil && !fi.IsDir() {
					files = append(files, p)
				}
				return nil
			})
			if len(files) != 0 {
				t.Errorf("files written: %v", files)
			}
		})
	}
}
