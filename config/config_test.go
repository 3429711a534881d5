package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func writeFile(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "dvcindex.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDefaultsAreValid(t *testing.T) {
	cfg, err := Load("", nil)
	if err != nil {
		t.Fatalf("defaults: %v", err)
	}
	if cfg.ClickHouse.Addr.String() != "127.0.0.1:9000" || cfg.ClickHouse.Database != "dvc" || cfg.ClickHouse.BatchRows != 10000 {
		t.Fatalf("unexpected defaults: %+v", cfg.ClickHouse)
	}
	if cfg.Sync.Since.String() != "2024-01-01" || cfg.Sync.Lookback.D() != time.Hour || cfg.Sync.SafetyLag.D() != 5*time.Minute {
		t.Fatalf("unexpected sync defaults: %+v", cfg.Sync)
	}
}

func TestFileThenEnv(t *testing.T) {
	p := writeFile(t, `
clickhouse:
  addr: 10.0.0.1:9000
  database: dvc_file
portal:
  password: file-pass
sync:
  since: 2023-06-01
  lookback: 2h
`)
	cfg, err := Load(p, []string{"DVC_CLICKHOUSE_DATABASE=dvc_env", "DVC_PORTAL_PAGE_SIZE=250", "PATH=/bin", "DVC_PII_KEY=k"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ key, got, want, origin string }{
		{"clickhouse.addr", cfg.ClickHouse.Addr.String(), "10.0.0.1:9000", "file " + p},
		{"clickhouse.database", cfg.ClickHouse.Database, "dvc_env", "env DVC_CLICKHOUSE_DATABASE"},
		{"portal.page_size", fmt.Sprint(cfg.Portal.PageSize), "250", "env DVC_PORTAL_PAGE_SIZE"},
		{"sync.since", cfg.Sync.Since.String(), "2023-06-01", "file " + p},
		{"sync.lookback", cfg.Sync.Lookback.String(), "2h0m0s", "file " + p},
		{"serve.addr", cfg.Serve.Addr, "127.0.0.1:9108", "default"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %q, want %q", tt.key, tt.got, tt.want)
		}
		if o := cfg.Origin(tt.key); o != tt.origin {
			t.Errorf("%s origin = %q, want %q", tt.key, o, tt.origin)
		}
	}
}

func TestErrorsNameTheKey(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		env     []string
		wantKey []string
	}{
		{"unknown file key", "clickhouse:\n  adress: x:1\n", nil, []string{"adress"}},
		{"unknown env key", "", []string{"DVC_CLICKHOUSE_ADRESS=x"}, []string{"DVC_CLICKHOUSE_ADRESS"}},
		{"bad duration env", "", []string{"DVC_SYNC_LOOKBACK=soon"}, []string{"sync.lookback"}},
		{"bad duration file", "sync:\n  safety_lag: later\n", nil, []string{"later"}},
		{"bad values", "clickhouse:\n  addr: nohost\n  database: 1-bad\nportal:\n  page_size: 5000\n", nil,
			[]string{"clickhouse.addr", "clickhouse.database", "portal.page_size"}},
		{"bad cron", "schedule:\n  sync: \"61 * * * *\"\n", nil, []string{"schedule.sync"}},
		{"bad date", "sync:\n  since: 2024-13-01\n", nil, []string{"2024-13-01"}},
		{"min window longer than the window", "sync:\n  window: 24h\n  min_window: 48h\n", nil, []string{"sync.min_window"}},
		{"min window under a second", "", []string{"DVC_SYNC_MIN_WINDOW=10ms"}, []string{"sync.min_window"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := ""
			if tt.file != "" {
				p = writeFile(t, tt.file)
			}
			_, err := Load(p, tt.env)
			if err == nil {
				t.Fatal("expected an error")
			}
			for _, k := range tt.wantKey {
				if !strings.Contains(err.Error(), k) {
					t.Errorf("error %q does not name %q", err, k)
				}
			}
		})
	}
}

func TestValidationErrorsAreTyped(t *testing.T) {
	_, err := Load("", []string{"DVC_CLICKHOUSE_BATCH_ROWS=0"})
	var ce *Error
	if !errors.As(err, &ce) || ce.Key != "clickhouse.batch_rows" || ce.Origin != "env DVC_CLICKHOUSE_BATCH_ROWS" {
		t.Fatalf("want *Error for clickhouse.batch_rows from env, got %v", err)
	}
}

