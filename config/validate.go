package config

import (
	"errors"
	"fmt"
	"net"
	"os"
	"reflect"
	"sort"
	"strings"
	"time"
)

// Validate checks every key and returns all problems, each an *Error naming
// its key and where its value came from, sorted by key. Each section checks
// itself (validate*.go, tls.go, evaluation.go); Validate only runs them.
func (c Config) Validate() error {
	v := &checker{c: c}
	v.clickHouse()
	v.portal()
	v.sources()
	v.files()
	v.archive()
	v.sync()
	v.serve()
	v.schedules()
	v.freshness()
	v.indicators()
	v.log()
	v.refData()
	v.watch()
	v.errs = append(v.errs, c.validateTLS()...)
	v.errs = append(v.errs, c.validateEvaluation()...)
	sort.SliceStable(v.errs, func(i, j int) bool { return v.errs[i].(*Error).Key < v.errs[j].(*Error).Key })
	return errors.Join(v.errs...)
}

// checker collects the problems of one Validate.
type checker struct {
	c    Config
	errs []error
}

func (v *checker) bad(key, format string, args ...any) {
	v.errs = append(v.errs, &Error{Key: key, Origin: v.c.Origin(key), Msg: fmt.Sprintf(format, args...)})
}

func (v *checker) addr(key, addr string) {
	if _, port, err := net.SplitHostPort(addr); err != nil || port == "" {
		v.bad(key, "%q is not host:port", addr)
	}
}

func (v *checker) positive(key string, d Duration) {
	if d <= 0 {
		v.bad(key, "must be positive")
	}
}

func (v *checker) intRange(key string, n, lo, hi int, note string) {
	if n < lo || n > hi {
		v.bad(key, "%d is out of range %d..%d%s", n, lo, hi, note)
	}
}

func (v *checker) oneOf(key, val string, allowed ...string) {
	for _, a := range allowed {
		if val == a {
			return
		}
	}
	v.bad(key, "%q is not one of %s", val, strings.Join(allowed, ", "))
}

func (v *checker) clickHouse() {
	ch := v.c.ClickHouse
	if len(ch.Addr) == 0 {
		v.bad("clickhouse.addr", "must name at least one host:port")
	}
	for _, a := range ch.Addr {
		v.addr("clickhouse.addr", a)
	}
	if !ValidIdentifier(ch.Database) {
		v.bad("clickhouse.database", "%q is not a valid database name (letters, digits, _; not starting with a digit)", ch.Database)
	}
	if ch.Username == "" {
		v.bad("clickhouse.username", "must not be empty")
	}
	v.intRange("clickhouse.batch_rows", ch.BatchRows, 1, 1_000_000, "")
	v.positive("clickhouse.dial_timeout", ch.DialTimeout)
	v.positive("clickhouse.read_timeout", ch.ReadTimeout)
	v.intRange("clickhouse.max_retries", ch.MaxRetries, 0, 100, "")
	v.positive("clickhouse.retry_wait", ch.RetryWait)
	if ch.Cluster != "" && !ValidIdentifier(ch.Cluster) {
		v.bad("clickhouse.cluster", "%q is not a valid cluster name (letters, digits, _; as in the servers' remote_servers)", ch.Cluster)
	}
	// Every version of a dossier must land on one shard, or FINAL on the
	// Distributed tables would keep two of them: only keys that never
	// change for a dossier are accepted.
	v.oneOf("clickhouse.sharding_key", ch.ShardingKey, ShardingKeys()...)
	v.positive("clickhouse.ddl_timeout", ch.DDLTimeout)
}

// ShardingKeys are the accepted values of clickhouse.sharding_key.
func ShardingKeys() []string { return []string{"dossier_id"} }

func (v *checker) portal() {
	p := v.c.Portal
	if msg := v.c.checkPortalURL(p.BaseURL); msg != "" {
		v.bad("portal.base_url", "%s", msg)
	}
	v.intRange("portal.page_size", p.PageSize, 1, 1000, " (portal-api.md)")
	v.positive("portal.timeout", p.Timeout)
	if p.RateLimit < 0 {
		v.bad("portal.rate_limit", "must be ≥ 0 (0 = unlimited)")
	}
	v.intRange("portal.max_retries", p.MaxRetries, 0, 100, "")
	v.positive("portal.retry_wait", p.RetryWait)
	if p.RetryMaxWait < p.RetryWait {
		v.bad("portal.retry_max_wait", "must be ≥ portal.retry_wait")
	}
	if p.MaxBodyBytes < 1024 {
		v.bad("portal.max_body_bytes", "must be at least 1024")
	}
	v.intRange("portal.concurrency", p.Concurrency, 1, 64, "")
}

// sources checks only what a source overrides: an inherited bad value is
// reported once, under portal.
func (v *checker) sources() {
	for _, name := range SourceNames() {
		key, o := "sources."+name, v.c.sourceOverride(name)
		if o.BaseURL != "" {
			if msg := v.c.checkPortalURL(o.BaseURL); msg != "" {
				v.bad(key+".base_url", "%s", msg)
			}
		}
		v.intRange(key+".page_size", o.PageSize, 0, 1000, " (portal-api.md; 0 = portal.page_size)")
		if o.Timeout < 0 {
			v.bad(key+".timeout", "must not be negative (0 = portal.timeout)")
		}
		if o.RateLimit < 0 {
			v.bad(key+".rate_limit", "must not be negative (0 = portal.rate_limit)")
		}
		v.intRange(key+".concurrency", o.Concurrency, 0, 64, " (0 = portal.concurrency)")
		v.intRange(key+".max_retries", o.MaxRetries, 0, 100, " (0 = portal.max_retries)")
	}
}

func (v *checker) archive() {
	if k := v.c.Archive.Keep.D(); k != 0 && k < 31*24*time.Hour {
		v.bad("archive.keep", "must be 0 (keep forever) or at least 31 days (the archive is dropped by whole months), got %s", k)
	}
}

func (v *checker) files() {
	f := v.c.Files
	if f.MaxBytes < 1024 || f.MaxRows < 1 || f.MaxUnzippedBytes < f.MaxBytes || f.Settle < 0 {
		v.bad("files", "max_bytes must be ≥ 1024, max_rows ≥ 1, max_unzipped_bytes ≥ max_bytes, settle ≥ 0 (got %d, %d, %d, %s)",
			f.MaxBytes, f.MaxRows, f.MaxUnzippedBytes, f.Settle)
	}
}

func (v *checker) sync() {
	s := v.c.Sync
	if time.Time(s.Since).IsZero() {
		v.bad("sync.since", "must be a date (yyyy-mm-dd)")
	}
	if s.Lookback < 0 {
		v.bad("sync.lookback", "must not be negative")
	}
	if s.SafetyLag < 0 {
		v.bad("sync.safety_lag", "must not be negative")
	}
	if s.Window < Duration(time.Minute) {
		v.bad("sync.window", "must be at least 1m")
	}
	v.intRange("sync.workers", s.Workers, 0, 256, "")
	if s.MinWindow != 0 && (s.MinWindow < Duration(time.Second) || s.MinWindow > s.Window) {
		v.bad("sync.min_window", "must be 0 (never split) or between 1s and sync.window")
	}
}

func (v *checker) serve() {
	v.addr("serve.addr", v.c.Serve.Addr)
	v.positive("serve.grace_period", v.c.Serve.GracePeriod)
	v.positive("serve.job_timeout", v.c.Serve.JobTimeout)
}

func (v *checker) schedules() {
	sc := v.c.Schedule
	for _, s := range []struct{ key, spec string }{{"schedule.sync", sc.Sync}, {"schedule.compute", sc.Compute}, {"schedule.report", sc.Report}} {
		if s.spec == "" {
			continue
		}
		if _, err := ParseSchedule(s.spec); err != nil {
			v.bad(s.key, "%q is not a cron spec: %v", s.spec, err)
		}
	}
}

func (v *checker) freshness() {
	f := v.c.Freshness
	for _, leaf := range leafFields(reflect.ValueOf(&f).Elem(), "freshness") {
		if leaf.v.Interface().(Duration) < 0 {
			v.bad(leaf.key, "must not be negative (0 = not checked)")
		}
	}
}

