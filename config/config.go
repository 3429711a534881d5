// Package config owns dvcindex's configuration: the YAML file, the DVC_*
// environment overrides, defaults, validation at start, and redaction of
// secrets whenever the configuration is printed or logged.
//
// Every key of the file can be overridden by an environment variable named
// after its path: upper case, joined by "_", prefixed with "DVC_"
// (clickhouse.addr → DVC_CLICKHOUSE_ADDR). Unknown keys in the file are errors,
// and so are DVC_* variables that name no key, so a typo never silently falls
// back to a default.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
	"go.yaml.in/yaml/v3"

	"github.com/dvcindex/dvcindex/internal/chsql"
	"github.com/dvcindex/dvcindex/internal/redact"
)

// EnvPrefix starts every environment override.
const EnvPrefix = "DVC_"

// Config is the whole configuration. Field tags give the YAML key; the
// environment name is derived from the path.
type Config struct {
	ClickHouse ClickHouse `yaml:"clickhouse"`
	Portal     Portal     `yaml:"portal"`
	Sources    Sources    `yaml:"sources"`
	Files      Files      `yaml:"files"`
	Sync       Sync       `yaml:"sync"`
	PII        PII        `yaml:"pii"`
	Serve      Serve      `yaml:"serve"`
	Schedule   Schedule   `yaml:"schedule"`
	Freshness  Freshness  `yaml:"freshness"`
	Log        Log        `yaml:"log"`
	Indicators Indicators `yaml:"indicators"`
	Evaluation Evaluation `yaml:"evaluation"`
	Archive    Archive    `yaml:"archive"`
	RefData    RefData    `yaml:"refdata"`
	Watch      Watch      `yaml:"watch"`

	// origins records where each key's value came from ("default",
	// "file dvcindex.yaml", "env DVC_…"), for doctor and `config` output.
	origins map[string]string
}

// ClickHouse is the warehouse connection.
type ClickHouse struct {
	Addr        AddrList `yaml:"addr"` // host:port of the native protocol; more than one: failover in order
	Database    string   `yaml:"database"`
	Username    string   `yaml:"username"`
	Password    Secret   `yaml:"password"`
	BatchRows   int      `yaml:"batch_rows"`   // rows per insert batch
	DialTimeout Duration `yaml:"dial_timeout"` // connect timeout
	ReadTimeout Duration `yaml:"read_timeout"` // per-query read timeout
	MaxRetries  int      `yaml:"max_retries"`  // re-sends of a failed batch before the run fails
	RetryWait   Duration `yaml:"retry_wait"`   // first backoff between re-sends (doubles)
	// Transport security of the native protocol (see tls.go).
	TLS           bool   `yaml:"tls"`             // connect with TLS (the server's secure native port, 9440 by default)
	CAFile        string `yaml:"ca_file"`         // PEM bundle of the CAs to trust; "" = the system's
	TLSServerName string `yaml:"tls_server_name"` // name the certificate must carry; "" = the host of addr
	// A replicated, sharded cluster (docs/cluster.md). Cluster is the name in
	// the servers' remote_servers; "" = one server, exactly as before.
	Cluster     string   `yaml:"cluster"`
	ShardingKey string   `yaml:"sharding_key"` // how dossier rows are spread over shards: dossier_id
	DDLTimeout  Duration `yaml:"ddl_timeout"`  // how long an ON CLUSTER statement waits for every node
}

// Portal is the source API (portal-api.md).
type Portal struct {
	BaseURL      string   `yaml:"base_url"`
	Username     string   `yaml:"username"`
	Password     Secret   `yaml:"password"`
	PageSize     int      `yaml:"page_size"`      // records per page, ≤ 1000
	Timeout      Duration `yaml:"timeout"`        // per request
	RateLimit    float64  `yaml:"rate_limit"`     // requests per second, 0 = unlimited
	MaxRetries   int      `yaml:"max_retries"`    // retries of one request before the run fails
	RetryWait    Duration `yaml:"retry_wait"`     // first backoff
	RetryMaxWait Duration `yaml:"retry_max_wait"` // backoff cap
	MaxBodyBytes int64    `yaml:"max_body_bytes"` // response size limit
	Concurrency  int      `yaml:"concurrency"`    // requests in flight at once, per source
	// AllowHTTP permits a plain-http base URL on a host that is not
	// loopback (test portals only): credentials and tokens would cross
	// the network in clear.
	AllowHTTP bool `yaml:"allow_http"`
}

