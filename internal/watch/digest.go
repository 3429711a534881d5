// Package watch owns what the early warning shows a unit (docs/watch.md):
// the digest of one unit's items at risk and projected scores, built from a
// committed load.WatchResult, its renderings (the CLI's table and JSON, the
// CSV and Markdown files serve writes) and the webhooks serve posts it to.
//
// A digest carries no personal value: items are named by their MaHoSo or
// MaPAKN, their procedure and the rule's plain words, never by an owner,
// and webhook addresses (which often embed a token) are never logged or
// put in an error in full.
package watch

import (
	"math"
	"slices"
	"sort"
	"time"

	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform/indicators"
	"github.com/dvcindex/dvcindex/transform/vocab"
)

// Digest is one unit's early warning for one period as of one moment.
type Digest struct {
	UnitCode string    `json:"unit_code"`
	UnitName string    `json:"unit_name"`
	Period   string    `json:"period"`
	AsOf     time.Time `json:"as_of"`
	WatchID  string    `json:"watch_id"`
	Scores   []Score   `json:"scores"`
	// Act: recoverable items, most points per hour left first; then
	// Threats (keep as they are), Lost (overdue: points already lost) and
	// Risks (no points under the rules in force).
	Act     []Item `json:"act"`
	Threats []Item `json:"threats"`
	Lost    []Item `json:"lost"`
	Risks   []Item `json:"risks"`
	// AtStake is what the Act items are worth together (total if_done −
	// secured); LostPoints what the Lost items already cost.
	AtStake    float64 `json:"points_at_stake"`
	LostPoints float64 `json:"points_lost"`
}

// Score is one indicator's projection.
type Score struct {
	Indicator string  `json:"indicator"`
	Label     string  `json:"label"`
	Secured   float64 `json:"secured"`
	IfDone    float64 `json:"if_done"`
	Lost      float64 `json:"lost"`
	Max       float64 `json:"max_score"`
}

// Item is one item at risk.
type Item struct {
	load.AtRiskItem
	RuleLabel string `json:"rule_label"`
}

// Digests splits a watch's result by unit: one digest per unit of the
// watch that has a projection, ordered by unit code.
func Digests(res load.WatchResult, only []string) []Digest {
	names := map[string]string{}
	for _, u := range res.Units {
		names[u.Code] = u.Name
	}
	byUnit := map[string]*Digest{}
	get := func(code string) *Digest {
		d, ok := byUnit[code]
		if !ok {
			d = &Digest{UnitCode: code, UnitName: names[code], Period: res.Period, AsOf: res.AsOf, WatchID: res.WatchID,
				Act: []Item{}, Threats: []Item{}, Lost: []Item{}, Risks: []Item{}}
			byUnit[code] = d
		}
		return d
	}
	for _, s := range res.Scores {
		get(s.Unit).addScore(s)
	}
	for _, it := range res.Items {
		get(it.Unit).addItem(it)
	}
	var out []Digest
	for code, d := range byUnit {
		if len(only) > 0 && !slices.Contains(only, code) {
			continue
		}
		d.finish()
		out = append(out, *d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].UnitCode < out[j].UnitCode })
	return out
}

func (d *Digest) addScore(s load.AtRiskScore) {
	label := s.Indicator
	for _, in := range vocab.Indicators() {
		if in.Code == s.Indicator {
			label = in.Label
		}
	}
	d.Scores = append(d.Scores, Score{Indicator: s.Indicator, Label: label, Secured: s.Secured, IfDone: s.IfDone, Lost: s.Lost, Max: s.Max})
}

func (d *Digest) addItem(it load.AtRiskItem) {
	item := Item{AtRiskItem: it, RuleLabel: vocab.AtRiskLabel(it.Rule)}
	switch it.Kind {
	case indicators.KindRecoverable:
		d.Act = append(d.Act, item)
	case indicators.KindThreat:
		d.Threats = append(d.Threats, item)
	case indicators.KindLost:
		d.Lost = append(d.Lost, item)
	default:
		d.Risks = append(d.Risks, item)
	}
}

// finish orders the scores as the report does and sums the points.
func (d *Digest) finish() {
	order := map[string]int{}
	for i, in := range vocab.Indicators() {
		order[in.Code] = i
	}
	sort.SliceStable(d.Scores, func(i, j int) bool { return order[d.Scores[i].Indicator] < order[d.Scores[j].Indicator] })
	for _, s := range d.Scores {
		if s.Indicator == vocab.Total {
			d.AtStake = round2(s.IfDone - s.Secured)
			d.LostPoints = s.Lost
		}
	}
}

// Total is the digest's total row (zero when it has none).
func (d Digest) Total() Score {
	for _, s := range d.Scores {
		if s.Indicator == vocab.Total {
			return s
		}
	}
	return Score{}
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }
