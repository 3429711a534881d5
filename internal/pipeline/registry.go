package pipeline

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/dvcindex/dvcindex/config"
	"github.com/dvcindex/dvcindex/transform"
)

// Kind is how a source is read; it decides which runner serves it.
type Kind string

// The kinds of source.
const (
	// Windowed sources are read by closed windows on an update cursor and
	// keep an incremental watermark (dossiers, petitions).
	Windowed Kind = "windowed"
	// Keyed sources are read per unit or family and period; a re-read
	// replaces the rows of its keys (bcqg, evaluation).
	Keyed Kind = "keyed"
	// Snapshot sources are read whole on every run (procedures).
	Snapshot Kind = "snapshot"
	// File sources read the exports dropped in a folder (files).
	File Kind = "file"
)

// Host is where a source reads.
type Host string

// The hosts of sources.
const (
	PortalHost   Host = "portal"   // portal: with sources.NAME overrides
	NationalHost Host = "national" // the national reporting API, sources.NAME
	FolderHost   Host = "folder"   // a local folder (files.inbox)
)

// ProbeRequest is what a probe may ask about: the last closed month, one
// unit in scope on its last day (portal form, "" if none) and now.
type ProbeRequest struct {
	Now   time.Time
	Month transform.Period
	Unit  string
}

// Source is one registered source: what the CLI, doctor, metrics, readiness
// and the daemon know about it. Register it from the init function of its
// own file (source_NAME.go); nothing outside the registry switches on a
// source's name.
type Source struct {
	// Name is the value of --source, the runs' source and the config
	// sections' key (sources.NAME for portal sources, freshness.NAME).
	Name string
	// Rank orders the sources in lists (the order of interfaces.md).
	Rank int
	Kind Kind
	// Summary is one line for --help and the docs.
	Summary string
	// Paths are the endpoint path prefixes the source requests; a retried
	// request is counted against the source whose prefix it has.
	Paths []string
	// Host is where the source reads: the province's portal, the national
	// reporting API (both configured under sources.NAME) or a folder.
	Host Host
	// Probe, if set, is doctor's one-page read of a portal source.
	Probe func(ProbeRequest) (path string, q url.Values)
	// Enabled reports whether the configuration turns the source on for
	// the daemon, readiness and a sync of every source (nil: always).
	Enabled func(config.Config) bool
	// Check returns the usage error of a source that cannot run with the
	// configuration, before any connection (nil: it always can).
	Check func(config.Config) error
	// NoBackfill says why backfill refuses the source ("" when it can).
	NoBackfill string

	runner runner
	// reparse, if set, builds the page normalizer of records as archived:
	// the source can be reprocessed (reprocess.go).
	reparse recordsParser
}

// recordsParser builds the page normalizer of a run of source, for records
// as read or (archived) as the archive holds them.
type recordsParser func(e *Engine, source string, archived bool) (pageNormalizer, error)

// registry holds the sources by name. It is written only by Register from
// init functions, before main runs, and read-only afterwards.
var registry = map[string]Source{}

// Register adds a source. It panics on a source without a name or runner,
// or on a second source of the same name: both are programming errors.
func Register(s Source) {
	if s.Name == "" || s.runner == nil {
		panic("pipeline: Register of a source without a name or runner")
	}
	if _, dup := registry[s.Name]; dup {
		panic(fmt.Sprintf("pipeline: source %q registered twice", s.Name))
	}
	registry[s.Name] = s
}

// Lookup returns the registered source of a name.
func Lookup(name string) (Source, bool) {
	s, ok := registry[name]
	return s, ok
}

// Sources lists every registered source, in Rank order.
func Sources() []Source {
	out := make([]Source, 0, len(registry))
	for _, s := range registry {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b Source) int { return a.Rank - b.Rank })
	return out
}

// Names lists the registered sources' names, in Rank order.
func Names() []string {
	var out []string
	for _, s := range Sources() {
		out = append(out, s.Name)
	}
	return out
}

// EnabledNames lists the sources the configuration turns on, in Rank
// order: what serve schedules, readiness checks and a plain sync reads.
func EnabledNames(cfg config.Config) []string {
	var out []string
	for _, s := range Sources() {
		if s.Enabled == nil || s.Enabled(cfg) {
			out = append(out, s.Name)
		}
	}
	return out
}

// SourceOfPath names the source whose endpoint a request path belongs to;
// "auth" for the token endpoint and "other" for anything else.
func SourceOfPath(path string) string {
	best, bestLen := "other", 0
	if strings.HasPrefix(path, "/api/v1/auth") {
		return "auth"
	}
	for _, s := range registry {
		for _, p := range s.Paths {
			if strings.HasPrefix(path, p) && len(p) > bestLen {
				best, bestLen = s.Name, len(p)
			}
		}
	}
	return best
}

// UnknownSource is the usage error of a name that is not registered.
func UnknownSource(name string) error {
	return Usagef("unknown source %q; sources are %s", name, strings.Join(Names(), ", "))
}
