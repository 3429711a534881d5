package official

// FormulaVersion names this rule set; store it with every score computed
// from it.
const FormulaVersion = "dvcqg-2026"

// Kind is the shape of a ratio→score rule (reference §1.1).
type Kind string

const (
	// Linear: max × LEAST(1, r).
	Linear Kind = "linear"
	// Target: max × LEAST(1, r / Target).
	Target Kind = "target"
	// Constant: always Max, ratio 100, whatever the counts.
	Constant Kind = "constant"
	// Info: published for information, maximum 0, score always null.
	Info Kind = "info"
)

// OnEmpty is what a zero denominator gives (reference §1.3).
type OnEmpty string

const (
	// EmptyNull: ratio and score null; the group counts 0 and keeps its max.
	EmptyNull OnEmpty = "null"
	// EmptyZero: ratio 0, score 0.
	EmptyZero OnEmpty = "zero"
	// EmptyMax: ratio 0, full score (the petition metrics with no petitions).
	EmptyMax OnEmpty = "max"
)

// Scope says whose counts a metric is computed on (reference §1.5).
type Scope string

const (
	// ScopeUnit: each department's own counts.
	ScopeUnit Scope = "unit"
	// ScopeProvince: computed once for the province and inherited by every
	// department and commune.
	ScopeProvince Scope = "province"
)

// Formula is one scored metric (flat families) or component (tree
// families) of section 2 of docs/spec/indicators-766-official.md.
type Formula struct {
	Family string
	// Metric is the portal's code, or for a tree component the reference's
	// item; Lookup finds a formula by it.
	Metric string
	// Item is the reference's item number ("1.4", "3.5b", "MX 13").
	Item string
	Max  float64
	// Target is t in max × LEAST(1, r/t); 0 unless Kind is Target.
	Target  float64
	Kind    Kind
	OnEmpty OnEmpty
	Scope   Scope
	// NumeratorFields (summed) and DenominatorField are the tree fields of
	// a component; empty for flat metrics.
	NumeratorFields  []string
	DenominatorField string
	// SyncCoefficient: the ratio is multiplied by S = DOSSIER_SYNC ratio / 100
	// of the same department and period (3.3).
	SyncCoefficient bool
	// Reading is our reading where the reference is silent or ambiguous.
	Reading string
}

// Formulas is the rule set, in the portal's order within each family.
func Formulas() []Formula {
	var all []Formula
	for _, part := range [][]Formula{transparencyFormulas(), progressFormulas(), onlineFormulas(), paymentFormulas(), digitizationFormulas(), satisfactionFormulas()} {
		all = append(all, part...)
	}
	return all
}

// FamilyFormulas is the rule set of one family.
func FamilyFormulas(family string) []Formula {
	var out []Formula
	for _, f := range Formulas() {
		if f.Family == family {
			out = append(out, f)
		}
	}
	return out
}

// Lookup finds the formula of a metric code or component item.
func Lookup(metric string) (Formula, bool) {
	for _, f := range Formulas() {
		if f.Metric == metric {
			return f, true
		}
	}
	return Formula{}, false
}