// DefaultEvaluationURL is sources.evaluation.base_url by default: the
// national portal, whose reporting API the evaluation source reads.
const DefaultEvaluationURL = "https://dichvucong.gov.vn"

// SourceNames are the sources that have a section under sources:, in the
// order of the Sources fields.
func SourceNames() []string {
	t := reflect.TypeOf(Sources{})
	out := make([]string, t.NumField())
	for i := range out {
		out[i], _, _ = strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
	}
	return out
}

// Sources holds per-source overrides of the portal: defaults. Each source is
// a field (not a map) so that every key has its DVC_SOURCES_… variable.
type Sources struct {
	Dossiers   SourceOverride `yaml:"dossiers"`
	Petitions  SourceOverride `yaml:"petitions"`
	Procedures SourceOverride `yaml:"procedures"`
	Evaluation SourceOverride `yaml:"evaluation"`
	BCQG       SourceOverride `yaml:"bcqg"`
}

// SourceOverride overrides the portal: keys for one source (portal-api.md:
// real deployments put the endpoint families behind different hosts). A zero
// value inherits the portal: value.
type SourceOverride struct {
	BaseURL     string   `yaml:"base_url"`
	Username    string   `yaml:"username"`
	Password    Secret   `yaml:"password"`
	PageSize    int      `yaml:"page_size"`
	Timeout     Duration `yaml:"timeout"`
	RateLimit   float64  `yaml:"rate_limit"` // 0 inherits; the portal: value may itself be 0 = unlimited
	Concurrency int      `yaml:"concurrency"`
	MaxRetries  int      `yaml:"max_retries"`
}

// Source returns the effective portal settings of a source: the portal:
// defaults with the source's overrides applied. Unknown names get the
// defaults.
func (c Config) Source(name string) Portal {
	p, o := c.Portal, c.sourceOverride(name)
	if o.BaseURL != "" {
		p.BaseURL = o.BaseURL
	}
	if o.Username != "" {
		p.Username = o.Username
	}
	if o.Password != "" {
		p.Password = o.Password
	}
	if o.PageSize != 0 {
		p.PageSize = o.PageSize
	}
	if o.Timeout != 0 {
		p.Timeout = o.Timeout
	}
	if o.RateLimit != 0 {
		p.RateLimit = o.RateLimit
	}
	if o.Concurrency != 0 {
		p.Concurrency = o.Concurrency
	}
	if o.MaxRetries != 0 {
		p.MaxRetries = o.MaxRetries
	}
	return p
}

func (c Config) sourceOverride(name string) SourceOverride {
	o, _ := byYAMLTag[SourceOverride](c.Sources, name)
	return o
}

// Files is the file-drop source (portal-api.md §6).
type Files struct {
	// Inbox is the folder watched by sync --source files; processed files
	// move to Inbox/done, failed ones to Inbox/failed with a reason file.
	// "" disables the source.
	Inbox string `yaml:"inbox"`
	// Limits, checked before a file is read (bytes on disk, bytes once an
	// .xlsx is unzipped) or while it is counted (rows): a file over one is
	// moved to failed/ with the limit in its reason.
	MaxBytes         int64 `yaml:"max_bytes"`
	MaxRows          int   `yaml:"max_rows"`
	MaxUnzippedBytes int64 `yaml:"max_unzipped_bytes"`
	// Settle: a file modified less than this long ago may still be being
	// written; it is left in the inbox for the next run.
	Settle Duration `yaml:"settle"`
}

// Archive is the archive of raw pages (raw_pages, migration 0012).
type Archive struct {
	// Keep is how long archived pages are kept: a month of the archive is
	// dropped once all of it is older (0: forever, the default). Reprocess
	// can only re-read what is kept.
	Keep Duration `yaml:"keep"`
}

// RefData names the reference data files (docs/refdata.md), CSV in the
// formats of the shipped ones. "" = the shipped Hoài Nhơn file built into
// the binary (transform/refdata). Paths are relative to the working
// directory.
type RefData struct {
	UnitsFile      string `yaml:"units_file"`      // administrative units and their validity (units-hoai-nhon.csv)
	AgenciesFile   string `yaml:"agencies_file"`   // electronic agency identifiers → GSO codes (agencies.csv)
	ProceduresFile string `yaml:"procedures_file"` // the seed report's procedures (procedures-seed.csv)
	TargetsFile    string `yaml:"targets_file"`    // each unit's targets per indicator (docs/refdata.md); "" = none
}

