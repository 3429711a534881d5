package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestSourceOverrides(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "c.yaml")
	yaml := `portal:
  base_url: http://portal:8089
  allow_http: true
  page_size: 500
  password: shared
sources:
  evaluation:
    base_url: https://dvcqg.example/api
    username: national
    password: national-secret
    rate_limit: 2
    concurrency: 4
  bcqg:
    page_size: 100
files:
  inbox: /srv/inbox
`
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(path, []string{"DVC_SOURCES_DOSSIERS_TIMEOUT=5s", "DVC_SOURCES_PETITIONS_MAX_RETRIES=9"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		source string
		check  func(Portal) bool
	}{
		{"dossiers", func(p Portal) bool {
			return p.BaseURL == "http://portal:8089" && p.PageSize == 500 && p.Timeout.D() == 5*time.Second && p.Password.Reveal() == "shared"
		}},
		{"petitions", func(p Portal) bool { return p.MaxRetries == 9 && p.Timeout.D() == 30*time.Second }},
		{"evaluation", func(p Portal) bool {
			return p.BaseURL == "https://dvcqg.example/api" && p.Username == "national" && p.Password.Reveal() == "national-secret" &&
				p.RateLimit == 2 && p.Concurrency == 4 && p.PageSize == 500
		}},
		{"bcqg", func(p Portal) bool { return p.PageSize == 100 && p.RateLimit == 20 && p.Concurrency == 2 }},
		{"procedures", func(p Portal) bool { return p == cfg.Portal }},
	}
	for _, tt := range tests {
		if p := cfg.Source(tt.source); !tt.check(p) {
			t.Errorf("%s: %+v", tt.source, p)
		}
	}
	if cfg.Files.Inbox != "/srv/inbox" || cfg.Origin("sources.dossiers.timeout") != "env DVC_SOURCES_DOSSIERS_TIMEOUT" {
		t.Errorf("inbox %q, origin %q", cfg.Files.Inbox, cfg.Origin("sources.dossiers.timeout"))
	}
	if strings.Contains(cfg.Redacted(), "national-secret") {
		t.Error("a source's password printed")
	}
}

func TestSourceOverrideValidation(t *testing.T) {
	tests := []struct{ env, key string }{
		{"DVC_SOURCES_BCQG_PAGE_SIZE=5000", "sources.bcqg.page_size"},
		{"DVC_SOURCES_DOSSIERS_BASE_URL=ftp://x", "sources.dossiers.base_url"},
		{"DVC_SOURCES_EVALUATION_CONCURRENCY=-1", "sources.evaluation.concurrency"},
		{"DVC_PORTAL_CONCURRENCY=0", "portal.concurrency"},
		{"DVC_CLICKHOUSE_RETRY_WAIT=0s", "clickhouse.retry_wait"},
		{"DVC_SOURCES_TWEETS_PAGE_SIZE=1", "DVC_SOURCES_TWEETS_PAGE_SIZE"},
	}
	for _, tt := range tests {
		_, err := Load("", []string{tt.env})
		if err == nil || !strings.Contains(err.Error(), tt.key) {
			t.Errorf("%s: err %v, want it to name %s", tt.env, err, tt.key)
		}
	}
}
