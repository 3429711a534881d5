package load_test

import (
	"context"
	"crypto/tls"
	"testing"
	"time"

	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/load/chtest"
)

// TestTLSOptionIsUsed: with Options.TLS the store speaks TLS, so the test
// server's plain native port refuses the handshake; without it the same
// address answers.
func TestTLSOptionIsUsed(t *testing.T) {
	tests := []struct {
		name    string
		tls     *tls.Config
		wantErr bool
	}{
		{"plain", nil, false},
		{"tls against a plain port", &tls.Config{MinVersion: tls.VersionTLS12, ServerName: "localhost"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := chtest.Options(t)
			opts.TLS, opts.DialTimeout, opts.ReadTimeout = tt.tls, 2*time.Second, 5*time.Second
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			s, err := load.Open(ctx, opts)
			if err == nil {
				if cerr := s.Close(); cerr != nil {
					t.Errorf("close: %v", cerr)
				}
			}
			if (err != nil) != tt.wantErr {
				t.Fatalf("Open: %v, want error %v", err, tt.wantErr)
			}
		})
	}
}
