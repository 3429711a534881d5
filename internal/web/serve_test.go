package web

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/dvcindex/dvcindex/internal/ward"
)

// TestOpenOnUse: a failed open answers 500 and is retried by the next
// request; the first success is kept.
func TestOpenOnUse(t *testing.T) {
	opens := 0
	src := OpenOnUse(func(context.Context) (ward.Source, error) {
		opens++
		if opens == 1 {
			return nil, errors.New("clickhouse down")
		}
		return newFixture(), nil
	})
	h := New(Options{Source: src, Log: zerolog.Nop()})
	want := []int{500, 200, 200}
	for i, status := range want {
		if resp, _ := get(t, h, "GET", "/units/21664/2025-Q2", "", ""); resp.StatusCode != status {
			t.Errorf("request %d: %d, want %d", i+1, resp.StatusCode, status)
		}
	}
	if opens != 2 {
		t.Errorf("opened %d times, want 2", opens)
	}
}

// TestServe: Serve answers on its address and returns nil once ctx ends.
func TestServe(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- Serve(ctx, "127.0.0.1:0", New(Options{Source: newFixture(), Log: zerolog.Nop()}), func(a string) { addrc <- a })
	}()
	var addr string
	select {
	case addr = <-addrc:
	case err := <-done:
		t.Fatal(err)
	}
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Get("http://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), "Phường Bồng Sơn") {
		t.Errorf("GET /: %d", resp.StatusCode)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Serve after cancel: %v", err)
	}
	if err := Serve(context.Background(), addr+"x", nil, nil); err == nil || !strings.Contains(err.Error(), "listen") {
		t.Errorf("Serve on a bad address: %v", err)
	}
}
