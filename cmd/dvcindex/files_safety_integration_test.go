package main

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/xuri/excelize/v2"

	"github.com/dvcindex/dvcindex/config"
	"github.com/dvcindex/dvcindex/extract"
)

// fileApp is an app for the files source with its own inbox, clock and
// extra settings; out collects stdout, logs the zerolog output.
func fileDropApp(t *testing.T, h *harness, inbox string, now func() time.Time, extra ...string) (a *app, out, logs *syncBuffer) {
	t.Helper()
	env := append(append(append([]string{}, h.env...), "DVC_FILES_INBOX="+inbox), extra...)
	cfg, err := config.Load("", env)
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	out, logs = &syncBuffer{}, &syncBuffer{}
	return &app{cfg: cfg, log: zerolog.New(logs), stdout: out, stderr: logs, environ: env, now: now}, out, logs
}

func migratedForFiles(t *testing.T, n int) *harness {
	t.Helper()
	h := newHarness(t, simOptions(n))
	if code, _, errs := h.run(nil, "migrate"); code != 0 {
		t.Fatal(errs)
	}
	return h
}

// goodCSV is a small valid drop of n dossiers of the simulator.
func goodDropCSV(h *harness, from, n int) []byte { return messyCSV(validTruths(h.sim, from, n), false) }

func pathExists(path string) bool { _, err := os.Lstat(path); return err == nil }

