package doctor

import (
	"errors"
	"fmt"
	"strings"

	"github.com/dvcindex/dvcindex/config"
)

// staffAccountsKey lists accounts of people (indicators.staff_accounts):
// doctor prints how many, never which.
const staffAccountsKey = "indicators.staff_accounts"

// checkConfig lists every key with its value and origin, then every
// problem of the configuration but the schedules' (checkSchedules explains
// those).
func (d *Doctor) checkConfig(r *report) {
	if d.opts.ConfigPath == "" {
		r.section("configuration (no file: built-in defaults and DVC_* variables)")
	} else {
		r.section("configuration (file " + d.opts.ConfigPath + ")")
	}
	d.listKeys(r)
	if d.configProblems(r) == 0 {
		r.ok("every key valid (schedules: see below)")
	}
}

// listKeys prints one line per key: its value (secrets redacted by
// config.Value, staff accounts counted) and its origin.
func (d *Doctor) listKeys(r *report) {
	for _, k := range config.Keys() {
		v, _ := d.cfg.Value(k)
		if k == staffAccountsKey {
			// Staff accounts are people's accounts: personal, never printed.
			v = fmt.Sprintf("[%d account(s), not shown]", len(d.cfg.Indicators.StaffAccounts))
		}
		fmt.Fprintf(r.w, "  %-38s = %-40s (%s)\n", k, v, d.cfg.Origin(k))
	}
}

// configProblems reports each distinct problem of LoadErr and Validate
// once, and returns how many distinct errors it saw (schedules' included).
func (d *Doctor) configProblems(r *report) int {
	// Load stops at the first file or variable error; validate what it
	// has anyway, so that every problem is listed at once.
	errs := flattenErrors(d.opts.LoadErr)
	errs = append(errs, flattenErrors(d.cfg.Validate())...)
	seen := map[string]bool{}
	for _, err := range errs {
		var ce *config.Error
		if !errors.As(err, &ce) {
			if !seen[err.Error()] {
				seen[err.Error()] = true
				r.problem("config", err.Error(), "correct the configuration file named above (YAML: known keys only, values as in the README's configuration reference)")
			}
			continue
		}
		if strings.HasPrefix(ce.Key, "schedule.") || seen[ce.Key+ce.Msg] {
			continue // the schedules section explains these
		}
		seen[ce.Key+ce.Msg] = true
		if strings.HasPrefix(ce.Key, config.EnvPrefix) {
			r.problem(ce.Key, ce.Msg, fmt.Sprintf("remove or rename the environment variable %s: configuration variables are DVC_ plus a key's path in upper case (clickhouse.addr → DVC_CLICKHOUSE_ADDR)", ce.Key))
			continue
		}
		r.problem(ce.Key, ce.Msg, fmt.Sprintf("set %s to a valid value (%s).", ce.Key, d.origin(ce.Key)))
	}
	return len(seen)
}

// flattenErrors undoes errors.Join.
func flattenErrors(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flattenErrors(e)...)
		}
		return out
	}
	return []error{err}
}