// Sync controls incremental extraction.
type Sync struct {
	Since     Date     `yaml:"since"`      // first watermark of a new source
	Lookback  Duration `yaml:"lookback"`   // re-read behind the watermark
	SafetyLag Duration `yaml:"safety_lag"` // never read closer to now than this
	Window    Duration `yaml:"window"`     // longest window read in one pass; longer spans are split
	Workers   int      `yaml:"workers"`    // normalizing goroutines; 0 = number of CPUs
	// MinWindow is the shortest span a window whose total changes on every
	// read (a busy portal) is split down to, in halves; 0 = never split.
	MinWindow Duration `yaml:"min_window"`
}

// PII holds the key of the personal-data hash.
type PII struct {
	Key Secret `yaml:"key"`
}

// Serve is the daemon's HTTP endpoint.
type Serve struct {
	Addr        string   `yaml:"addr"`
	GracePeriod Duration `yaml:"grace_period"` // on SIGTERM, how long a running job may finish before it is aborted
	JobTimeout  Duration `yaml:"job_timeout"`  // longest run of one scheduled job
	ReportDir   string   `yaml:"report_dir"`   // where the scheduled report is written
	Web         ServeWeb `yaml:"web"`
}

// ServeWeb is the units' page that serve shows on serve.addr (docs/web.md).
type ServeWeb struct {
	// UsersFile (CSV: user,bcrypt_hash,units) turns on HTTP basic auth; a
	// user sees only its units ("*" = all). "" = no login (loopback only).
	UsersFile string `yaml:"users_file"`
}

// Schedule holds robfig/cron specs for the daemon ("" disables a job).
type Schedule struct {
	Sync    string `yaml:"sync"`
	Compute string `yaml:"compute"`
	Report  string `yaml:"report"`
}

// Freshness is, per source, the age of its last successful sync beyond
// which /readyz and doctor call it stale (0 = not checked).
type Freshness struct {
	Dossiers   Duration `yaml:"dossiers"`
	Petitions  Duration `yaml:"petitions"`
	Procedures Duration `yaml:"procedures"`
	BCQG       Duration `yaml:"bcqg"`
	Evaluation Duration `yaml:"evaluation"`
	Files      Duration `yaml:"files"`
}

// Of returns the freshness limit of source (0 for an unknown source).
func (f Freshness) Of(source string) time.Duration {
	d, _ := byYAMLTag[Duration](f, source)
	return d.D()
}

// HasSourceSection reports whether the configuration has a sources.NAME
// section and a freshness.NAME key for a source: a registered source must
// have both (the engine's registry test).
func HasSourceSection(name string) (sources, freshness bool) {
	_, sources = byYAMLTag[SourceOverride](Sources{}, name)
	_, freshness = byYAMLTag[Duration](Freshness{}, name)
	return sources, freshness
}

// byYAMLTag returns the field of struct v whose yaml tag is name: the
// per-source sections are fields (so that every key has its DVC_…
// variable), looked up by the source's name.
func byYAMLTag[T any](v any, name string) (T, bool) {
	var zero T
	rv := reflect.ValueOf(v)
	for i := 0; i < rv.NumField(); i++ {
		tag, _, _ := strings.Cut(rv.Type().Field(i).Tag.Get("yaml"), ",")
		if tag != name {
			continue
		}
		out, ok := rv.Field(i).Interface().(T)
		return out, ok
	}
	return zero, false
}

// ParseSchedule parses a schedule.* spec the way serve runs it: five cron
// fields (minute hour day-of-month month day-of-week), an optional
// CRON_TZ=Zone prefix, or a descriptor such as @daily or @every 30s.
func ParseSchedule(spec string) (cron.Schedule, error) {
	return cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor).Parse(spec)
}