// xlsxBomb returns an .xlsx whose worksheet, a run of one repeated cell,
// unzips to repeats+1 MiB from about 1.5 KB per MiB (3400 repeats: a 5 MB
// file that unzips to 3.5 GB). The deflate stream
// is built from one compressed chunk repeated: once the window is full of
// the pattern, every further MiB of it compresses to the same bytes.
func xlsxBomb(t *testing.T, repeats int) []byte {
	t.Helper()
	head := []byte(`<?xml version="1.0" encoding="UTF-8"?><worksheet><sheetData>`)
	chunk := bytes.Repeat([]byte(`<c>0</c>`), 1<<17) // 1 MiB
	tail := []byte(`</sheetData></worksheet>`)
	var buf bytes.Buffer
	fw, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	step := func(p []byte) []byte {
		n := buf.Len()
		if _, err := fw.Write(p); err != nil {
			t.Fatal(err)
		}
		if err := fw.Flush(); err != nil {
			t.Fatal(err)
		}
		return append([]byte(nil), buf.Bytes()[n:]...)
	}
	first := step(append(append([]byte(nil), head...), chunk...))
	steady := step(chunk)
	if again := step(chunk); !bytes.Equal(again, steady) {
		t.Fatal("the compressed chunk is not steady; the bomb cannot be built this way")
	}
	n := buf.Len()
	if _, err := fw.Write(tail); err != nil {
		t.Fatal(err)
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	end := append([]byte(nil), buf.Bytes()[n:]...)

	var stream bytes.Buffer
	stream.Write(first)
	crc := crc32.Update(crc32.Update(0, crc32.IEEETable, head), crc32.IEEETable, chunk)
	for i := 0; i < repeats; i++ {
		stream.Write(steady)
		crc = crc32.Update(crc, crc32.IEEETable, chunk)
	}
	stream.Write(end)
	crc = crc32.Update(crc, crc32.IEEETable, tail)
	size := uint64(len(head)+len(tail)) + uint64(repeats+1)*uint64(len(chunk))

	// The other parts of a real workbook, from excelize.
	tmpl, err := excelize.NewFile().WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(tmpl.Bytes()), int64(tmpl.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if f.Name == "xl/worksheets/sheet1.xml" {
			w, err := zw.CreateRaw(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, CRC32: crc,
				CompressedSize64: uint64(stream.Len()), UncompressedSize64: size})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.Write(stream.Bytes()); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// TestXLSXBombConstruction proves on a small bomb that the construction is
// a valid workbook part: it inflates to the declared size with the right
// CRC (the big one is refused before anything is inflated).
func TestXLSXBombConstruction(t *testing.T) {
	data := xlsxBomb(t, 3)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name != "xl/worksheets/sheet1.xml" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		n, err := io.Copy(io.Discard, rc) // a CRC or size mismatch is an error here
		rc.Close()
		if err != nil || uint64(n) != f.UncompressedSize64 || n < 4<<20 {
			t.Fatalf("inflated %d bytes (declared %d): %v", n, f.UncompressedSize64, err)
		}
		return
	}
	t.Fatal("no sheet in the bomb")
}

// TestFileDropsRefuseWhatIsUnsafe drops one unsafe entry beside a good file
// per case: the entry is refused with a clear reason (moved to failed/ with
// NAME.reason.txt, never followed or read past its limit) and the run goes
// on to load the good file.
func TestFileDropsRefuseWhatIsUnsafe(t *testing.T) {
	h := migratedForFiles(t, 120)
	outside := filepath.Join(t.TempDir(), "outside.csv")
	if err := os.WriteFile(outside, goodDropCSV(h, 60, 5), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		entry    string
		make     func(path string) error
		env      []string
		reason   string
		maxAlloc uint64 // bytes allocated by the whole sync, 0 = not checked
	}{
		{"an xlsx that unzips to gigabytes", "bomb.xlsx",
			func(p string) error { return os.WriteFile(p, xlsxBomb(t, 3400), 0o644) }, nil, // ≈ 5 MB → 3.5 GB
			"files.max_unzipped_bytes", 256 << 20},
		{"a file over files.max_bytes", "big.csv",
			func(p string) error { return os.WriteFile(p, goodDropCSV(h, 30, 20), 0o644) }, []string{"DVC_FILES_MAX_BYTES=1024"},
			"more than files.max_bytes (1024)", 0},
		{"more rows than files.max_rows", "long.csv",
			func(p string) error { return os.WriteFile(p, goodDropCSV(h, 30, 8), 0o644) }, []string{"DVC_FILES_MAX_ROWS=6"},
			"more than files.max_rows (6)", 0},
		{"a symbolic link", "link.csv", func(p string) error { return os.Symlink(outside, p) }, nil, "symbolic link", 0},
		{"a named pipe", "pipe.csv", func(p string) error { return syscall.Mkfifo(p, 0o644) }, nil, "not a regular file", 0},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inbox := t.TempDir()
			if err := tt.make(filepath.Join(inbox, tt.entry)); err != nil {
				t.Fatal(err)
			}
			good := "zz-good-" + strconv.Itoa(i) + ".csv"
			if err := os.WriteFile(filepath.Join(inbox, good), goodDropCSV(h, i*5, 5), 0o644); err != nil {
				t.Fatal(err)
			}
			a, out, logs := fileDropApp(t, h, inbox, time.Now, append([]string{"DVC_FILES_SETTLE=0s"}, tt.env...)...)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			err := a.engine(false).Sync(context.Background(), h.store, "files", false)
			runtime.ReadMemStats(&after)
			if err != nil {
				t.Fatalf("sync: %v\n%s", err, logs)
			}
			reason, rerr := os.ReadFile(filepath.Join(inbox, "failed", tt.entry+".reason.txt"))
			if rerr != nil || !strings.Contains(string(reason), tt.reason) {
				t.Errorf("reason file: %q, %v; want it to say %q", reason, rerr, tt.reason)
			}
			if !pathExists(filepath.Join(inbox, "failed", tt.entry)) || pathExists(filepath.Join(inbox, tt.entry)) {
				t.Errorf("%s was not moved to failed/", tt.entry)
			}
			if !strings.Contains(out.String(), strconv.Quote(tt.entry)+": FAILED") {
				t.Errorf("stdout does not name %q as failed:\n%s", tt.entry, out)
			}
			if !pathExists(filepath.Join(inbox, "done", good)) {
				t.Errorf("the run did not go on to load %s:\n%s\n%s", good, out, logs)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; tt.maxAlloc > 0 && alloc > tt.maxAlloc {
				t.Errorf("the sync allocated %d MB refusing the file", alloc>>20)
			}
		})
	}
	// The link was moved as a link; its target was neither read nor moved.
	if _, err := os.Stat(outside); err != nil {
		t.Errorf("the target of the symbolic link was touched: %v", err)
	}
	if n := h.count("SELECT count() FROM {db}.v_dossiers WHERE dossier_id IN (?)", validTruths(h.sim, 60, 1)[0].tr.ID); n != 0 {
		t.Error("the target of the symbolic link was loaded")
	}
}

// TestHalfWrittenFileWaitsUntilItSettles: a CSV modified within
// files.settle of the (injected) clock is left in the inbox; once the clock
// is past it, the same file loads.
func TestHalfWrittenFileWaitsUntilItSettles(t *testing.T) {
	h := migratedForFiles(t, 60)
	inbox := t.TempDir()
	path := filepath.Join(inbox, "dang-ghi.csv")
	full := goodDropCSV(h, 0, 6)
	if err := os.WriteFile(path, full[:len(full)/2], 0o644); err != nil { // cut mid-row
		t.Fatal(err)
	}
	written := time.Date(2025, 8, 20, 9, 0, 0, 0, time.UTC)
	if err := os.Chtimes(path, written, written); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		now      time.Time
		complete bool // the writer finished before this run
		want     string
		stays    bool
	}{
		{"10 s after the last write", written.Add(10 * time.Second), false, "still being written", true},
		{"59 s after, the writer still at it", written.Add(59 * time.Second), false, "still being written", true},
		{"2 min after the file was completed", written.Add(3 * time.Minute), true, "loaded 6", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.complete {
				if err := os.WriteFile(path, full, 0o644); err != nil {
					t.Fatal(err)
				}
				done := written.Add(time.Minute)
				if err := os.Chtimes(path, done, done); err != nil {
					t.Fatal(err)
				}
			}
			a, out, logs := fileDropApp(t, h, inbox, func() time.Time { return tc.now }, "DVC_FILES_SETTLE=1m")
			if err := a.engine(false).Sync(context.Background(), h.store, "files", false); err != nil {
				t.Fatalf("sync: %v\n%s", err, logs)
			}
			if !strings.Contains(out.String(), tc.want) {
				t.Errorf("stdout lacks %q:\n%s", tc.want, out)
			}
			if pathExists(path) != tc.stays {
				t.Errorf("in the inbox: %v, want %v", pathExists(path), tc.stays)
			}
			if pathExists(filepath.Join(inbox, "failed", "dang-ghi.csv")) {
				t.Error("the half-written file was failed instead of waited for")
			}
		})
	}
	if n := h.count("SELECT count() FROM {db}.v_files WHERE file_name = 'dang-ghi.csv' AND status = 'done' AND loaded = 6"); n != 1 {
		t.Errorf("v_files has %d done records of the settled file", n)
	}
}

