package config

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTransportSettings: plain http only on loopback or with
// portal.allow_http; ClickHouse TLS options are consistent; URLs in errors,
// doctor's values and the printed configuration are redacted.
func TestTransportSettings(t *testing.T) {
	ca := writeCA(t)
	notPEM := filepath.Join(t.TempDir(), "not.pem")
	if err := os.WriteFile(notPEM, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		env     []string
		wantErr []string // substrings of the error; none: valid
	}{
		{"loopback http", []string{"DVC_PORTAL_BASE_URL=http://127.0.0.1:8089"}, nil},
		{"localhost http", []string{"DVC_PORTAL_BASE_URL=http://localhost:8089"}, nil},
		{"ipv6 loopback http", []string{"DVC_PORTAL_BASE_URL=http://[::1]:8089"}, nil},
		{"remote https", []string{"DVC_PORTAL_BASE_URL=https://dvc.binhdinh.gov.vn"}, nil},
		{"remote http refused", []string{"DVC_PORTAL_BASE_URL=http://dvc.binhdinh.gov.vn"}, []string{"portal.base_url", "plain http", "allow_http"}},
		{"remote http allowed", []string{"DVC_PORTAL_BASE_URL=http://dvc.binhdinh.gov.vn", "DVC_PORTAL_ALLOW_HTTP=true"}, nil},
		{"source override http refused", []string{"DVC_SOURCES_BCQG_BASE_URL=http://10.1.2.3/api"}, []string{"sources.bcqg.base_url", "plain http"}},
		{"credentials in a bad URL are not echoed", []string{"DVC_PORTAL_BASE_URL=http://user:s3cret@dvc.example?token=t0k"},
			[]string{"[redacted]@dvc.example?[redacted]"}},
		{"tls with a CA", []string{"DVC_CLICKHOUSE_TLS=true", "DVC_CLICKHOUSE_CA_FILE=" + ca, "DVC_CLICKHOUSE_TLS_SERVER_NAME=ch.internal"}, nil},
		{"tls with the system CAs", []string{"DVC_CLICKHOUSE_TLS=true"}, nil},
		{"ca_file without tls", []string{"DVC_CLICKHOUSE_CA_FILE=" + ca}, []string{"clickhouse.ca_file", "clickhouse.tls"}},
		{"server name without tls", []string{"DVC_CLICKHOUSE_TLS_SERVER_NAME=x"}, []string{"clickhouse.tls_server_name"}},
		{"missing CA file", []string{"DVC_CLICKHOUSE_TLS=true", "DVC_CLICKHOUSE_CA_FILE=/nonexistent/ca.pem"}, []string{"clickhouse.ca_file", "cannot read"}},
		{"CA file without a certificate", []string{"DVC_CLICKHOUSE_TLS=true", "DVC_CLICKHOUSE_CA_FILE=" + notPEM}, []string{"clickhouse.ca_file", "no PEM"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Load("", tt.env)
			if len(tt.wantErr) == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if cfg.ClickHouse.TLS {
					tc, err := cfg.ClickHouse.TLSConfig()
					if err != nil || tc == nil || tc.ServerName != cfg.ClickHouse.TLSServerName || (cfg.ClickHouse.CAFile != "") != (tc.RootCAs != nil) {
						t.Fatalf("TLSConfig() = %+v, %v", tc, err)
					}
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			for _, secret := range []string{"s3cret", "t0k"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q shows %q", err, secret)
				}
			}
		})
	}
}

func TestPrintedURLsAreRedacted(t *testing.T) {
	cfg, err := Load("", []string{"DVC_PORTAL_BASE_URL=https://user:s3cret@dvc.example/api?token=t0k",
		"DVC_SOURCES_EVALUATION_BASE_URL=https://national:n4tional@dvcqg.example/?key=k3y"})
	if err != nil {
		t.Fatal(err)
	}
	v, ok := cfg.Value("portal.base_url")
	ev, eok := cfg.Value("sources.evaluation.base_url")
	if !ok || !eok {
		t.Fatalf("keys unknown: portal.base_url %v, sources.evaluation.base_url %v", ok, eok)
	}
	for _, out := range []string{v, ev, cfg.Redacted()} {
		for _, secret := range []string{"s3cret", "t0k", "n4tional", "k3y"} {
			if strings.Contains(out, secret) {
				t.Errorf("printed configuration shows %q:\n%s", secret, out)
			}
		}
	}
	if v != "https://[redacted]@dvc.example/api?[redacted]" {
		t.Errorf("portal.base_url prints as %q", v)
	}
	if cfg.Portal.BaseURL != "https://user:s3cret@dvc.example/api?token=t0k" {
		t.Error("printing changed the configuration")
	}
}

func writeCA(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"}, IsCA: true,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
