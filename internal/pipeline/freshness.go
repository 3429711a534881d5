package pipeline

import (
	"fmt"
	"time"

	"github.com/dvcindex/dvcindex/config"
)

// Staleness is one source older than its freshness limit.
type Staleness struct {
	Source string
	Last   time.Time // zero: never synced successfully
	Limit  time.Duration
	Age    time.Duration
}

func (s Staleness) String() string {
	key := "freshness." + s.Source
	if s.Last.IsZero() {
		return fmt.Sprintf("source %s has no successful sync in v_runs (limit %s = %s)", s.Source, key, s.Limit)
	}
	return fmt.Sprintf("source %s last synced successfully %s ago at %s, older than %s = %s", s.Source,
		s.Age.Round(time.Second), s.Last.Local().Format(time.RFC3339), key, s.Limit)
}

// StaleSources returns the sources whose last successful sync (last) is
// older than their freshness limit at now, in the order of sources. A limit
// of 0 is not checked.
func StaleSources(sources []string, last map[string]time.Time, f config.Freshness, now time.Time) []Staleness {
	var out []Staleness
	for _, src := range sources {
		limit := f.Of(src)
		if limit <= 0 {
			continue
		}
		t, ok := last[src]
		if !ok {
			out = append(out, Staleness{Source: src, Limit: limit})
			continue
		}
		if age := now.Sub(t); age > limit {
			out = append(out, Staleness{Source: src, Last: t, Limit: limit, Age: age})
		}
	}
	return out
}
