package extract

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// TestOnRetryCountsEveryRetry: the callback sees each retry (not the first
// attempt, not the final success), with the path and the attempt number.
func TestOnRetryCountsEveryRetry(t *testing.T) {
	tests := []struct {
		name        string
		script      []func(http.ResponseWriter)
		retries     int
		wantErr     bool
		wantAttempt []int
	}{
		{"no failure, no retry", []func(http.ResponseWriter){okJSON}, 3, false, nil},
		{"two 503 then ok", []func(http.ResponseWriter){status(503, `{}`), status(503, `{}`), okJSON}, 3, false, []int{1, 2}},
		{"exhausted", []func(http.ResponseWriter){status(503, `{}`)}, 2, true, []int{1, 2}},
		{"permanent is not retried", []func(http.ResponseWriter){status(404, `{"error_code":"404"}`)}, 3, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakePortal{password: "p", script: tt.script}
			srv := httptest.NewServer(f)
			defer srv.Close()
			var mu sync.Mutex
			var got []int
			c := New(Options{BaseURL: srv.URL, Password: "p", MaxRetries: tt.retries, RetryWait: time.Millisecond, RetryMaxWait: 2 * time.Millisecond,
				OnRetry: func(path string, attempt int, wait time.Duration, err error) {
					mu.Lock()
					defer mu.Unlock()
					if path != "/api/v1/x" || err == nil || wait <= 0 {
						t.Errorf("OnRetry(%q, %d, %s, %v)", path, attempt, wait, err)
					}
					got = append(got, attempt)
				}})
			err := c.Get(context.Background(), "/api/v1/x", nil, &struct{}{})
			if (err != nil) != tt.wantErr {
				t.Fatalf("err %v, wantErr %v", err, tt.wantErr)
			}
			if len(got) != len(tt.wantAttempt) {
				t.Fatalf("retries %v, want %v", got, tt.wantAttempt)
			}
			for i := range got {
				if got[i] != tt.wantAttempt[i] {
					t.Fatalf("retries %v, want %v", got, tt.wantAttempt)
				}
			}
		})
	}
}
