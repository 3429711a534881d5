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
		"clickhouse.bad.yml": {"clickhouse.addr", "clickhouse.batch_rows", "clickhouse.database", "clickhouse.dial_timeout",
			"clickhouse.max_retries", "clickhouse.username"},
		"portal.bad.yml": {"portal.base_url", "portal.concurrency", "portal.page_size", "portal.retry_max_wait",
			"sources.petitions.page_size"},
		"sync.bad.yml":        {"sync.min_window", "sync.window", "sync.workers"},
		"schedule.bad.yml":    {"freshness.dossiers", "schedule.sync"},
		"indicators.bad.yml":  {"indicators.band_excellent", "indicators.sync_scoring", "indicators.zero_denominator", "log.level"},
		"unknown-key.bad.yml": {"adress"}, // the YAML decoder names the field and its line
		"files.bad.yml":       {"files"},
		"archive.bad.yml":     {"archive.keep"},
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
