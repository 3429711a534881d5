package extract

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/dvcindex/dvcindex/internal/syncio"
)

// hang stands, in a script, for an answer that never comes: the subtest
// replaces it with a handler that blocks until the subtest ends, so only the
// client's own timeout can end the attempt, however fast or slow the machine.
var hang func(http.ResponseWriter)

// hangUntil is the handler hang stands for.
func hangUntil(release <-chan struct{}) func(http.ResponseWriter) {
	return func(http.ResponseWriter) { <-release }
}

func TestHardenedFaults(t *testing.T) {
	big := func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"error_code":"0","message":"%s","value":42}`, strings.Repeat("x", 8<<10))
	}
	tests := []struct {
		name      string
		script    []func(http.ResponseWriter)
		wantErr   error
		wantCalls int32
		wantInErr string
		wantInLog []string // substrings of the retry log lines
	}{
		{"no answer within the timeout, then ok", []func(http.ResponseWriter){hang, okJSON}, nil, 2, "",
			[]string{`"attempt":1`, `"wait":`, "Timeout"}},
		{"reset twice, then ok", []func(http.ResponseWriter){reset, reset, okJSON}, nil, 3, "",
			// net/http itself may resend a GET that failed on a reused
			// connection, so only the first retry line is certain.
			[]string{`"attempt":1`, "EOF"}},
		{"429 with Retry-After, capped", []func(http.ResponseWriter){status(429, `{"error_code":"429"}`, "Retry-After", "3600"), okJSON}, nil, 2, "",
			[]string{"HTTP 429", `"wait":20`}},
		{"html 200", []func(http.ResponseWriter){html200, okJSON}, nil, 2, "", []string{"text/html"}},
		{"truncated body", []func(http.ResponseWriter){truncated, okJSON}, nil, 2, "", []string{"not complete JSON"}},
		{"body over the limit is permanent", []func(http.ResponseWriter){big}, ErrPermanent, 1, "larger than 4096 bytes", nil},
		{"403 is permanent", []func(http.ResponseWriter){status(403, `{"error_code":"403","message":"forbidden unit"}`)}, ErrPermanent, 1, "forbidden unit", nil},
		{"no answer ever exhausts", []func(http.ResponseWriter){hang}, ErrRetriesExhausted, 3, "3 attempts", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			release := make(chan struct{})
			script := slices.Clone(tt.script)
			for i := range script {
				if script[i] == nil {
					script[i] = hangUntil(release)
				}
			}
			f := &fakePortal{password: "p", script: script}
			srv := httptest.NewServer(f)
			t.Cleanup(srv.Close)
			t.Cleanup(func() { close(release) }) // before srv.Close, which waits for the handlers
			logs := &syncio.Buffer{}
			// The timeout only bounds the answers that do come (auth, ok):
			// a second is ample for a local one even on a loaded machine.
			c := New(Options{BaseURL: srv.URL, Password: "p", Timeout: time.Second, MaxRetries: 2,
				RetryWait: 2 * time.Millisecond, RetryMaxWait: 20 * time.Millisecond, MaxBodyBytes: 4096,
				Logger: zerolog.New(logs)})
			var out struct{ Value int }
			err := c.Get(context.Background(), "/api/v1/x", nil, &out)
			if tt.wantErr == nil {
				if err != nil || out.Value != 42 {
					t.Fatalf("err=%v value=%d", err, out.Value)
				}
			} else if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), tt.wantInErr) {
				t.Fatalf("err = %v, want %v containing %q", err, tt.wantErr, tt.wantInErr)
			}
			if got := f.calls.Load(); got != tt.wantCalls {
				t.Errorf("calls = %d, want %d", got, tt.wantCalls)
			}
			log := logs.String()
			for _, s := range tt.wantInLog {
				if !strings.Contains(log, s) {
					t.Errorf("retry log lacks %q:\n%s", s, log)
				}
			}
			// Every retry line says what failed, which attempt and the wait.
			for _, line := range strings.Split(strings.TrimSpace(log), "\n") {
				if !strings.Contains(line, "retrying") {
					continue
				}
				for _, k := range []string{`"error":`, `"attempt":`, `"max_attempts":`, `"wait":`, `"path":`} {
					if !strings.Contains(line, k) {
						t.Errorf("retry line lacks %s: %s", k, line)
					}
				}
			}
		})
	}
}

// TestConcurrencyIsBounded proves the cap with a barrier, not a clock: the
// handlers block until released; the test waits until cap requests are in
// the handler and every other request has found the cap reached and waits
// for a slot (the client's onFull hook). Only then is anything released, so
// a client without the bound would have had a third request in a handler.
func TestConcurrencyIsBounded(t *testing.T) {
	const limit, requests = 2, 8
	var inFlight, peak atomic.Int32
	arrived := make(chan struct{}, requests)
	release := make(chan struct{})
	f := &fakePortal{password: "p", script: []func(http.ResponseWriter){func(w http.ResponseWriter) {
		n := inFlight.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		arrived <- struct{}{}
		<-release
		inFlight.Add(-1)
		okJSON(w)
	}}}
	srv := httptest.NewServer(f)
	defer srv.Close()
	var releaseOnce sync.Once
	releaseAll := func() { releaseOnce.Do(func() { close(release) }) }
	defer releaseAll() // before srv.Close, which waits for the handlers, even on a failure
	c := New(Options{BaseURL: srv.URL, Password: "p", Concurrency: limit})
	waiting := make(chan struct{}, requests)
	c.onFull = func() { waiting <- struct{}{} }
	// The token is fetched before the slot is taken: fetch it first so the
	// requests below only wait for slots.
	if _, aerr := c.ensureToken(context.Background()); aerr != nil {
		t.Fatal(aerr)
	}
	errs := make(chan error, requests)
	for range requests {
		go func() { errs <- c.Get(context.Background(), "/api/v1/x", nil, &struct{}{}) }()
	}
	guard := time.After(2 * time.Minute) // a hang guard, not a speed limit
	for i := range requests {
		select {
		case <-arrived:
		case <-waiting:
		case <-guard:
			t.Fatalf("after %d of %d requests: neither in a handler nor waiting for a slot", i, requests)
		}
	}
	if p := peak.Load(); p != limit {
		t.Fatalf("with every request in a handler or waiting: %d in flight, want %d", p, limit)
	}
	releaseAll()
	for range requests {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if p := peak.Load(); p != limit {
		t.Fatalf("peak requests in flight = %d, want %d", p, limit)
	}
}

// TestWindowReadAgainWhenItChanges: a record of the window is updated (moves
// out of it) after page 1 was read, so every later record moves up one place
// and the one crossing the page boundary would never be served. The reader
// sees the total shrink and reads the window again.
func TestWindowReadAgainWhenItChanges(t *testing.T) {
	const size = 10
	before := []string{"OLD"} // the record that will be updated, first in the window
	var after []string
	for i := range 25 {
		after = append(after, fmt.Sprintf("D%02d", i))
	}
	before = append(before, after...)
	var mutated atomic.Bool
	mux := http.NewServeMux()
	mux.HandleFunc("/api/v1/auth/token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"error_code":"0","access_token":"t","expires_in":3600}`)
	})
	mux.HandleFunc("/api/v1/dossiers", func(w http.ResponseWriter, r *http.Request) {
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		if page >= 2 {
			mutated.Store(true) // OLD was updated right after page 1 was served
		}
		list := before
		if mutated.Load() {
			list = after
		}
		lo, hi := min((page-1)*size, len(list)), min(page*size, len(list))
		var recs []string
		for _, id := range list[lo:hi] {
			recs = append(recs, `{"MaHoSo":"`+id+`"}`)
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"error_code":"0","message":"","page":%d,"page_size":%d,"total":%d,"data":[%s]}`, page, size, len(list), strings.Join(recs, ","))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	src := &Windowed{Client: New(Options{BaseURL: srv.URL}), Source: "dossiers", Path: "/api/v1/dossiers", PageSize: size}
	out := make(chan Page, 100)
	if err := src.Stream(context.Background(), Window{From: time.Unix(0, 0), To: time.Unix(100, 0)}, out); err != nil {
		t.Fatal(err)
	}
	close(out)
	seen := map[string]bool{}
	for p := range out {
		for _, r := range p.Records {
			var d struct{ MaHoSo string }
			_ = json.Unmarshal(r, &d)
			seen[d.MaHoSo] = true
		}
	}
	for _, id := range after {
		if !seen[id] {
			t.Errorf("record %s lost", id)
		}
	}
}
