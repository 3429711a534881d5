package doctor

import (
	"fmt"
	"strings"

	"github.com/dvcindex/dvcindex/config"
	"github.com/dvcindex/dvcindex/transform"
)

// checkSchedules parses schedule.sync, schedule.compute and
// schedule.report and prints the next three runs of each, in Viet Nam's
// zone whatever the server's (users read times there).
func (d *Doctor) checkSchedules(r *report) {
	local := transform.HoChiMinh()
	r.section("schedules (next runs in local time, " + local.String() + ")")
	now := d.opts.Now()
	for _, s := range []struct{ key, spec string }{
		{"schedule.sync", d.cfg.Schedule.Sync}, {"schedule.compute", d.cfg.Schedule.Compute}, {"schedule.report", d.cfg.Schedule.Report},
	} {
		if s.spec == "" {
			r.ok("%s is empty: the job is disabled", s.key)
			continue
		}
		sched, err := config.ParseSchedule(s.spec)
		if err != nil {
			r.problem(s.key, fmt.Sprintf("%q is not a cron spec (%v; %s)", s.spec, err, d.cfg.Origin(s.key)),
				fmt.Sprintf(`set %s to five fields "minute hour day-of-month month day-of-week", optionally after CRON_TZ=Zone (e.g. "CRON_TZ=Asia/Ho_Chi_Minh 30 1 * * *"), or a descriptor such as @daily or "@every 6h".`, s.key))
			continue
		}
		var next []string
		t := now
		for i := 0; i < 3; i++ {
			t = sched.Next(t)
			next = append(next, t.In(local).Format("2006-01-02 15:04"))
		}
		r.ok("%s %q: next %s", s.key, s.spec, strings.Join(next, ", "))
	}
}
