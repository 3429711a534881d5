package main

import (
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/dvcindex/dvcindex/cmd/portalsim/simulator"
)

// TestDoctorNamesEveryProblem runs doctor against broken configurations
// (no ClickHouse needed: the broken one is unreachable on purpose) and
// checks that it names each problem with a fix, counts them, and exits 1.
func TestDoctorNamesEveryProblem(t *testing.T) {
	o := simulator.DefaultOptions()
	o.Dossiers = 50
	sim, err := simulator.New(o)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	defer srv.Close()
	base := []string{
		"DVC_CLICKHOUSE_ADDR=127.0.0.1:1", "DVC_CLICKHOUSE_DIAL_TIMEOUT=500ms",
		"DVC_PORTAL_BASE_URL=" + srv.URL, "DVC_PORTAL_USERNAME=demo", "DVC_PORTAL_PASSWORD=demo",
		"DVC_PII_KEY=doctor-test-key-0123456789abcdefghijkl", "DVC_LOG_FORMAT=json",
		"DVC_INDICATORS_STAFF_ACCOUNTS=canbo.tamquan@example.vn,VNEID-STAFF-0042",
	}
	tests := []struct {
		name    string
		env     []string
		want    []string // keys named as PROBLEM
		wantOut []string
	}{
		{"wrong port, wrong password, bad cron spec",
			[]string{"DVC_PORTAL_PASSWORD=wrong-s3cret", "DVC_SCHEDULE_SYNC=61 * * * *"},
			[]string{"clickhouse.addr", "portal.password", "schedule.sync"},
			[]string{"native protocol", "portal.password (from env DVC_PORTAL_PASSWORD)", "CRON_TZ=", "(env DVC_SCHEDULE_SYNC)"}},
		{"only ClickHouse unreachable", nil, []string{"clickhouse.addr"},
			[]string{"credentials of user \"demo\" accepted", "dossiers: one page read", "schedule.compute"}},
		{"missing personal-data key and a bad report schedule", []string{"DVC_PII_KEY=", "DVC_SCHEDULE_REPORT=@every"},
			[]string{"clickhouse.addr", "pii.key", "schedule.report"}, []string{"openssl rand"}},
		{"a personal-data key too short to be secret", []string{"DVC_PII_KEY=short"},
			[]string{"clickhouse.addr", "pii.key"}, []string{"only 5 bytes long"}},
		{"an invalid value elsewhere in the config", []string{"DVC_PORTAL_PAGE_SIZE=5000"},
			[]string{"portal.page_size", "clickhouse.addr"}, []string{"(from env DVC_PORTAL_PAGE_SIZE)"}},
	}
	problem := regexp.MustCompile(`(?m)^  PROBLEM  (\S+): .*\n +fix: \S.*$`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCLI(t, append(append([]string{}, base...), tt.env...), "doctor")
			if code != exitFailure {
				t.Fatalf("exit %d, want 1\n%s\n%s", code, out, errs)
			}
			var got []string
			for _, m := range problem.FindAllStringSubmatch(out, -1) {
				got = append(got, m[1])
			}
			if strings.Join(slices.Sorted(slices.Values(got)), ",") != strings.Join(slices.Sorted(slices.Values(tt.want)), ",") {
				t.Errorf("problems %v, want %v\n%s", got, tt.want, out)
			}
			if !strings.Contains(out, strconv.Itoa(len(tt.want))+" problem(s) found") {
				t.Errorf("output does not count %d problems:\n%s", len(tt.want), out)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if !strings.Contains(out, "[2 account(s), not shown]") {
				t.Errorf("the staff accounts are not counted in the listing:\n%s", out)
			}
			for _, secret := range []string{"wrong-s3cret", "doctor-test-key-0123456789", "canbo.tamquan", "VNEID-STAFF-0042"} {
				if strings.Contains(out+errs, secret) {
					t.Errorf("doctor printed the secret %q", secret)
				}
			}
			if !strings.Contains(out, "clickhouse.addr") || !strings.Contains(out, "(env DVC_CLICKHOUSE_ADDR)") {
				t.Errorf("the configuration listing lacks the key's origin:\n%s", out)
			}
		})
	}
}
