package syncio

import (
	"strings"
	"sync"
	"testing"
)

// TestConcurrentWritesStayWhole: lines written by many goroutines at once
// come out whole, none lost, through both types.
func TestConcurrentWritesStayWhole(t *testing.T) {
	var buf Buffer
	w := &Writer{W: &buf}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				_, _ = w.Write([]byte("0123456789abcdef\n"))
			}
		}()
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 8*200 {
		t.Fatalf("%d lines, want %d", len(lines), 8*200)
	}
	for _, l := range lines {
		if l != "0123456789abcdef" {
			t.Fatalf("a line was interleaved: %q", l)
		}
	}
}
