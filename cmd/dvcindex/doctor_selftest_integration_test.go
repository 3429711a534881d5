package main

import (
	"strings"
	"testing"

	"github.com/dvcindex/dvcindex/load/chtest"
)

// TestDoctorSelfTest runs `doctor --selftest` as a user would, on the test
// server (CI's 18.16 in UTC) and on an address where nothing listens.
func TestDoctorSelfTest(t *testing.T) {
	addr := chtest.Addr(t)
	tests := []struct {
		name     string
		env      []string
		wantCode int
		wantOut  []string
	}{
		{"the test server matches", []string{"DVC_CLICKHOUSE_ADDR=" + addr}, exitOK,
			[]string{"time zone", "dropped", "equal CI's", "no problems found"}},
		{"no server", []string{"DVC_CLICKHOUSE_ADDR=127.0.0.1:1", "DVC_CLICKHOUSE_DIAL_TIMEOUT=500ms"}, exitFailure,
			[]string{"PROBLEM  clickhouse:", "1 problem(s) found"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCLI(t, append([]string{"DVC_LOG_FORMAT=json"}, tt.env...), "doctor", "--selftest")
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d\n%s\n%s", code, tt.wantCode, out, errs)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if strings.Contains(out, "portal") && strings.Contains(out, "PROBLEM  portal") {
				t.Errorf("--selftest must not check the portal:\n%s", out)
			}
		})
	}
}
