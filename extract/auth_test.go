package extract

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestAuthFollowsNoRedirect: a token endpoint that redirects (301, 302,
// 307, 308 — 307/308 would re-send the body with the password) fails the
// request as permanent, and the redirect target never sees a request.
func TestAuthFollowsNoRedirect(t *testing.T) {
	for _, code := range []int{301, 302, 307, 308} {
		t.Run(http.StatusText(code), func(t *testing.T) {
			var stolen atomic.Int32
			elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				stolen.Add(1)
				if _, err := io.Copy(io.Discard, r.Body); err != nil {
					t.Errorf("read the stolen request: %v", err)
				}
				w.Header().Set("Content-Type", "application/json")
				if _, err := io.WriteString(w, `{"error_code":"0","access_token":"t","expires_in":60}`); err != nil {
					t.Errorf("answer the stolen request: %v", err)
				}
			}))
			defer elsewhere.Close()
			portal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, elsewhere.URL+"/api/v1/auth/token?session=s3cret", code)
			}))
			defer portal.Close()
			c := New(Options{BaseURL: portal.URL, Username: "u", Password: "pw-secret", MaxRetries: 3, RetryWait: time.Millisecond})
			var out struct{}
			err := c.Get(context.Background(), "/api/v1/dossiers", url.Values{"page": {"1"}}, &out)
			if !errors.Is(err, ErrPermanent) {
				t.Fatalf("error %v, want a permanent error", err)
			}
			if n := stolen.Load(); n != 0 {
				t.Fatalf("the redirect target received %d requests", n)
			}
			for _, want := range []string{"redirect", "[redacted]"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
			for _, secret := range []string{"s3cret", "pw-secret"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q shows %q", err, secret)
				}
			}
		})
	}
}

func TestScrubRedactsURLErrors(t *testing.T) {
	err := scrub(&url.Error{Op: "Get", URL: "https://user:pw@portal.example/api/v1/dossiers?token=t0k", Err: errors.New("boom")})
	if got := err.Error(); strings.Contains(got, "pw") || strings.Contains(got, "t0k") || !strings.Contains(got, "portal.example/api/v1/dossiers") {
		t.Fatalf("scrubbed error %q", got)
	}
}
