package watch

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// knownUnits stands for the reference units.
func knownUnits(code string) bool { return code == "21637" || code == "21640" || code == "52" }

// TestParseWebhooks: the good files, and each bad one stopped at its line
// and column with what is wrong, and without the URL beyond its host.
func TestParseWebhooks(t *testing.T) {
	const secret = "T0KEN-s3cret"
	for _, c := range []struct {
		name     string
		file     string
		want     []string // "unit target line" of each webhook
		wantErr  string   // "" = no error; else the position and what is wrong
		errAlso  string
		noSecret bool
	}{
		{name: "two units, a comment, a blank line, spaces and a BOM",
			file: "\ufeffunit_code, url\n# the wards\n21637,https://chat.example.vn/hook/" + secret + "\n\n 21640 , http://10.0.0.5:8080/h?token=" + secret + "\n",
			want: []string{"21637 https://chat.example.vn 3", "21640 http://10.0.0.5:8080 5"}},
		{name: "header only: no webhook", file: "unit_code,url\n", want: nil},
		{name: "quoted URL with a comma", file: "unit_code,url\n52,\"https://h.example/a,b\"\n", want: []string{"52 https://h.example 2"}},
		{name: "empty file", file: "", wantErr: "hooks.csv:1:1: empty"},
		{name: "unknown header", file: "unit,url\n21637,https://h.example/x\n", wantErr: "hooks.csv:1:1: header column 1 is \"unit\""},
		{name: "unknown second header", file: "unit_code,address\n", wantErr: "hooks.csv:1:11: header column 2 is \"address\""},
		{name: "extra header column", file: "unit_code,url,name\n", wantErr: "hooks.csv:1:15: header column 3"},
		{name: "short header", file: "unit_code\n", wantErr: "hooks.csv:1:1: header \"unit_code\""},
		{name: "relative URL", file: "unit_code,url\n21637,/hook/" + secret + "\n", wantErr: "hooks.csv:2:7: url is relative", noSecret: true},
		{name: "URL without scheme", file: "unit_code,url\n21637,chat.example.vn/hook/" + secret + "\n", wantErr: "hooks.csv:2:7: url is relative", noSecret: true},
		{name: "bad URL", file: "unit_code,url\n21637,https://chat example/" + secret + "\n", wantErr: "hooks.csv:2:7: url is not a URL", noSecret: true},
		{name: "ftp scheme", file: "unit_code,url\n21637,ftp://files.example/" + secret + "\n", wantErr: "hooks.csv:2:7: url scheme \"ftp\": want http or https", noSecret: true},
		{name: "mailto", file: "unit_code,url\n21637,mailto:" + secret + "@example.vn\n", wantErr: "hooks.csv:2:7: url scheme \"mailto\"", noSecret: true},
		{name: "no host", file: "unit_code,url\n21637,https:///" + secret + "\n", wantErr: "hooks.csv:2:7: url has no host", noSecret: true},
		{name: "empty URL", file: "unit_code,url\n21637,\n", wantErr: "hooks.csv:2:7: url is empty"},
		{name: "duplicate unit", file: "unit_code,url\n21637,https://a.example/1\n52,https://b.example/2\n21637,https://c.example/3\n",
			wantErr: "hooks.csv:4:1: unit_code \"21637\" already has a webhook on line 2"},
		{name: "unit not in the reference units", file: "unit_code,url\n99999,https://a.example/1\n",
			wantErr: "hooks.csv:2:1: unit_code \"99999\" is not a unit of the reference units"},
		{name: "empty unit", file: "unit_code,url\n,https://a.example/1\n", wantErr: "hooks.csv:2:1: unit_code is empty"},
		{name: "three fields", file: "unit_code,url\n21637,https://a.example/1,x\n", wantErr: "hooks.csv:2:27: 3 fields, want 2"},
		{name: "one field", file: "unit_code,url\n21637\n", wantErr: "hooks.csv:2:1: 1 fields, want 2"},
		{name: "not CSV", file: "unit_code,url\n21637,\"https://a.example/" + secret + "\n", wantErr: "hooks.csv:2:39: not CSV", noSecret: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			hooks, err := ParseWebhooks(strings.NewReader(c.file), "hooks.csv", knownUnits)
			if c.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), c.wantErr) {
					t.Fatalf("error %v, want one starting with %q", err, c.wantErr)
				}
				if c.noSecret && strings.Contains(err.Error(), secret) {
					t.Errorf("the error quotes the URL's secret: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, h := range hooks {
				got = append(got, h.Unit+" "+h.Target()+" "+strconv.Itoa(h.Line))
				if strings.Contains(h.String(), secret) {
					t.Errorf("String() shows the secret: %s", h)
				}
			}
			if strings.Join(got, "|") != strings.Join(c.want, "|") {
				t.Errorf("webhooks %q, want %q", got, c.want)
			}
		})
	}
}

