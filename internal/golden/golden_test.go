package golden

import (
	"os"
	"path/filepath"
	"testing"
)

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := os.Chdir(wd); err != nil {
			t.Fatal(err)
		}
	}()
	Check(t, "a.txt", []byte("one\ntwo\n"), true)
	if b, err := os.ReadFile(filepath.Join("testdata", "golden", "a.txt")); err != nil || string(b) != "one\ntwo\n" {
		t.Fatalf("written %q, %v", b, err)
	}
	Check(t, "a.txt", []byte("one\ntwo\n"), false)
	if got := FirstDiff([]byte("one\nthree\n"), []byte("one\ntwo\n")); got != `line 2: got "three", want "two"` {
		t.Errorf("FirstDiff = %s", got)
	}
}
