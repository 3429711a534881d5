package extract

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// fakePortal answers auth and lets each test script the data endpoint's
// responses, one per call.
type fakePortal struct {
	calls    atomic.Int32
	auths    atomic.Int32
	password string
	script   []func(w http.ResponseWriter)
}

func (f *fakePortal) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/api/v1/auth/token" {
		var in struct{ Username, Password string }
		err := json.NewDecoder(r.Body).Decode(&in)
		w.Header().Set("Content-Type", "application/json")
		if err != nil || in.Password != f.password {
			w.WriteHeader(401)
			fmt.Fprint(w, `{"error_code":"401","message":"bad credentials"}`)
			return
		}
		n := f.auths.Add(1)
		fmt.Fprintf(w, `{"error_code":"0","message":"","access_token":"tok%d","expires_in":3600}`, n)
		return
	}
	i := int(f.calls.Add(1)) - 1
	if i >= len(f.script) {
		i = len(f.script) - 1
	}
	f.script[i](w)
}

func okJSON(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprint(w, `{"error_code":"0","message":"","value":42}`)
}

func status(code int, body string, hdr ...string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		for i := 0; i+1 < len(hdr); i += 2 {
			w.Header().Set(hdr[i], hdr[i+1])
		}
		w.WriteHeader(code)
		fmt.Fprint(w, body)
	}
}

func html200(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html")
	fmt.Fprint(w, "<html><body>Service Unavailable</body></html>")
}

func truncated(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprint(w, `{"error_code":"0","message":"","value":4`)
}

func reset(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("no hijacker")
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(err)
	}
	if err := conn.Close(); err != nil {
		panic(err)
	}
}

func newTestClient(t *testing.T, f *fakePortal, retries int) *Client {
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return New(Options{BaseURL: srv.URL, Username: "u", Password: f.password, Timeout: 2 * time.Second,
		MaxRetries: retries, RetryWait: 2 * time.Millisecond, RetryMaxWait: 20 * time.Millisecond})
}

func TestGetFaults(t *testing.T) {
	tests := []struct {
		name       string
		script     []func(http.ResponseWriter)
		wantErr    error // nil = success
		wantCalls  int32
		wantAuths  int32
		errContain string
	}{
		{"ok", []func(http.ResponseWriter){okJSON}, nil, 1, 1, ""},
		{"401 re-auths once", []func(http.ResponseWriter){status(401, `{"error_code":"401"}`), okJSON}, nil, 2, 2, ""},
		{"429 then ok", []func(http.ResponseWriter){status(429, `{"error_code":"429"}`, "Retry-After", "0"), okJSON}, nil, 2, 1, ""},
		{"503 502 504 then ok", []func(http.ResponseWriter){status(503, "x"), status(502, "x"), status(504, "x"), okJSON}, nil, 4, 1, ""},
		{"html 200 then ok", []func(http.ResponseWriter){html200, okJSON}, nil, 2, 1, ""},
		{"truncated then ok", []func(http.ResponseWriter){truncated, okJSON}, nil, 2, 1, ""},
		{"reset then ok", []func(http.ResponseWriter){reset, okJSON}, nil, 2, 1, ""},
		{"400 is permanent", []func(http.ResponseWriter){status(400, `{"error_code":"E1","message":"bad page"}`)}, ErrPermanent, 1, 1, "bad page"},
		{"404 is permanent", []func(http.ResponseWriter){status(404, `{"error_code":"404","message":"no such"}`)}, ErrPermanent, 1, 1, "HTTP 404"},
		{"error_code is permanent", []func(http.ResponseWriter){status(200, `{"error_code":"99","message":"quota"}`)}, ErrPermanent, 1, 1, "quota"},
		{"503 forever exhausts", []func(http.ResponseWriter){status(503, "x")}, ErrRetriesExhausted, 4, 1, "4 attempts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakePortal{password: "s3cret-pw", script: tt.script}
			c := newTestClient(t, f, 3)
			var out struct{ Value int }
			err := c.Get(context.Background(), "/api/v1/x", nil, &out)
			if tt.wantErr == nil {
				if err != nil || out.Value != 42 {
					t.Fatalf("err=%v value=%d", err, out.Value)
				}
			} else if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), tt.errContain) {
				t.Fatalf("err = %v, want %v containing %q", err, tt.wantErr, tt.errContain)
			}
			if got := f.calls.Load(); got != tt.wantCalls {
				t.Errorf("data calls = %d, want %d", got, tt.wantCalls)
			}
			if got := f.auths.Load(); got != tt.wantAuths {
				t.Errorf("auths = %d, want %d", got, tt.wantAuths)
			}
		})
	}
}

