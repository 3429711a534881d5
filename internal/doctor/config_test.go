package doctor

import (
	"strings"
	"testing"

	"github.com/dvcindex/dvcindex/config"
)

// TestCheckConfigProblems: every problem of the configuration is listed
// once with its origin, unknown DVC_ variables get their own fix, the
// schedules' are left to their section, and staff accounts are counted,
// never printed.
func TestCheckConfigProblems(t *testing.T) {
	tests := []struct {
		name    string
		environ []string
		want    []string // lines after the key listing
	}{
		{"valid", []string{"DVC_INDICATORS_STAFF_ACCOUNTS=canbo.a,canbo.b"},
			[]string{"  ok       every key valid (schedules: see below)"}},
		{"a bad value, an unknown variable and a bad schedule",
			[]string{"DVC_PORTAL_PAGE_SIZE=5000", "DVC_NO_SUCH_KEY=1", "DVC_SCHEDULE_SYNC=61 * * * *", "DVC_INDICATORS_STAFF_ACCOUNTS=canbo.a,canbo.b"},
			[]string{
				"  PROBLEM  DVC_NO_SUCH_KEY: no configuration key has this name; see the README's configuration reference",
				"           fix: remove or rename the environment variable DVC_NO_SUCH_KEY: configuration variables are DVC_ plus a key's path in upper case (clickhouse.addr → DVC_CLICKHOUSE_ADDR)",
				"  PROBLEM  portal.page_size: 5000 is out of range 1..1000 (portal-api.md)",
				"           fix: set portal.page_size to a valid value (from env DVC_PORTAL_PAGE_SIZE).",
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, loadErr := config.Load("", tt.environ)
			var b strings.Builder
			r := &report{w: &b}
			New(Options{Config: cfg, LoadErr: loadErr}).checkConfig(r)
			lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
			head := 2 + len(config.Keys()) // blank line, title, one line per key
			if len(lines) < head || lines[1] != "configuration (no file: built-in defaults and DVC_* variables)" {
				t.Fatalf("printed\n%s", b.String())
			}
			if got := strings.Join(lines[head:], "\n"); got != strings.Join(tt.want, "\n") {
				t.Errorf("problems printed\n%s\nwant\n%s", got, strings.Join(tt.want, "\n"))
			}
			if r.problems != len(tt.want)/2 {
				t.Errorf("problems %d, want %d", r.problems, len(tt.want)/2)
			}
			if !strings.Contains(b.String(), "[2 account(s), not shown]") || strings.Contains(b.String(), "canbo.") {
				t.Errorf("staff accounts not counted, or printed:\n%s", b.String())
			}
		})
	}
}