// Indicators are the rules of indicators-766.md that are ours to choose
// (docs/indicators.md).
type Indicators struct {
	ZeroDenominator      string   `yaml:"zero_denominator"`       // official (NULL where the portal publishes null) | zero | award_max | exclude
	ProvinceMetrics      string   `yaml:"province_metrics"`       // inherit | award_max | exclude
	SyncDeadline         Duration `yaml:"sync_deadline"`          // a step must reach the national portal within it
	ProgressPopulation   string   `yaml:"progress_population"`    // received (handled: not implemented)
	SyncScoring          string   `yaml:"sync_scoring"`           // official (synced dossiers) | deadline (every step within sync_deadline)
	ProxyMinOwners       int      `yaml:"proxy_min_owners"`       // proxy_submission threshold
	StaffAccounts        []string `yaml:"staff_accounts"`         // accounts always counted as proxies
	PetitionDeadlineDays int      `yaml:"petition_deadline_days"` // HanXuLy default, working days
	ReconcileTolerance   float64  `yaml:"reconcile_tolerance"`    // points
	HolidaysFile         string   `yaml:"holidays_file"`          // "" = the built-in holidays-vn.csv
	BandExcellent        float64  `yaml:"band_excellent"`         // rating bands (display only)
	BandGood             float64  `yaml:"band_good"`
	BandFair             float64  `yaml:"band_fair"`
	BandAverage          float64  `yaml:"band_average"`
}

// Watch is the early warning (docs/watch.md): which open dossiers and
// petitions are listed as at risk of costing a unit points, and where serve
// sends each unit's digest after a sync.
type Watch struct {
	Period             string   `yaml:"period"`               // month | quarter | year: the period holding today that is watched
	DueWithinDays      int      `yaml:"due_within_days"`      // due_soon: an open dossier due within this many working days
	StepUnsyncedAfter  Duration `yaml:"step_unsynced_after"`  // step_unsynced: a step not on the national portal this long after it
	PetitionWithinDays int      `yaml:"petition_within_days"` // petition_due_soon: an open petition this many working days from its deadline
	WebhooksFile       string   `yaml:"webhooks_file"`        // CSV unit_code,url: serve POSTs each unit's digest as JSON ("" = none)
	WebhookTimeout     Duration `yaml:"webhook_timeout"`      // one POST
	WebhookRetries     int      `yaml:"webhook_retries"`      // re-sends of a failed POST (backoff doubling from 1s)
}

// Evaluation configures the national reporting API that the evaluation
// source reads (docs/spec/national-766-api.md); its host, rate limit and
// retries are sources.evaluation.*. It takes no credentials: the portal's
// are never sent to it.
type Evaluation struct {
	// RootDepartmentID is the province's departmentId (UBND tỉnh) on the
	// national portal; "" = the evaluation source is not configured.
	RootDepartmentID string   `yaml:"root_department_id"`
	PageSize         int      `yaml:"page_size"`     // rows per page of the paginated families
	Jitter           Duration `yaml:"jitter"`        // random extra wait, up to this, before each request
	MaxThrottled     int      `yaml:"max_throttled"` // consecutive 403/429 answers after which a run stops
}

// Log controls logging.
type Log struct {
	Level  string `yaml:"level"`  // trace|debug|info|warn|error
	Format string `yaml:"format"` // auto|console|json
}

