package load

import (
	"math"
	"sort"
	"time"

	"github.com/dvcindex/dvcindex/transform/indicators"
)

// kindScenarios names, per item kind, the two scenarios whose difference in
// a metric's score is what the kind's items cost it: the recoverable ones
// move it from A (nothing changes) to B (they are done), the lost ones from
// B to C (they too are done), the threatened ones from D (they are lost) to
// A.
var kindScenarios = map[string][2]string{
	indicators.KindRecoverable: {"a", "b"},
	indicators.KindLost:        {"b", "c"},
	indicators.KindThreat:      {"d", "a"},
}

// movesOf maps every rule code to the metrics its items move.
func movesOf(rules []indicators.AtRiskRule) map[string][]string {
	out := map[string][]string{}
	for _, r := range rules {
		for _, c := range r.Codes {
			out[c] = r.Moves
		}
	}
	return out
}

// priceItems gives each item its hours left and its points: for each
// metric the item moves, the metric's score difference between its kind's
// two scenarios, shared equally among the unit's items of that kind that
// move the metric (so the points of a unit's items add up exactly to what
// the scenarios differ by). Items are returned in the order of the list:
// recoverable first, most points per hour left first; then threatened,
// lost and risks.
func priceItems(items []AtRiskItem, sc scenarioScores, moves map[string][]string, asOf, end time.Time) []AtRiskItem {
	type key struct{ unit, kind, metric string }
	count := map[key]int{}
	for _, it := range items {
		for _, m := range moves[it.Rule] {
			count[key{it.Unit, it.Kind, m}]++
		}
	}
	out := make([]AtRiskItem, len(items))
	for i, it := range items {
		deadline := end
		if it.Deadline != nil {
			deadline = *it.Deadline
		}
		it.HoursLeft = round2(deadline.Sub(asOf).Hours())
		if pair, ok := kindScenarios[it.Kind]; ok {
			for _, m := range moves[it.Rule] {
				from, to := sc[pair[0]][it.Unit].metrics[m], sc[pair[1]][it.Unit].metrics[m]
				it.Points += (to - from) / float64(count[key{it.Unit, it.Kind, m}])
			}
		}
		it.Points = round4(it.Points)
		out[i] = it
	}
	sortItems(out)
	return out
}

// kindOrder is where each kind of item comes in the list.
var kindOrder = map[string]int{indicators.KindRecoverable: 0, indicators.KindThreat: 1, indicators.KindLost: 2, indicators.KindRisk: 3}

// sortItems orders items by unit, kind, points per hour left (an item
// past its deadline or due within the hour counts one hour), deadline and
// id.
func sortItems(items []AtRiskItem) {
	urgency := func(it AtRiskItem) float64 { return it.Points / math.Max(it.HoursLeft, 1) }
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i], items[j]
		switch {
		case a.Unit != b.Unit:
			return a.Unit < b.Unit
		case kindOrder[a.Kind] != kindOrder[b.Kind]:
			return kindOrder[a.Kind] < kindOrder[b.Kind]
		case urgency(a) != urgency(b):
			return urgency(a) > urgency(b)
		case a.HoursLeft != b.HoursLeft:
			return a.HoursLeft < b.HoursLeft
		case a.ItemID != b.ItemID:
			return a.ItemID < b.ItemID
		}
		return a.Rule < b.Rule
	})
}

// projectScores are each unit's group and total scores if nothing changes
// (A), if every recoverable item is done (B), and what the lost items cost
// (C − B).
func projectScores(sc scenarioScores) []AtRiskScore {
	var out []AtRiskScore
	for unit, a := range sc["a"] {
		for group, sm := range a.groups {
			r := AtRiskScore{Unit: unit, Indicator: group, Secured: sm[0], IfDone: sm[0], Max: sm[1]}
			if b, ok := sc["b"][unit].groups[group]; ok {
				r.IfDone = b[0]
			}
			if c, ok := sc["c"][unit].groups[group]; ok {
				r.Lost = round2(c[0] - r.IfDone)
			}
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Unit != out[j].Unit {
			return out[i].Unit < out[j].Unit
		}
		return out[i].Indicator < out[j].Indicator
	})
	return out
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }
func round4(x float64) float64 { return math.Round(x*10000) / 10000 }