func (v *checker) indicators() {
	ind := v.c.Indicators
	v.oneOf("indicators.zero_denominator", ind.ZeroDenominator, "official", "zero", "award_max", "exclude")
	v.oneOf("indicators.province_metrics", ind.ProvinceMetrics, "inherit", "award_max", "exclude")
	v.oneOf("indicators.progress_population", ind.ProgressPopulation, "received")
	v.oneOf("indicators.sync_scoring", ind.SyncScoring, "official", "deadline")
	v.positive("indicators.sync_deadline", ind.SyncDeadline)
	if ind.ProxyMinOwners < 1 {
		v.bad("indicators.proxy_min_owners", "must be at least 1")
	}
	v.intRange("indicators.petition_deadline_days", ind.PetitionDeadlineDays, 1, 365, "")
	if ind.ReconcileTolerance < 0 {
		v.bad("indicators.reconcile_tolerance", "must not be negative")
	}
	if !(ind.BandExcellent >= ind.BandGood && ind.BandGood >= ind.BandFair && ind.BandFair >= ind.BandAverage && ind.BandAverage >= 0) {
		v.bad("indicators.band_excellent", "bands must satisfy excellent ≥ good ≥ fair ≥ average ≥ 0")
	}
}

// watch checks the early warning's rules: a step is flagged before any
// deadline a rule uses (indicators.sync_deadline).
func (v *checker) watch() {
	w := v.c.Watch
	v.oneOf("watch.period", w.Period, "month", "quarter", "year")
	v.intRange("watch.due_within_days", w.DueWithinDays, 0, 30, "")
	v.intRange("watch.petition_within_days", w.PetitionWithinDays, 0, 30, "")
	v.positive("watch.step_unsynced_after", w.StepUnsyncedAfter)
	if w.StepUnsyncedAfter >= v.c.Indicators.SyncDeadline && w.StepUnsyncedAfter > 0 {
		v.bad("watch.step_unsynced_after", "must be shorter than indicators.sync_deadline (%s): a step is flagged before its deadline", v.c.Indicators.SyncDeadline)
	}
	v.positive("watch.webhook_timeout", w.WebhookTimeout)
	v.intRange("watch.webhook_retries", w.WebhookRetries, 0, 10, "")
}

func (v *checker) log() {
	v.oneOf("log.level", v.c.Log.Level, "trace", "debug", "info", "warn", "error")
	v.oneOf("log.format", v.c.Log.Format, "auto", "console", "json")
}

// refData checks that every configured reference file is a readable
// regular file; what is in it is checked when it is loaded (dvcindex
// refdata check). A units file of another province needs its own agencies
// file: the shipped one names Hoài Nhơn's units.
func (v *checker) refData() {
	rd := v.c.RefData
	for _, f := range []struct{ key, path string }{
		{"refdata.units_file", rd.UnitsFile}, {"refdata.agencies_file", rd.AgenciesFile}, {"refdata.procedures_file", rd.ProceduresFile},
		{"refdata.targets_file", rd.TargetsFile}, {"serve.web.users_file", v.c.Serve.Web.UsersFile},
		{"watch.webhooks_file", v.c.Watch.WebhooksFile},
	} {
		if f.path == "" {
			continue
		}
		if msg := readableFile(f.path); msg != "" {
			v.bad(f.key, "%s", msg)
		}
	}
	if rd.UnitsFile != "" && rd.AgenciesFile == "" {
		v.bad("refdata.agencies_file", "must be set when a units file is: the built-in agencies.csv names Hoài Nhơn's units (a file with only the header agency_code,gso_code,valid_from,valid_to declares none)")
	}
}

// readableFile returns "" if path is a regular file this process can open,
// else what is wrong with it.
func readableFile(path string) string {
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Sprintf("%q cannot be read: %v", path, err)
	}
	if !st.Mode().IsRegular() {
		return fmt.Sprintf("%q is not a regular file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Sprintf("%q cannot be read: %v", path, err)
	}
	_ = f.Close()
	return ""
}
