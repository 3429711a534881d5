package doctor

import (
	"strings"
	"testing"
	"time"

	"github.com/dvcindex/dvcindex/config"
)

// TestCheckSchedules: next runs in Viet Nam's time whatever the clock's
// zone, a disabled job, and a spec that does not parse, line by line.
func TestCheckSchedules(t *testing.T) {
	// Load reports the bad spec too; doctor checks what it read anyway.
	cfg, _ := config.Load("", []string{"DVC_SCHEDULE_COMPUTE=", "DVC_SCHEDULE_REPORT=61 * * * *"})
	now := time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC) // 19:00 in Ha Noi
	var b strings.Builder
	r := &report{w: &b}
	New(Options{Config: cfg, Now: func() time.Time { return now }}).checkSchedules(r)
	want := strings.Join([]string{
		"",
		"schedules (next runs in local time, Asia/Ho_Chi_Minh)",
		`  ok       schedule.sync "CRON_TZ=Asia/Ho_Chi_Minh 30 1 * * *": next 2025-03-11 01:30, 2025-03-12 01:30, 2025-03-13 01:30`,
		"  ok       schedule.compute is empty: the job is disabled",
		`  PROBLEM  schedule.report: "61 * * * *" is not a cron spec (end of range (61) above maximum (59): 61; env DVC_SCHEDULE_REPORT)`,
		`           fix: set schedule.report to five fields "minute hour day-of-month month day-of-week", optionally after CRON_TZ=Zone (e.g. "CRON_TZ=Asia/Ho_Chi_Minh 30 1 * * *"), or a descriptor such as @daily or "@every 6h".`,
		"",
	}, "\n")
	if b.String() != want {
		t.Errorf("printed\n%s\nwant\n%s", b.String(), want)
	}
	if r.problems != 1 {
		t.Errorf("problems %d, want 1", r.problems)
	}
}