// panicRows is a parser that panics on its first row.
type panicRows struct{}

func (panicRows) Next() ([]string, error) { panic("malformed cell Nguyễn Văn An") }
func (panicRows) Positional() bool        { return true }
func (panicRows) Close() error            { return nil }

// TestParserPanicFailsTheFile: a parser that panics fails its file (moved
// to failed/ with a reason that does not quote the panic) and the run goes
// on to the next file.
func TestParserPanicFailsTheFile(t *testing.T) {
	h := migratedForFiles(t, 60)
	inbox := t.TempDir()
	for name, data := range map[string][]byte{"a-boom.csv": goodDropCSV(h, 0, 3), "b-good.csv": goodDropCSV(h, 10, 3)} {
		if err := os.WriteFile(filepath.Join(inbox, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	a, out, logs := fileDropApp(t, h, inbox, time.Now, "DVC_FILES_SETTLE=0s")
	a.openTable = func(name string, r io.ReaderAt, size int64, lim extract.TableLimits) (extract.RowReader, error) {
		if name == "a-boom.csv" {
			return panicRows{}, nil
		}
		return extract.OpenTable(name, r, size, lim)
	}
	if err := a.engine(false).Sync(context.Background(), h.store, "files", false); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`file "a-boom.csv": FAILED`, `file "b-good.csv": 3 rows, loaded 3, rejected 0`} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("stdout lacks %q:\n%s", want, out)
		}
	}
	reason, err := os.ReadFile(filepath.Join(inbox, "failed", "a-boom.csv.reason.txt"))
	if err != nil || !strings.Contains(string(reason), "crashed") {
		t.Errorf("reason file %q, %v", reason, err)
	}
	if strings.Contains(string(reason)+logs.String(), "Nguyễn") {
		t.Error("the panic's value (which may quote a cell) was written out")
	}
}

// TestDoneFolderSymlinkIsRefused: when done/ is a symbolic link, no file is
// moved through it; the file stays in the inbox and the run fails saying why.
func TestDoneFolderSymlinkIsRefused(t *testing.T) {
	h := migratedForFiles(t, 60)
	inbox, elsewhere := t.TempDir(), t.TempDir()
	if err := os.Symlink(elsewhere, filepath.Join(inbox, "done")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(inbox, "x.csv"), goodDropCSV(h, 0, 3), 0o644); err != nil {
		t.Fatal(err)
	}
	a, _, _ := fileDropApp(t, h, inbox, time.Now, "DVC_FILES_SETTLE=0s")
	err := a.engine(false).Sync(context.Background(), h.store, "files", false)
	if err == nil || !strings.Contains(err.Error(), "not a folder") {
		t.Fatalf("sync error %v, want a refusal of done/", err)
	}
	if entries, _ := os.ReadDir(elsewhere); len(entries) != 0 {
		t.Errorf("files were moved through the link: %v", entries)
	}
	if !pathExists(filepath.Join(inbox, "x.csv")) {
		t.Error("the file left the inbox")
	}
}