// TestLoadWebhooksNamesTheFile: a file that cannot be read is an error
// naming it; a good file loads.
func TestLoadWebhooksNamesTheFile(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "none.csv")
	if _, err := LoadWebhooks(missing, knownUnits); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing file: %v, want an error naming %s", err, missing)
	}
	good := filepath.Join(dir, "hooks.csv")
	if err := os.WriteFile(good, []byte("unit_code,url\n52,https://a.example/x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	hooks, err := LoadWebhooks(good, knownUnits)
	if err != nil || len(hooks) != 1 || hooks[0].Unit != "52" {
		t.Fatalf("LoadWebhooks = %v, %v; want unit 52", hooks, err)
	}
}

// receiver is the ward's gateway: it answers each POST with the next
// status of script (the last one repeats), after delay.
type receiver struct {
	script []int
	delay  time.Duration
	mu     sync.Mutex
	bodies [][]byte
	keys   []string
	calls  atomic.Int32
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	n := int(r.calls.Add(1))
	b, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	r.bodies = append(r.bodies, b)
	r.keys = append(r.keys, req.Header.Get("Idempotency-Key"))
	r.mu.Unlock()
	if req.Method != http.MethodPost || !strings.HasPrefix(req.Header.Get("Content-Type"), "application/json") {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	select {
	case <-time.After(r.delay):
	case <-req.Context().Done():
		return
	}
	code := r.script[min(n, len(r.script))-1]
	if code == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", "1")
	}
	if code == http.StatusFound {
		w.Header().Set("Location", "https://elsewhere.example/")
	}
	w.WriteHeader(code)
}

// hookFor is a webhook of unit 21637 on srv, with a token in its path and
// query.
func hookFor(t *testing.T, base, token string) Webhook {
	t.Helper()
	file := "unit_code,url\n21637," + base + "/hooks/" + token + "?sig=" + token + "\n"
	hooks, err := ParseWebhooks(strings.NewReader(file), "hooks.csv", knownUnits)
	if err != nil || len(hooks) != 1 {
		t.Fatalf("webhook: %v %v", hooks, err)
	}
	return hooks[0]
}

// TestPosterRetries: what is retried (500, 429, a refused connection, a
// timeout) and what is not (400, a redirect), the attempts counted, the
// body a digest, and the URL's token in no error.
func TestPosterRetries(t *testing.T) {
	const token = "xoxb-9f8e7d6c5b4a"
	d := Digest{UnitCode: "21637", UnitName: "Tam Quan", Period: "2026-Q4", WatchID: "watch-1", Act: []Item{}, Threats: []Item{}, Lost: []Item{}, Risks: []Item{},
		Scores: []Score{{Indicator: "total", Secured: 68.17, IfDone: 74.51, Max: 100}}, AtStake: 6.34}
	for _, c := range []struct {
		name     string
		script   []int
		delay    time.Duration
		retries  int
		closed   bool // the receiver is down
		attempts int
		wantErr  string // "" = delivered
		maxTook  time.Duration
	}{
		{name: "500 then 200: retried", script: []int{500, 200}, retries: 3, attempts: 2},
		{name: "503 twice then 204", script: []int{503, 503, 204}, retries: 3, attempts: 3},
		{name: "500 for ever: retries exhausted", script: []int{500}, retries: 2, attempts: 3, wantErr: "HTTP 500 (attempts: 3)"},
		{name: "400: not retried", script: []int{400, 200}, retries: 3, attempts: 1, wantErr: "HTTP 400 (attempts: 1)"},
		{name: "404: not retried", script: []int{404}, retries: 3, attempts: 1, wantErr: "HTTP 404"},
		{name: "302: not followed, not retried", script: []int{302, 200}, retries: 3, attempts: 1, wantErr: "HTTP 302: a webhook is not followed"},
		{name: "429 with Retry-After then 200", script: []int{429, 200}, retries: 1, attempts: 2},
		{name: "timeout: retried, then given up", script: []int{200}, delay: 2 * time.Second, retries: 1, attempts: 2,
			wantErr: "Client.Timeout exceeded", maxTook: 1500 * time.Millisecond},
		{name: "receiver down: retried", closed: true, retries: 2, attempts: 3, wantErr: "connection refused"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rcv := &receiver{script: c.script, delay: c.delay}
			srv := httptest.NewServer(rcv)
			t.Cleanup(srv.Close)
			if c.closed {
				srv.Close()
			}
			hook := hookFor(t, srv.URL, token)
			p := NewPoster(PosterOptions{Timeout: 300 * time.Millisecond, Retries: c.retries, RetryWait: 20 * time.Millisecond, MaxWait: time.Second})
			start := time.Now()
			attempts, err := p.Post(context.Background(), hook, d)
			took := time.Since(start)
			if attempts != c.attempts {
				t.Errorf("attempts %d, want %d (err %v)", attempts, c.attempts, err)
			}
			if !c.closed && int(rcv.calls.Load()) != c.attempts {
				t.Errorf("the receiver got %d requests, want %d", rcv.calls.Load(), c.attempts)
			}
			switch {
			case c.wantErr == "" && err != nil:
				t.Fatalf("Post: %v", err)
			case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
				t.Fatalf("Post error %v, want one with %q", err, c.wantErr)
			case err != nil:
				if strings.Contains(err.Error(), token) || strings.Contains(err.Error(), "/hooks/") {
					t.Errorf("the error shows the URL beyond its host: %v", err)
				}
				if !strings.Contains(err.Error(), "unit 21637 ("+srv.URL+")") {
					t.Errorf("the error does not name the unit and host: %v", err)
				}
			}
			if c.maxTook > 0 && took > c.maxTook {
				t.Errorf("took %s, want ≤ %s (the timeout is per attempt)", took, c.maxTook)
			}
			checkBodies(t, rcv, d)
		})
	}
}

