package indicators

import (
	"regexp"
	"slices"
	"testing"

	"github.com/dvcindex/dvcindex/transform/vocab"
)

// TestAtRiskRulesParse: every rule file parses, names its metric and the
// metrics it moves, writes only the codes its header declares (each with a
// Vietnamese label in vocab) and only the item kinds the watch prices.
func TestAtRiskRulesParse(t *testing.T) {
	rules, err := AtRiskRules()
	if err != nil {
		t.Fatal(err)
	}
	labelled := map[string]bool{}
	for _, r := range vocab.AtRiskRules() {
		labelled[r.Code] = true
	}
	quoted := regexp.MustCompile(`'([a-z_]+)'`)
	kinds := []string{KindRecoverable, KindLost, KindThreat, KindRisk}
	seen := map[string]bool{}
	for _, r := range rules {
		if !slices.Contains(r.Moves, r.Metric) {
			t.Errorf("%s: moves %v does not include its own metric %s", r.File, r.Moves, r.Metric)
		}
		for _, c := range r.Codes {
			if seen[c] {
				t.Errorf("%s: rule %s written by two files", r.File, c)
			}
			seen[c] = true
			if !labelled[c] {
				t.Errorf("%s: rule %s has no label in vocab.AtRiskRules", r.File, c)
			}
		}
		var wroteKind bool
		for _, m := range quoted.FindAllStringSubmatch(r.SQL, -1) {
			if slices.Contains(kinds, m[1]) {
				wroteKind = true
			}
		}
		if !wroteKind {
			t.Errorf("%s: writes no item kind (%v)", r.File, kinds)
		}
	}
	for c := range labelled {
		if !seen[c] {
			t.Errorf("vocab labels rule %s, which no file writes", c)
		}
	}
}

// TestAtRiskRuleHeaders: a rule file with a bad header is refused.
func TestAtRiskRuleHeaders(t *testing.T) {
	metrics := map[string]bool{"ON_TIME": true}
	tests := []struct{ name, body string }{
		{"no rule", "-- metric: ON_TIME\n-- moves: ON_TIME\n-- spec: x\nINSERT INTO {db}.at_risk_candidates SELECT 1"},
		{"unknown metric", "-- rule: a\n-- metric: NOPE\n-- moves: ON_TIME\n-- spec: x\nINSERT INTO {db}.at_risk_candidates SELECT 1"},
		{"moves unknown", "-- rule: a\n-- metric: ON_TIME\n-- moves: NOPE\n-- spec: x\nINSERT INTO {db}.at_risk_candidates SELECT 1"},
		{"no spec", "-- rule: a\n-- metric: ON_TIME\n-- moves: ON_TIME\nINSERT INTO {db}.at_risk_candidates SELECT 1"},
		{"unknown key", "-- rule: a\n-- metric: ON_TIME\n-- moves: ON_TIME\n-- spec: x\n-- colour: red\nINSERT INTO {db}.at_risk_candidates SELECT 1"},
		{"not an insert", "-- rule: a\n-- metric: ON_TIME\n-- moves: ON_TIME\n-- spec: x\nSELECT 1"},
		{"codes without rule first", "-- rule: a\n-- codes: b, a\n-- metric: ON_TIME\n-- moves: ON_TIME\n-- spec: x\nINSERT INTO {db}.at_risk_candidates SELECT 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := parseAtRiskRule("test.sql", tt.body, metrics); err == nil {
				t.Fatal("accepted")
			}
		})
	}
	if _, err := parseAtRiskRule("ok.sql", "-- rule: a\n-- metric: ON_TIME\n-- moves: ON_TIME\n-- spec: x\nINSERT INTO {db}.at_risk_candidates SELECT 1", metrics); err != nil {
		t.Fatal(err)
	}
}

// TestAtRiskMovesAreComplete: a rule's moves are exactly the metrics whose
// SQL reads the per-dossier fact its flip changes (and those scaled by
// DOSSIER_SYNC when it moves DOSSIER_SYNC): a metric left out would move in
// the scenarios with no item to carry its points.
func TestAtRiskMovesAreComplete(t *testing.T) {
	rules, err := AtRiskRules()
	if err != nil {
		t.Fatal(err)
	}
	ms, err := Metrics()
	if err != nil {
		t.Fatal(err)
	}
	reads := map[string]*regexp.Regexp{
		"on_time":  regexp.MustCompile(`\blate\b`),
		"synced":   regexp.MustCompile(`\b(dossier_synced|synced_on_time)\b`),
		"result":   regexp.MustCompile(`\bresult_links\b`),
		"petition": regexp.MustCompile(`\bat_risk_candidates\b`),
	}
	flipRe := regexp.MustCompile(`'(on_time|synced|result|petition)'`)
	for _, r := range rules {
		flips := map[string]bool{}
		for _, m := range flipRe.FindAllStringSubmatch(r.SQL, -1) {
			flips[m[1]] = true
		}
		if len(flips) == 0 {
			if r.Code != "step_unsynced" {
				t.Errorf("%s: flips nothing", r.File)
			}
			continue
		}
		var want []string
		for _, m := range ms {
			for f := range flips {
				if reads[f].MatchString(m.SQL) || (f == "synced" && m.Coefficient == "sync") {
					want = append(want, m.Code)
					break
				}
			}
		}
		slices.Sort(want)
		got := slices.Clone(r.Moves)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s: moves %v; the metrics reading what it flips are %v", r.File, got, want)
		}
	}
}