func TestBadCredentialsArePermanentAndSecretFree(t *testing.T) {
	f := &fakePortal{password: "right", script: []func(http.ResponseWriter){okJSON}}
	srv := httptest.NewServer(f)
	defer srv.Close()
	c := New(Options{BaseURL: srv.URL, Username: "u", Password: "wrong-s3cret", MaxRetries: 3, RetryWait: time.Millisecond})
	err := c.Get(context.Background(), "/api/v1/x", nil, &struct{}{})
	if !errors.Is(err, ErrPermanent) || !strings.Contains(err.Error(), "credentials") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "wrong-s3cret") {
		t.Fatal("password in error")
	}
	if f.calls.Load() != 0 {
		t.Fatal("data endpoint called without a token")
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	f := &fakePortal{password: "p", script: []func(http.ResponseWriter){status(429, `{"error_code":"429"}`, "Retry-After", "1"), okJSON}}
	srv := httptest.NewServer(f)
	defer srv.Close()
	c := New(Options{BaseURL: srv.URL, Password: "p", MaxRetries: 2, RetryWait: time.Millisecond, RetryMaxWait: 5 * time.Second})
	start := time.Now()
	if err := c.Get(context.Background(), "/api/v1/x", nil, &struct{}{}); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited < 900*time.Millisecond {
		t.Fatalf("waited %s, want ≥ 1s from Retry-After", waited)
	}
}

func TestWindowedStreamsAllPages(t *testing.T) {
	const total = 23
	var gotQueries []string
	mux := http.NewServeMux()
	mux.HandleFunc("/api/v1/auth/token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"error_code":"0","access_token":"t","expires_in":3600}`)
	})
	mux.HandleFunc("/api/v1/dossiers", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		gotQueries = append(gotQueries, q.Get("updated_from")+"-"+q.Get("updated_to"))
		page, _ := strconv.Atoi(q.Get("page"))
		size, _ := strconv.Atoi(q.Get("page_size"))
		var recs []string
		for i := (page - 1) * size; i < min(page*size, total); i++ {
			recs = append(recs, fmt.Sprintf(`{"MaHoSo":"D%02d"}`, i))
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		fmt.Fprintf(w, `{"error_code":"0","message":"","page":%d,"page_size":%d,"total":%d,"data":[%s]}`, page, size, total, strings.Join(recs, ","))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	loc := time.FixedZone("ICT", 7*3600)
	src := &Windowed{Client: New(Options{BaseURL: srv.URL}), Source: "dossiers", Path: "/api/v1/dossiers", PageSize: 10, Location: loc}
	w := Window{From: time.Date(2024, 1, 1, 0, 0, 0, 0, loc), To: time.Date(2024, 2, 1, 0, 0, 0, 0, loc)}
	out := make(chan Page, 1)
	errc := make(chan error, 1)
	go func() { errc <- src.Stream(context.Background(), w, out); close(out) }()
	var ids []string
	for p := range out {
		for _, r := range p.Records {
			var d struct{ MaHoSo string }
			if err := json.Unmarshal(r, &d); err != nil {
				t.Errorf("record %s: %v", r, err)
			}
			ids = append(ids, d.MaHoSo)
		}
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if len(ids) != total || ids[0] != "D00" || ids[total-1] != "D22" {
		t.Fatalf("got %d records %v", len(ids), ids)
	}
	if gotQueries[0] != "20240101000000-20240201000000" {
		t.Fatalf("window query %q", gotQueries[0])
	}
}

func TestPlanAndIncrementalWindows(t *testing.T) {
	loc := time.FixedZone("ICT", 7*3600)
	from := time.Date(2024, 1, 1, 0, 0, 0, 0, loc)
	ws := PlanWindows(from, from.Add(70*time.Hour), 24*time.Hour)
	if len(ws) != 3 || !ws[2].To.Equal(from.Add(70*time.Hour)) || !ws[1].From.Equal(ws[0].To) {
		t.Fatalf("windows %v", ws)
	}
	now := from.Add(10 * time.Hour)
	w, ok := IncrementalWindow(from.Add(2*time.Hour), time.Hour, 5*time.Minute, now)
	if !ok || !w.From.Equal(from.Add(time.Hour)) || !w.To.Equal(now.Add(-5*time.Minute)) {
		t.Fatalf("window %v ok=%v", w, ok)
	}
	if _, ok := IncrementalWindow(now, 0, 5*time.Minute, now); ok {
		t.Fatal("a window reaching past now − safety lag must not be read")
	}
}