// checkBodies: every request carried the digest and the same key.
func checkBodies(t *testing.T, rcv *receiver, d Digest) {
	t.Helper()
	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	for i, b := range rcv.bodies {
		var got Digest
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("body %d is not a digest: %v", i, err)
		}
		if got.UnitCode != d.UnitCode || got.WatchID != d.WatchID || got.AtStake != d.AtStake || len(got.Scores) != 1 {
			t.Errorf("body %d = %+v, want the digest", i, got)
		}
		if rcv.keys[i] != "watch-1/21637" {
			t.Errorf("Idempotency-Key %q, want watch-1/21637", rcv.keys[i])
		}
	}
}

// TestPosterStopsWithItsContext: a cancelled watch stops waiting between
// attempts at once.
func TestPosterStopsWithItsContext(t *testing.T) {
	srv := httptest.NewServer(&receiver{script: []int{503}})
	t.Cleanup(srv.Close)
	p := NewPoster(PosterOptions{Timeout: time.Second, Retries: 5, RetryWait: 10 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := p.Post(ctx, hookFor(t, srv.URL, "tok"), Digest{UnitCode: "21637"})
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second {
		t.Fatalf("Post = %v after %s, want the context's deadline within 2s", err, time.Since(start))
	}
}

// TestDeliverPostsEachUnitItsDigest: each webhook gets its own unit's
// digest; a unit without one is not posted.
func TestDeliverPostsEachUnitItsDigest(t *testing.T) {
	var mu sync.Mutex
	got := map[string]string{} // path → unit of the body
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var d Digest
		_ = json.NewDecoder(r.Body).Decode(&d)
		mu.Lock()
		got[r.URL.Path] = d.UnitCode
		mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	file := "unit_code,url\n21637," + srv.URL + "/a\n21640," + srv.URL + "/b\n52," + srv.URL + "/c\n"
	hooks, err := ParseWebhooks(strings.NewReader(file), "hooks.csv", knownUnits)
	if err != nil {
		t.Fatal(err)
	}
	ds := []Digest{{UnitCode: "21637", WatchID: "w"}, {UnitCode: "52", WatchID: "w"}, {UnitCode: "21664", WatchID: "w"}}
	out := NewPoster(PosterOptions{Timeout: time.Second}).Deliver(context.Background(), hooks, ds)
	if len(out) != 3 || out[0].Err != nil || out[2].Err != nil || !out[1].NoDigest || out[1].Attempts != 0 {
		t.Fatalf("deliveries %+v, want 21637 and 52 sent, 21640 without a digest", out)
	}
	if want := map[string]string{"/a": "21637", "/c": "52"}; len(got) != 2 || got["/a"] != want["/a"] || got["/c"] != want["/c"] {
		t.Errorf("the receiver got %v, want %v", got, want)
	}
}
