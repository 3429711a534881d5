package official

// RowKind says what a Row scores.
type RowKind string

const (
	// KindMetric is one metrics[] entry of a flat family (it has a code).
	KindMetric RowKind = "metric"
	// KindComponent is one scored part of a tree family, built from the
	// tree's count fields (the portal gives it no code): its Metric is the
	// reference's item ("2.1", "3.1", …) and NumeratorField/DenominatorField
	// name the tree fields.
	KindComponent RowKind = "component"
	// KindGroup is a department's group total (totalScore/totalMaxScore,
	// or score/maxScore on dvc-progress-tree children).
	KindGroup RowKind = "group"
)

// Row is one published figure of one department, as sent. Numbers the
// portal sent as null, or does not send for this row, are nil.
type Row struct {
	Family string
	Kind   RowKind
	Period Period
	// Root is true for the province itself (overview or parent).
	Root            bool
	DepartmentID    string
	DepartmentCode  string // absent in transparency and handling-satisfaction
	DepartmentName  string
	DepartmentType  string // flat families only
	DepartmentLevel string // departmentLevel (flat) or level (tree children)
	AgencyLevel     string // flat families only
	// Metric is the portal's code (KindMetric), the reference's item
	// (KindComponent), or empty (KindGroup).
	Metric           string
	Name             string // the portal's metric name (flat families)
	NumeratorField   string // tree field of the numerator (KindComponent)
	DenominatorField string // tree field of the denominator (KindComponent)
	Numerator        *float64
	Denominator      *float64
	Ratio            *float64 // percent 0-100, as published
	Score            *float64
	MaxScore         *float64
	// DataQualityStatus and DataQualityMessage are optional keys: empty
	// when absent (the portal never sends them as null).
	DataQualityStatus  string
	DataQualityMessage string
	// Extra holds the group-level figures that score nothing, in the order
	// sent (avgProcessingDays, totalPetitions, channelDirectSum, …).
	Extra []Extra
}

// Extra is one named informational figure.
type Extra struct {
	Name  string
	Value *float64
}

// Pagination is data.pagination of the flat families.
type Pagination struct {
	Total       int
	CurrentPage int
	PageSize    int
	TotalPages  int
}

// Last reports whether this page is the last one.
func (p Pagination) Last() bool { return p.CurrentPage >= p.TotalPages }

// Response is one parsed body.
type Response struct {
	Family string
	Rows   []Row
	// Pagination is nil for the tree families, which are not paginated
	// (they ignore pageSize and return every child).
	Pagination *Pagination
	// Departments counts the department rows (evaluation[] or children[]),
	// without the province.
	Departments int
}

// WithPeriod returns a copy of the response with the period on every row.
func (r Response) WithPeriod(p Period) Response {
	rows := make([]Row, len(r.Rows))
	for i, row := range r.Rows {
		row.Period = p
		rows[i] = row
	}
	r.Rows = rows
	return r
}
