package official

// The six evaluation families of the reporting API, as they appear in the
// URL path /api/v1/reporting/evaluation/{family}.
const (
	Transparency = "transparency"
	Progress     = "dvc-progress-tree"
	Online       = "provide-online-tree"
	Payment      = "formality-online-payment-tree"
	Digitization = "dossier-digitized"
	Satisfaction = "handling-satisfaction"
)

// EvaluationPath is the path prefix of every family's endpoint.
const EvaluationPath = "/api/v1/reporting/evaluation/"

// Families lists the six families in the order of the reference's section 2.
func Families() []string {
	return []string{Transparency, Progress, Online, Payment, Digitization, Satisfaction}
}

// KnownFamily reports whether family is one of Families.
func KnownFamily(family string) bool {
	for _, f := range Families() {
		if f == family {
			return true
		}
	}
	return false
}

// flat reports whether the family answers with overview + evaluation[] +
// pagination (the others answer with a parent + children[] tree).
func flat(family string) bool {
	return family == Transparency || family == Digitization || family == Satisfaction
}

// GroupMax is the group's maximum score (the portal's totalMaxScore); the
// six add up to 100.
func GroupMax(family string) (float64, bool) {
	m := map[string]float64{
		Transparency: 18, Progress: 20, Online: 12,
		Payment: 10, Digitization: 22, Satisfaction: 18,
	}
	v, ok := m[family]
	return v, ok
}
