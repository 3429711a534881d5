package config

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestBadConfigFiles loads every testdata/*.bad.yml and requires exactly
// the keys the table names to be reported (Prometheus' config/testdata
// pattern): a file that starts to validate, or a check that names the wrong
// key, fails here.
func TestBadConfigFiles(t *testing.T) {
	want := map[string][]string{
		"clickhouse.bad.yml": {"clickhouse.addr", "clickhouse.batch_rows", "clickhouse.cluster", "clickhouse.database",
			"clickhouse.ddl_timeout", "clickhouse.dial_timeout", "clickhouse.max_retries", "clickhouse.sharding_key", "clickhouse.username"},
		"portal.bad.yml": {"portal.base_url", "portal.concurrency", "portal.page_size", "portal.retry_max_wait",
			"sources.petitions.page_size"},
		"sync.bad.yml":        {"sync.min_window", "sync.window", "sync.workers"},
		"schedule.bad.yml":    {"freshness.dossiers", "schedule.sync"},
		"indicators.bad.yml":  {"indicators.band_excellent", "indicators.sync_scoring", "indicators.zero_denominator", "log.level"},
		"unknown-key.bad.yml": {"adress"}, // the YAML decoder names the field and its line
		"files.bad.yml":       {"files"},
		"archive.bad.yml":     {"archive.keep"},
		"refdata.bad.yml":     {"refdata.agencies_file", "refdata.procedures_file", "refdata.targets_file", "refdata.units_file", "serve.web.users_file"},
		"watch.bad.yml": {"watch.due_within_days", "watch.period", "watch.petition_within_days", "watch.step_unsynced_after",
			"watch.webhook_retries", "watch.webhook_timeout", "watch.webhooks_file"},
	}
	files, err := filepath.Glob("testdata/*.bad.yml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(want) {
		t.Errorf("%d bad config files, %d in the table: every file needs its expected keys", len(files), len(want))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			keys, ok := want[filepath.Base(f)]
			if !ok {
				t.Fatalf("%s has no entry in the table", f)
			}
			_, err := Load(f, nil)
			if err == nil {
				t.Fatalf("%s loaded without error", f)
			}
			var got []string
			for _, line := range strings.Split(err.Error(), "\n") {
				for _, k := range keys {
					if strings.Contains(line, k+" ") || strings.Contains(line, k+":") || strings.Contains(line, `"`+k+`"`) {
						got = append(got, k)
					}
				}
			}
			slices.Sort(got)
			got = slices.Compact(got)
			if !slices.Equal(got, keys) {
				t.Errorf("%s: error names %v; want %v\n%v", f, got, keys, err)
			}
			if n := strings.Count(err.Error(), "\n") + 1; n != len(keys) && !strings.Contains(err.Error(), "yaml:") {
				t.Errorf("%s: %d problems reported; want %d\n%v", f, n, len(keys), err)
			}
		})
	}
}

// TestRefDataNeedsAgencies: a units file of another province comes with its
// agencies file; readable files validate.
func TestRefDataNeedsAgencies(t *testing.T) {
	tests := []struct {
		name    string
		environ []string
		wantKey string // "" = valid
	}{
		{"built-in set", nil, ""},
		{"both files", []string{"DVC_REFDATA_UNITS_FILE=config.go", "DVC_REFDATA_AGENCIES_FILE=config.go", "DVC_REFDATA_PROCEDURES_FILE=config.go"}, ""},
		{"units without agencies", []string{"DVC_REFDATA_UNITS_FILE=config.go"}, "refdata.agencies_file"},
		{"agencies alone", []string{"DVC_REFDATA_AGENCIES_FILE=config.go"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load("", tt.environ)
			switch {
			case tt.wantKey == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.wantKey != "" && (err == nil || !strings.Contains(err.Error(), "config "+tt.wantKey)):
				t.Fatalf("error %v; want one naming %s", err, tt.wantKey)
			}
		})
	}
}