// Default returns the built-in defaults (interfaces.md).
func Default() Config {
	return Config{
		ClickHouse: ClickHouse{
			Addr: AddrList{"127.0.0.1:9000"}, Database: "dvc", Username: "default",
			BatchRows: 10000, DialTimeout: Duration(10 * time.Second), ReadTimeout: Duration(5 * time.Minute),
			MaxRetries: 3, RetryWait: Duration(time.Second),
			ShardingKey: "dossier_id", DDLTimeout: Duration(2 * time.Minute),
		},
		Portal: Portal{
			BaseURL: "http://127.0.0.1:8089", PageSize: 1000, Timeout: Duration(30 * time.Second),
			RateLimit: 20, MaxRetries: 5, RetryWait: Duration(500 * time.Millisecond),
			RetryMaxWait: Duration(30 * time.Second), MaxBodyBytes: 64 << 20, Concurrency: 2,
		},
		Sync: Sync{
			Since:     Date(time.Date(2024, 1, 1, 0, 0, 0, 0, hcm)),
			Lookback:  Duration(time.Hour),
			SafetyLag: Duration(5 * time.Minute),
			Window:    Duration(31 * 24 * time.Hour),
			MinWindow: Duration(time.Minute),
		},
		Files: Files{MaxBytes: 64 << 20, MaxRows: 200_000, MaxUnzippedBytes: 1 << 30, Settle: Duration(time.Minute)},
		Serve: Serve{Addr: "127.0.0.1:9108", GracePeriod: Duration(30 * time.Second), JobTimeout: Duration(2 * time.Hour),
			ReportDir: "reports"},
		Schedule: Schedule{
			Sync:    "CRON_TZ=Asia/Ho_Chi_Minh 30 1 * * *",
			Compute: "CRON_TZ=Asia/Ho_Chi_Minh 30 3 * * *",
			Report:  "CRON_TZ=Asia/Ho_Chi_Minh 0 5 2 * *",
		},
		Freshness: Freshness{
			Dossiers: Duration(36 * time.Hour), Petitions: Duration(36 * time.Hour), Files: Duration(36 * time.Hour),
			Procedures: Duration(8 * 24 * time.Hour), BCQG: Duration(40 * 24 * time.Hour), Evaluation: Duration(40 * 24 * time.Hour),
		},
		Log:        Log{Level: "info", Format: "auto"},
		Sources:    Sources{Evaluation: SourceOverride{BaseURL: DefaultEvaluationURL, RateLimit: 1}},
		Evaluation: Evaluation{PageSize: 200, Jitter: Duration(250 * time.Millisecond), MaxThrottled: 3},
		Indicators: Indicators{
			ZeroDenominator: "official", ProvinceMetrics: "inherit", SyncDeadline: Duration(24 * time.Hour),
			ProgressPopulation: "received", SyncScoring: "official", ProxyMinOwners: 5, StaffAccounts: []string{},
			PetitionDeadlineDays: 15, ReconcileTolerance: 0.5,
			BandExcellent: 90, BandGood: 80, BandFair: 65, BandAverage: 50,
		},
		Watch: Watch{Period: "quarter", DueWithinDays: 1, StepUnsyncedAfter: Duration(12 * time.Hour), PetitionWithinDays: 2,
			WebhookTimeout: Duration(10 * time.Second), WebhookRetries: 3},
	}
}

// Error is a configuration problem tied to one key.
type Error struct {
	Key    string // dotted path, e.g. "clickhouse.addr"
	Origin string // where the value came from
	Msg    string
}

func (e *Error) Error() string {
	if e.Origin != "" && e.Origin != "default" {
		return fmt.Sprintf("config %s (from %s): %s", e.Key, e.Origin, e.Msg)
	}
	return fmt.Sprintf("config %s: %s", e.Key, e.Msg)
}

// Load reads the file at path (if path is non-empty), applies the DVC_*
// variables found in environ (os.Environ() form), and validates the result.
// All problems are returned together, joined.
func Load(path string, environ []string) (Config, error) {
	cfg := Default()
	cfg.origins = map[string]string{}
	for _, k := range Keys() {
		cfg.origins[k] = "default"
	}
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return cfg, fmt.Errorf("read config file: %w", err)
		}
		if err := cfg.applyYAML(path, data); err != nil {
			return cfg, err
		}
	}
	if err := cfg.applyEnv(environ); err != nil {
		return cfg, err
	}
	return cfg, cfg.Validate()
}

