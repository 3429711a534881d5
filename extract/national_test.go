package extract

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestNationalClientPost(t *testing.T) {
	const ok = `{"code":"OK","data":{},"message":"OK"}`
	type answer struct {
		status int
		body   string
	}
	tests := []struct {
		name      string
		answers   []answer // the last one repeats
		wantErr   error
		wantCalls int32
	}{
		{"201 accepted", []answer{{201, ok}}, nil, 1},
		{"200 accepted too", []answer{{200, ok}}, nil, 1},
		{"429 then 201", []answer{{429, ""}, {201, ok}}, nil, 2},
		{"403 repeated stops", []answer{{403, `{"code":"FORBIDDEN","message":"no"}`}}, ErrThrottled, 3},
		{"429 repeated stops", []answer{{429, ""}}, ErrThrottled, 3},
		{"5xx retried then exhausted", []answer{{503, ""}}, ErrRetriesExhausted, 3},
		{"envelope not OK", []answer{{201, `{"code":"ERROR","message":"bad root"}`}}, ErrPermanent, 1},
		{"400 permanent", []answer{{400, ""}}, ErrPermanent, 1},
		{"cut body retried", []answer{{201, `{"code":"OK","da`}, {201, ok}}, nil, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n := int(calls.Add(1)) - 1
				if r.Method != http.MethodPost || r.Header.Get("Authorization") != "" || r.Header.Get("Content-Type") != "application/json" {
					t.Errorf("request %s auth %q type %q", r.Method, r.Header.Get("Authorization"), r.Header.Get("Content-Type"))
				}
				a := tt.answers[min(n, len(tt.answers)-1)]
				w.Header().Set("Content-Type", "application/json; charset=utf-8")
				w.WriteHeader(a.status)
				if _, err := w.Write([]byte(a.body)); err != nil {
					t.Errorf("answer %d: %v", n, err)
				}
			}))
			defer srv.Close()
			c := NewNational(NationalOptions{BaseURL: srv.URL, MaxRetries: 2, RetryWait: time.Millisecond, RetryMaxWait: 2 * time.Millisecond, MaxThrottled: 3})
			body, err := c.Post(context.Background(), "/api/v1/reporting/evaluation/transparency", []byte(`{}`))
			if tt.wantErr == nil && (err != nil || string(body) != ok) {
				t.Fatalf("err %v body %q", err, body)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("err %v, want %v", err, tt.wantErr)
			}
			if got := calls.Load(); got != tt.wantCalls {
				t.Errorf("%d calls, want %d", got, tt.wantCalls)
			}
			if errors.Is(err, ErrThrottled) && !strings.Contains(err.Error(), "3 in a row") {
				t.Errorf("error does not say how often: %v", err)
			}
		})
	}
}
