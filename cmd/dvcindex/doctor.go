package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/dvcindex/dvcindex/config"
	"github.com/dvcindex/dvcindex/extract"
	"github.com/dvcindex/dvcindex/internal/pipeline"
	"github.com/dvcindex/dvcindex/internal/redact"
	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
)

// doctorReport prints checks as they run and counts the problems.
type doctorReport struct {
	w        io.Writer
	problems int
}

func (d *doctorReport) section(title string) { fmt.Fprintf(d.w, "\n%s\n", title) }

func (d *doctorReport) ok(format string, args ...any) {
	fmt.Fprintf(d.w, "  ok       %s\n", fmt.Sprintf(format, args...))
}

func (d *doctorReport) info(format string, args ...any) {
	fmt.Fprintf(d.w, "           %s\n", fmt.Sprintf(format, args...))
}

// problem prints what is wrong, naming the key concerned, and the fix in one
// sentence.
func (d *doctorReport) problem(key, what, fix string) {
	d.problems++
	fmt.Fprintf(d.w, "  PROBLEM  %s: %s\n           fix: %s\n", key, what, fix)
}

// doctor checks the configuration, ClickHouse, the portal, the personal-data
// key, the schedules and the freshness of the sources.
func (a *app) doctor(ctx context.Context, selfTest bool) error {
	d := &doctorReport{w: a.stdout}
	path := a.configPath()
	cfg, loadErr := config.Load(path, a.environ)
	if a.logFmt != "" {
		cfg.Log.Format = a.logFmt
	}
	if a.logLevel != "" {
		cfg.Log.Level = a.logLevel
	}
	a.cfg, a.log = cfg, newLogger(a.stderr, cfg.Log)

	a.doctorConfig(d, path, loadErr)
	if selfTest {
		a.doctorSelfTest(ctx, d)
	} else {
		a.doctorSchedules(d)
		a.doctorPIIKey(d)
		a.doctorClickHouse(ctx, d)
		a.doctorPortal(ctx, d)
		for _, src := range pipeline.Sources() {
			if src.Host == pipeline.NationalHost {
				a.doctorOfficial(ctx, d, src)
			}
		}
	}

	fmt.Fprintln(d.w)
	if d.problems > 0 {
		fmt.Fprintf(d.w, "%d problem(s) found\n", d.problems)
		return fmt.Errorf("doctor found %d problem(s); the fixes are printed above", d.problems)
	}
	fmt.Fprintln(d.w, "no problems found")
	return nil
}

// staffAccountsKey lists accounts of people (indicators.staff_accounts):
// doctor prints how many, never which.
const staffAccountsKey = "indicators.staff_accounts"

// origin says in words where a key's value comes from.
func (a *app) origin(key string) string {
	o := a.cfg.Origin(key)
	if o == "default" {
		return "default; set it in the config file or " + config.EnvName(key)
	}
	return "from " + o
}

func (a *app) doctorConfig(d *doctorReport, path string, loadErr error) {
	if path == "" {
		d.section("configuration (no file: built-in defaults and DVC_* variables)")
	} else {
		d.section("configuration (file " + path + ")")
	}
	for _, k := range config.Keys() {
		v, _ := a.cfg.Value(k)
		if k == staffAccountsKey {
			// Staff accounts are people's accounts: personal, never printed.
			v = fmt.Sprintf("[%d account(s), not shown]", len(a.cfg.Indicators.StaffAccounts))
		}
		fmt.Fprintf(d.w, "  %-38s = %-40s (%s)\n", k, v, a.cfg.Origin(k))
	}
	// Load stops at the first file or variable error; validate what it
	// has anyway, so that every problem is listed at once.
	errs := flattenErrors(loadErr)
	errs = append(errs, flattenErrors(a.cfg.Validate())...)
	seen := map[string]bool{}
	for _, err := range errs {
		var ce *config.Error
		if !errors.As(err, &ce) {
			if !seen[err.Error()] {
				seen[err.Error()] = true
				d.problem("config", err.Error(), "correct the configuration file named above (YAML: known keys only, values as in the README's configuration reference)")
			}
			continue
		}
		if strings.HasPrefix(ce.Key, "schedule.") || seen[ce.Key+ce.Msg] {
			continue // the schedules section explains these
		}
		seen[ce.Key+ce.Msg] = true
		if strings.HasPrefix(ce.Key, config.EnvPrefix) {
			d.problem(ce.Key, ce.Msg, fmt.Sprintf("remove or rename the environment variable %s: configuration variables are DVC_ plus a key's path in upper case (clickhouse.addr → DVC_CLICKHOUSE_ADDR)", ce.Key))
			continue
		}
		d.problem(ce.Key, ce.Msg, fmt.Sprintf("set %s to a valid value (%s).", ce.Key, a.origin(ce.Key)))
	}
	if len(seen) == 0 {
		d.ok("every key valid (schedules: see below)")
	}
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

func (a *app) doctorSchedules(d *doctorReport) {
	// Users read times in Viet Nam's zone, whatever the server's.
	local := transform.HoChiMinh()
	d.section("schedules (next runs in local time, " + local.String() + ")")
	now := a.now()
	for _, s := range []struct{ key, spec string }{
		{"schedule.sync", a.cfg.Schedule.Sync}, {"schedule.compute", a.cfg.Schedule.Compute}, {"schedule.report", a.cfg.Schedule.Report},
	} {
		if s.spec == "" {
			d.ok("%s is empty: the job is disabled", s.key)
			continue
		}
		sched, err := config.ParseSchedule(s.spec)
		if err != nil {
			d.problem(s.key, fmt.Sprintf("%q is not a cron spec (%v; %s)", s.spec, err, a.cfg.Origin(s.key)),
				fmt.Sprintf(`set %s to five fields "minute hour day-of-month month day-of-week", optionally after CRON_TZ=Zone (e.g. "CRON_TZ=Asia/Ho_Chi_Minh 30 1 * * *"), or a descriptor such as @daily or "@every 6h".`, s.key))
			continue
		}
		var next []string
		t := now
		for i := 0; i < 3; i++ {
			t = sched.Next(t)
			next = append(next, t.In(local).Format("2006-01-02 15:04"))
		}
		d.ok("%s %q: next %s", s.key, s.spec, strings.Join(next, ", "))
	}
}

func (a *app) doctorPIIKey(d *doctorReport) {
	d.section("personal-data key")
	key := a.cfg.PII.Key.Reveal()
	if key == "" {
		d.problem("pii.key", "not set: sync refuses to load personal data without it",
			"set DVC_PII_KEY (or pii.key) to a long random secret kept outside the repository, e.g. the output of `openssl rand -hex 32`, and never change it afterwards (hashes would no longer match).")
		return
	}
	if _, err := transform.NewPseudonymizer([]byte(key)); err != nil {
		d.problem("pii.key", err.Error(), "set DVC_PII_KEY (or pii.key) to a longer random secret, e.g. the output of `openssl rand -hex 32`.")
		return
	}
	if key == pipeline.DevPIIKey {
		d.problem("pii.key", "is the public development key", "set DVC_PII_KEY to a random secret of your own: hashes made with the public key can be reversed by guessing.")
		return
	}
	if len(key) < minPIIKeyBytes {
		d.problem("pii.key", fmt.Sprintf("is only %d bytes long", len(key)),
			fmt.Sprintf("use at least %d random bytes (e.g. `openssl rand -hex 32`): a short key can be guessed, and with it every ID number.", minPIIKeyBytes))
		return
	}
	d.ok("set (%d bytes, %s)", len(key), a.cfg.Origin("pii.key"))
}

// minPIIKeyBytes is the shortest personal-data key doctor, sync and serve
// accept.
const minPIIKeyBytes = config.MinPIIKeyBytes

func (a *app) doctorClickHouse(ctx context.Context, d *doctorReport) {
	c := a.cfg.ClickHouse
	d.section("clickhouse (" + c.Addr.String() + ", database " + c.Database + ")")
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	tlsCfg, err := c.TLSConfig()
	if err != nil {
		d.problem("clickhouse.ca_file", err.Error(), "set clickhouse.ca_file to a readable PEM file of the CA that signed the server's certificate.")
		return
	}
	store, err := load.Open(ctx, load.Options{
		Addrs: c.Addr, Database: c.Database, Username: c.Username, Password: c.Password.Reveal(),
		DialTimeout: min(c.DialTimeout.D(), 5*time.Second), ReadTimeout: min(c.ReadTimeout.D(), 20*time.Second),
		Retries: 0, Logger: a.log, TLS: tlsCfg,
	})
	if err != nil {
		msg := err.Error()
		if strings.Contains(msg, "password") || strings.Contains(msg, "Authentication") || strings.Contains(msg, "Unknown user") {
			d.problem("clickhouse.password", msg, fmt.Sprintf("set clickhouse.username and clickhouse.password (%s) to a ClickHouse user that exists on the server.", a.origin("clickhouse.password")))
		} else {
			d.problem("clickhouse.addr", fmt.Sprintf("ClickHouse at %s did not answer: %s", c.Addr, msg),
				fmt.Sprintf("start ClickHouse or set clickhouse.addr (%s) to the host:port of its native protocol (9000 by default, not the HTTP port 8123).", a.origin("clickhouse.addr")))
		}
		d.info("skipped: version, rights, schema and freshness checks")
		return
	}
	defer store.Close()
	version, err := store.ServerVersion(ctx)
	if err != nil {
		d.problem("clickhouse", err.Error(), "check that the server at clickhouse.addr is a ClickHouse server and the user may run SELECT.")
		return
	}
	d.ok("reachable, server version %s", version)

	exists, err := store.Count(ctx, "SELECT count() FROM system.databases WHERE name = ?", c.Database)
	if err != nil || exists == 0 {
		what := fmt.Sprintf("database %s does not exist", c.Database)
		if err != nil {
			what = fmt.Sprintf("could not list databases: %v", err)
		}
		d.problem("clickhouse.database", what, "run 'dvcindex migrate' to create the database and its schema (or correct clickhouse.database).")
		return
	}
	probe := "doctor_probe_" + randomHex(4)
	steps := []struct{ right, stmt string }{
		{"create", "CREATE TABLE {db}." + probe + " (x UInt8) ENGINE = Memory"},
		{"insert", "INSERT INTO {db}." + probe + " (x) SELECT 1"},
	}
	rightsOK := true
	for _, s := range steps {
		if err := store.Exec(ctx, s.stmt); err != nil {
			rightsOK = false
			d.problem("clickhouse.username", fmt.Sprintf("user %s cannot %s tables in %s: %v", c.Username, s.right, c.Database, err),
				fmt.Sprintf("give the ClickHouse user the right to %s in database %s (readonly=0 and allow_databases in users.xml, or GRANT on current servers), or use a user that has it.", strings.ToUpper(s.right), c.Database))
			break
		}
	}
	if rightsOK {
		if n, err := store.Count(ctx, "SELECT count() FROM {db}."+probe); err != nil || n != 1 {
			rightsOK = false
			d.problem("clickhouse.username", fmt.Sprintf("user %s cannot read back a probe row in %s (rows %d, err %v)", c.Username, c.Database, n, err),
				fmt.Sprintf("give the ClickHouse user the right to SELECT in database %s, or use a user that has it.", c.Database))
		}
	}
	_ = store.Exec(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS {db}."+probe)
	if rightsOK {
		d.ok("user %s may create, insert and select in %s", c.Username, c.Database)
	}

	pending, err := store.PendingMigrations(ctx)
	switch {
	case err != nil:
		d.problem("schema", fmt.Sprintf("cannot read schema_migrations: %v", err), "run 'dvcindex migrate' to create the schema.")
		return
	case len(pending) > 0:
		d.problem("schema", fmt.Sprintf("%d migration(s) pending, first %04d_%s", len(pending), pending[0].Version, pending[0].Name),
			"run 'dvcindex migrate' (it applies only what is missing and is safe to repeat).")
	default:
		d.ok("schema current (%d migrations)", migrationCount())
	}

	last, err := store.LastSuccessfulSyncs(ctx)
	if err != nil {
		d.problem("freshness", err.Error(), "run 'dvcindex migrate' so that v_runs exists.")
		return
	}
	stale := map[string]pipeline.Staleness{}
	for _, s := range pipeline.StaleSources(a.scheduledSources(), last, a.cfg.Freshness, a.now()) {
		stale[s.Source] = s
	}
	for _, src := range a.scheduledSources() {
		key := "freshness." + src
		if s, bad := stale[src]; bad {
			d.problem(key, s.String(), fmt.Sprintf("read the errors of its last runs (SELECT started_at, status, error FROM v_runs WHERE source = '%s' ORDER BY started_at DESC LIMIT 5), fix the cause, then run 'dvcindex sync --source %s' or let serve's schedule.sync run it.", src, src))
			continue
		}
		if t, ok := last[src]; ok {
			d.ok("%s: last successful sync %s (limit %s)", src, t.In(transform.HoChiMinh()).Format("2006-01-02 15:04"), a.cfg.Freshness.Of(src))
		} else {
			d.ok("%s: never synced (not checked: %s = 0)", src, key)
		}
	}
}

// doctorPortal checks the credentials, then reads one page (or one unit and
// period) of each implemented source.
func (a *app) doctorPortal(ctx context.Context, d *doctorReport) {
	p := a.cfg.Portal
	d.section("portal (" + redact.URL(p.BaseURL) + ")")
	client := extract.New(extract.Options{
		BaseURL: p.BaseURL, Username: p.Username, Password: p.Password.Reveal(),
		Timeout: min(p.Timeout.D(), 10*time.Second), MaxRetries: 1, RetryWait: 200 * time.Millisecond,
		RetryMaxWait: time.Second, MaxBodyBytes: p.MaxBodyBytes, Logger: a.log,
	})
	now := a.now()
	units, err := transform.DefaultUnits()
	if err != nil {
		d.problem("portal", err.Error(), "rebuild dvcindex: its built-in reference units are damaged.")
		return
	}
	month := transform.PeriodOf(transform.Month, now).Previous()
	scope, _ := units.Scopes(month.LastDay())
	pr := pipeline.ProbeRequest{Now: now, Month: month}
	if len(scope) > 0 {
		pr.Unit = transform.PortalUnit(scope[0].Code, scope[0].Level)
	}
	for i, name := range a.scheduledSources() {
		src, _ := pipeline.Lookup(name)
		if src.Host == pipeline.FolderHost {
			a.doctorFolder(d)
			continue
		}
		if src.Probe == nil {
			continue // another host: doctorOfficial
		}
		path, q := src.Probe(pr)
		q.Set("page", "1")
		q.Set("page_size", "1")
		var raw json.RawMessage
		err := client.Get(ctx, path, q, &raw)
		if err == nil {
			if i == 0 {
				d.ok("credentials of user %q accepted", p.Username)
			}
			d.ok("%s: one page read from %s", name, path)
			continue
		}
		msg := err.Error()
		switch {
		case strings.Contains(msg, "rejected the credentials"):
			d.problem("portal.password", msg, fmt.Sprintf("set portal.username (%s) and portal.password (%s) to the account the portal issued for dvcindex.",
				a.origin("portal.username"), a.origin("portal.password")))
			d.info("skipped: the sources (they need the credentials)")
			return
		case errors.Is(err, extract.ErrPermanent):
			d.problem("source "+name, msg, fmt.Sprintf("check that the portal at portal.base_url serves %s (portal-api.md) and that the account may read it.", path))
		default:
			d.problem("portal.base_url", msg, fmt.Sprintf("check that the portal answers at portal.base_url (%s) from this machine (network, proxy, TLS), or correct it.", a.origin("portal.base_url")))
			d.info("skipped: the remaining sources")
			return
		}
	}
}

// doctorFolder checks files.inbox, the folder of the file-drop source.
func (a *app) doctorFolder(d *doctorReport) {
	if st, err := os.Stat(a.cfg.Files.Inbox); err != nil || !st.IsDir() {
		d.problem("files.inbox", fmt.Sprintf("%q is not a readable folder (%v)", a.cfg.Files.Inbox, err),
			"create the folder or set files.inbox to the folder where the exports are dropped.")
		return
	}
	d.ok("files: inbox %s is a folder", a.cfg.Files.Inbox)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// scheduledSources are the sources serve syncs and doctor checks: every
// source the configuration enables.
func (a *app) scheduledSources() []string { return pipeline.EnabledNames(a.cfg) }
