package simulator

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"
	"time"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, Location) }

func newSim(t testing.TB, mutate func(*Options)) *Simulator {
	t.Helper()
	o := DefaultOptions()
	if mutate != nil {
		mutate(&o)
	}
	s, err := New(o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

func do(h http.Handler, method, target, auth string, body []byte) *httptest.ResponseRecorder {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req := httptest.NewRequest(method, target, rd)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func login(t testing.TB, s *Simulator) string {
	t.Helper()
	rec := do(s.Handler(), http.MethodPost, "/api/v1/auth/token", "", []byte(`{"username":"`+s.opts.Username+`","password":"`+s.opts.Password+`"}`))
	if rec.Code != http.StatusOK {
		t.Fatalf("login: %d %s", rec.Code, rec.Body)
	}
	var tr tokenResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &tr); err != nil || tr.AccessToken == "" {
		t.Fatalf("login body %s: %v", rec.Body, err)
	}
	return tr.AccessToken
}

type pageResp struct {
	ErrorCode string                       `json:"error_code"`
	Message   string                       `json:"message"`
	Page      int                          `json:"page"`
	PageSize  int                          `json:"page_size"`
	Total     int                          `json:"total"`
	Data      []map[string]json.RawMessage `json:"data"`
}

// dossierURL is the request of a page of the dossiers updated in
// [from, to) (a zero bound is left open).
func dossierURL(from, to time.Time, page, size int) string {
	return windowURL("/api/v1/dossiers", from, to, page, size)
}

// windowURL is the request of a page of endpoint path for the records
// updated in [from, to) (a zero bound is left open).
func windowURL(path string, from, to time.Time, page, size int) string {
	v := url.Values{}
	if !from.IsZero() {
		v.Set("updated_from", from.In(Location).Format(layCompact))
	}
	if !to.IsZero() {
		v.Set("updated_to", to.In(Location).Format(layCompact))
	}
	v.Set("page", strconv.Itoa(page))
	v.Set("page_size", strconv.Itoa(size))
	return path + "?" + v.Encode()
}

func getPage(t testing.TB, s *Simulator, tok, target string) (pageResp, []byte) {
	t.Helper()
	rec := do(s.Handler(), http.MethodGet, target, "Bearer "+tok, nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", target, rec.Code, rec.Body)
	}
	var p pageResp
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatalf("GET %s: bad JSON: %v", target, err)
	}
	if p.ErrorCode != "0" {
		t.Fatalf("GET %s: error_code %q", target, p.ErrorCode)
	}
	return p, rec.Body.Bytes()
}

// allRecords pages through the dossiers of [from, to) and returns the
// records in order.
func allRecords(t testing.TB, s *Simulator, tok string, from, to time.Time, size int) []map[string]json.RawMessage {
	t.Helper()
	return allPages(t, s, tok, dossierURL, from, to, size)
}

// allPages pages through the records of [from, to) that target addresses,
// checks that their count is the total the pages say, and returns them in
// order.
func allPages(t testing.TB, s *Simulator, tok string, target func(from, to time.Time, page, size int) string,
	from, to time.Time, size int) []map[string]json.RawMessage {
	t.Helper()
	var out []map[string]json.RawMessage
	for page := 1; ; page++ {
		p, _ := getPage(t, s, tok, target(from, to, page, size))
		out = append(out, p.Data...)
		if len(p.Data) < size {
			if len(out) != p.Total {
				t.Fatalf("window %v..%v: got %d records, total says %d", from, to, len(out), p.Total)
			}
			return out
		}
	}
}

// jstr decodes a string field; ok is false when absent or null.
func jstr(rec map[string]json.RawMessage, k string) (string, bool) {
	raw, ok := rec[k]
	if !ok || string(raw) == "null" {
		return "", false
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false
	}
	return s, true
}

// parseAny parses the date formats the portal contract allows; dateOnly
// reports a dd/MM/yyyy value.
func parseAny(s string) (t time.Time, dateOnly bool, ok bool) {
	for _, l := range []string{layCompact, layVN, layVNDate, time.RFC3339} {
		if v, err := time.ParseInLocation(l, s, Location); err == nil {
			return v, l == layVNDate, true
		}
	}
	return time.Time{}, false, false
}