func TestSecretsAreRedacted(t *testing.T) {
	p := writeFile(t, "clickhouse:\n  password: ch-s3cret\nportal:\n  password: portal-s3cret\n")
	cfg, err := Load(p, []string{"DVC_PII_KEY=pii-s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	out := cfg.Redacted() + fmt.Sprintf("%v %+v %#v %s", cfg, cfg, cfg, cfg.Portal.Password)
	for _, s := range []string{"ch-s3cret", "portal-s3cret", "pii-s3cret"} {
		if strings.Contains(out, s) {
			t.Fatalf("secret %q leaked in:\n%s", s, out)
		}
	}
	if cfg.PII.Key.Reveal() != "pii-s3cret" || !strings.Contains(cfg.Redacted(), Redacted) {
		t.Fatal("secret value lost or not marked redacted")
	}
	// A secret in a bad value must not be echoed either.
	_, err = Load("", []string{"DVC_PORTAL_PASSWORD=portal-s3cret", "DVC_PORTAL_BASE_URL=ftp://user:url-s3cret@host"})
	if err == nil || !strings.Contains(err.Error(), "portal.base_url") {
		t.Fatalf("want base_url error, got %v", err)
	}
	for _, s := range []string{"url-s3cret", "portal-s3cret"} {
		if strings.Contains(err.Error(), s) || strings.Contains(fmt.Sprintf("%+v %#v", err, err), s) {
			t.Errorf("secret %q echoed in the error: %v", s, err)
		}
	}
}

func TestEnvNames(t *testing.T) {
	for _, k := range Keys() {
		if !strings.HasPrefix(EnvName(k), "DVC_") || strings.Contains(EnvName(k), ".") {
			t.Errorf("bad env name for %s: %s", k, EnvName(k))
		}
	}
	if EnvName("clickhouse.addr") != "DVC_CLICKHOUSE_ADDR" || EnvName("sync.safety_lag") != "DVC_SYNC_SAFETY_LAG" {
		t.Fatal("env names differ from interfaces.md")
	}
}

// TestHarnessVariablesAreNotConfiguration: `make test` exports DVC_TEST_*
// to every command it runs (doctor --selftest included); they are not keys,
// and a misspelt key still is an error.
func TestHarnessVariablesAreNotConfiguration(t *testing.T) {
	env := []string{"DVC_CONFIG=", "DVC_TEST_CLICKHOUSE=127.0.0.1:19000", "DVC_TEST_CHROMIUM=/usr/bin/chromium", "DVC_TEST_KEEP_DB=1"}
	if _, err := Load("", env); err != nil {
		t.Fatalf("harness variables rejected: %v", err)
	}
	if _, err := Load("", append(env, "DVC_TESTS=1")); err == nil || !strings.Contains(err.Error(), "DVC_TESTS") {
		t.Fatalf("DVC_TESTS (not a harness prefix, not a key) accepted: %v", err)
	}
}

// TestIndicatorRules: the defaults score as the national portal does
// (dvcqg-2026); the earlier readings are settings; anything else names
// its key.
func TestIndicatorRules(t *testing.T) {
	cfg, err := Load("", nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Indicators.ZeroDenominator != "official" || cfg.Indicators.SyncScoring != "official" {
		t.Fatalf("defaults zero_denominator %q, sync_scoring %q; want official, official", cfg.Indicators.ZeroDenominator, cfg.Indicators.SyncScoring)
	}
	tests := []struct {
		env     string
		wantErr string // "" when valid
	}{
		{"DVC_INDICATORS_SYNC_SCORING=deadline", ""},
		{"DVC_INDICATORS_ZERO_DENOMINATOR=zero", ""},
		{"DVC_INDICATORS_SYNC_SCORING=late", "indicators.sync_scoring"},
		{"DVC_INDICATORS_ZERO_DENOMINATOR=null", "indicators.zero_denominator"},
		{"DVC_INDICATORS_ONLINE_FORMULA=fit", "DVC_INDICATORS_ONLINE_FORMULA"},
	}
	for _, tt := range tests {
		t.Run(tt.env, func(t *testing.T) {
			_, err := Load("", []string{tt.env})
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("%s: %v", tt.env, err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("%s: error %v, want one naming %s", tt.env, err, tt.wantErr)
			}
		})
	}
}