func (c *Config) applyYAML(path string, data []byte) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil {
		return fmt.Errorf("config file %s: %w", path, err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err == nil && len(root.Content) == 1 {
		markOrigins(root.Content[0], "", "file "+path, c.origins)
	}
	return nil
}

func markOrigins(n *yaml.Node, prefix, origin string, out map[string]string) {
	if n.Kind != yaml.MappingNode {
		if prefix != "" {
			out[prefix] = origin
		}
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key := n.Content[i].Value
		if prefix != "" {
			key = prefix + "." + key
		}
		markOrigins(n.Content[i+1], key, origin, out)
	}
}

func (c *Config) applyEnv(environ []string) error {
	fields := leafFields(reflect.ValueOf(c).Elem(), "")
	byEnv := make(map[string]leaf, len(fields))
	for _, f := range fields {
		byEnv[EnvName(f.key)] = f
	}
	var errs []error
	for _, kv := range environ {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(name, EnvPrefix) {
			continue
		}
		f, known := byEnv[name]
		if !known {
			if notConfigEnv(name) {
				continue
			}
			errs = append(errs, &Error{Key: name, Origin: "env", Msg: "no configuration key has this name; see the README's configuration reference"})
			continue
		}
		if err := setFromString(f.v, value); err != nil {
			errs = append(errs, &Error{Key: f.key, Origin: "env " + name, Msg: err.Error()})
			continue
		}
		c.origins[f.key] = "env " + name
	}
	return errors.Join(errs...)
}

// notConfigEnv reports whether a DVC_* variable belongs to the tools around
// the pipeline rather than to its configuration: DVC_CONFIG (the file
// itself) and the test harness's DVC_TEST_* (DVC_TEST_CLICKHOUSE,
// DVC_TEST_CHROMIUM, DVC_TEST_KEEP_DB, …), which `make test` exports to every
// command it runs.
func notConfigEnv(name string) bool {
	return name == "DVC_CONFIG" || strings.HasPrefix(name, "DVC_TEST_")
}

// EnvName is the environment variable overriding a dotted key.
func EnvName(key string) string {
	return EnvPrefix + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// Keys lists every configuration key in dotted form, in file order.
func Keys() []string {
	var c Config
	fields := leafFields(reflect.ValueOf(&c).Elem(), "")
	keys := make([]string, len(fields))
	for i, f := range fields {
		keys[i] = f.key
	}
	return keys
}

// Origin says where key's value came from.
func (c Config) Origin(key string) string {
	if o, ok := c.origins[key]; ok {
		return o
	}
	return "default"
}

type leaf struct {
	key string
	v   reflect.Value
}

var (
	durationType = reflect.TypeOf(Duration(0))
	dateType     = reflect.TypeOf(Date{})
	secretType   = reflect.TypeOf(Secret(""))
)

func leafFields(v reflect.Value, prefix string) []leaf {
	var out []leaf
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		tag := strings.Split(sf.Tag.Get("yaml"), ",")[0]
		if !sf.IsExported() || tag == "" || tag == "-" {
			continue
		}
		key := tag
		if prefix != "" {
			key = prefix + "." + tag
		}
		fv := v.Field(i)
		if fv.Kind() == reflect.Struct && fv.Type() != dateType {
			out = append(out, leafFields(fv, key)...)
			continue
		}
		out = append(out, leaf{key: key, v: fv})
	}
	return out
}

func setFromString(v reflect.Value, s string) error {
	switch v.Type() {
	case durationType:
		d, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("%q is not a duration (e.g. 90s, 5m, 1h)", s)
		}
		v.Set(reflect.ValueOf(Duration(d)))
		return nil
	case dateType:
		d, err := ParseDate(s)
		if err != nil {
			return err
		}
		v.Set(reflect.ValueOf(d))
		return nil
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Int, reflect.Int64:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fmt.Errorf("%q is not an integer", s)
		}
		v.SetInt(n)
	case reflect.Float64:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return fmt.Errorf("%q is not a number", s)
		}
		v.SetFloat(f)
	case reflect.Slice:
		if v.Type().Elem().Kind() != reflect.String {
			return fmt.Errorf("unsupported type %s", v.Type())
		}
		var items []string
		for _, it := range strings.Split(s, ",") {
			if it = strings.TrimSpace(it); it != "" {
				items = append(items, it)
			}
		}
		v.Set(reflect.ValueOf(items).Convert(v.Type()))
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("%q is not true or false", s)
		}
		v.SetBool(b)
	default:
		return fmt.Errorf("unsupported type %s", v.Type())
	}
	return nil
}

// ValidIdentifier reports whether s can be used as a ClickHouse database name
// without quoting surprises.
func ValidIdentifier(s string) bool { return chsql.ValidIdentifier(s) }

// Redacted renders the configuration as YAML with every secret replaced, so
// it is safe to print or log.
func (c Config) Redacted() string {
	c.Portal.BaseURL = redact.URL(c.Portal.BaseURL)
	for _, o := range []*SourceOverride{&c.Sources.Dossiers, &c.Sources.Petitions, &c.Sources.Procedures, &c.Sources.Evaluation, &c.Sources.BCQG} {
		if o.BaseURL != "" {
			o.BaseURL = redact.URL(o.BaseURL)
		}
	}
	out, err := yaml.Marshal(c)
	if err != nil {
		return fmt.Sprintf("<config: %v>", err)
	}
	return string(out)
}

// Value renders key's current value as the configuration prints it
// (secrets redacted); ok is false for an unknown key.
func (c Config) Value(key string) (v string, ok bool) {
	for _, f := range leafFields(reflect.ValueOf(&c).Elem(), "") {
		if f.key == key {
			if strings.HasSuffix(key, ".base_url") && f.v.String() != "" {
				return redact.URL(f.v.String()), true
			}
			if s, isStr := f.v.Interface().(fmt.Stringer); isStr {
				return s.String(), true
			}
			return fmt.Sprint(f.v.Interface()), true
		}
	}
	return "", false
}
