package indicators

import (
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

// An at-risk rule (atrisk/*.sql) is a header of "-- key: value" lines, then
// one INSERT into at_risk_candidates of the open dossiers or petitions that
// will cost a unit points unless someone acts (docs/watch.md). Header keys:
//
//	rule    the rule's code (due_soon, …; a file may write two codes, named
//	        in codes)
//	codes   every rule code the file writes, when more than rule
//	metric  the metric the item is listed under
//	moves   every metric whose numerator the item's fate changes: a watch
//	        shares each metric's points among the items that move it
//	spec    the item of the reference and what acting means
//
// Every row carries a kind: recoverable (acting in time keeps the points),
// lost (lost whatever is done now; counted when the period ends), threat
// (kept unless someone makes it worse) or risk (costs no points under the
// rules in force); and a flip, what a watch's scenario changes in the
// item's per-dossier facts: on_time, synced, result, petition, or "".
type AtRiskRule struct {
	Code   string
	Codes  []string // every code the file writes (Code first)
	Metric string
	Moves  []string
	Spec   string
	File   string
	SQL    string // the INSERT, fragments included
}

// Kinds of at-risk items (at_risk_candidates.kind).
const (
	KindRecoverable = "recoverable"
	KindLost        = "lost"
	KindThreat      = "threat"
	KindRisk        = "risk"
)

// AtRiskRules returns every at-risk rule, in file order.
func AtRiskRules() ([]AtRiskRule, error) {
	names, err := fs.Glob(files, "atrisk/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	ms, err := Metrics()
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, m := range ms {
		known[m.Code] = true
	}
	out := make([]AtRiskRule, 0, len(names))
	for _, name := range names {
		r, err := readAtRiskRule(name, known)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

func readAtRiskRule(name string, metrics map[string]bool) (AtRiskRule, error) {
	body, err := files.ReadFile(name)
	if err != nil {
		return AtRiskRule{}, err
	}
	text, err := includeFragments(name, string(body))
	if err != nil {
		return AtRiskRule{}, err
	}
	return parseAtRiskRule(name, text, metrics)
}

// parseAtRiskRule parses and checks one rule file's text (fragments
// included) against the metric codes.
func parseAtRiskRule(name, text string, metrics map[string]bool) (AtRiskRule, error) {
	hdr, sql := splitHeader(text)
	r := AtRiskRule{Code: hdr["rule"], Metric: hdr["metric"], Spec: hdr["spec"], File: name, SQL: sql}
	r.Codes = splitList(hdr["codes"])
	if len(r.Codes) == 0 {
		r.Codes = []string{r.Code}
	}
	r.Moves = splitList(hdr["moves"])
	for k := range hdr {
		switch k {
		case "rule", "codes", "metric", "moves", "spec":
		default:
			return r, fmt.Errorf("%s: unknown header key %q", name, k)
		}
	}
	switch {
	case !keyRe.MatchString(r.Code) || r.Codes[0] != r.Code:
		return r, fmt.Errorf("%s: rule code %q (codes must start with it)", name, r.Code)
	case !metrics[r.Metric]:
		return r, fmt.Errorf("%s: metric %q is not a metric", name, r.Metric)
	case len(r.Moves) == 0:
		return r, fmt.Errorf("%s: no moves line", name)
	case r.Spec == "":
		return r, fmt.Errorf("%s: no spec line", name)
	case !strings.HasPrefix(strings.ToUpper(sql), "INSERT INTO {DB}.AT_RISK_CANDIDATES"):
		return r, fmt.Errorf("%s: not an INSERT into at_risk_candidates", name)
	}
	for _, m := range r.Moves {
		if !metrics[m] {
			return r, fmt.Errorf("%s: moves %q, not a metric", name, m)
		}
	}
	for _, c := range r.Codes {
		if !keyRe.MatchString(c) {
			return r, fmt.Errorf("%s: rule code %q", name, c)
		}
	}
	return r, nil
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
