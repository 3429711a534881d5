package vocab_test

import (
	"regexp"
	"slices"
	"testing"

	"github.com/dvcindex/dvcindex/transform/indicators"
	"github.com/dvcindex/dvcindex/transform/vocab"
)

// TestFindingsOfTheSQL: every finding the findings SQL writes has words and
// a label here, and every finding here is written by the SQL.
func TestFindingsOfTheSQL(t *testing.T) {
	scripts, err := indicators.Findings()
	if err != nil {
		t.Fatal(err)
	}
	literal := regexp.MustCompile(`'([a-z][a-z_]+)'`)
	notFindings := map[string]bool{"catalogue": true, "none": true, "unknown": true}
	for _, g := range vocab.Indicators() {
		notFindings[g.Code] = true
	}
	var inSQL []string
	for _, s := range scripts {
		for _, m := range literal.FindAllStringSubmatch(s.SQL, -1) {
			if !notFindings[m[1]] {
				inSQL = append(inSQL, m[1])
			}
		}
	}
	slices.Sort(inSQL)
	inSQL = slices.Compact(inSQL)
	var known []string
	for _, f := range vocab.Findings() {
		known = append(known, f.Code)
		if f.Words == "" || f.Label == "" {
			t.Errorf("finding %s lacks words or a label", f.Code)
		}
	}
	slices.Sort(known)
	if !slices.Equal(inSQL, known) {
		t.Errorf("findings in the SQL %v; in the vocabulary %v", inSQL, known)
	}
}

func TestGroupsAddUpTo100(t *testing.T) {
	var sum float64
	for _, g := range vocab.Groups() {
		sum += g.Max
	}
	if sum != 100 || len(vocab.Indicators()) != 7 || vocab.Indicators()[6].Code != vocab.Total {
		t.Fatalf("groups sum to %v over %d indicators", sum, len(vocab.Indicators()))
	}
}
