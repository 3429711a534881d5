package official

import (
	"encoding/json"
	"fmt"
)

// flatData is data of transparency, dossier-digitized and
// handling-satisfaction. monthlyChart and source are not data and are not
// read.
type flatData struct {
	Overview   json.RawMessage    `json:"overview"`
	Evaluation *[]json.RawMessage `json:"evaluation"`
	Pagination *struct {
		Total       num `json:"total"`
		CurrentPage num `json:"currentPage"`
		PageSize    num `json:"pageSize"`
		TotalPages  num `json:"totalPages"`
	} `json:"pagination"`
}

// flatDept is the overview or one evaluation[] row.
type flatDept struct {
	DepartmentID    *string       `json:"departmentId"`
	DepartmentName  *string       `json:"departmentName"`
	DepartmentCode  *string       `json:"departmentCode"`
	DepartmentType  *string       `json:"departmentType"`
	DepartmentLevel *string       `json:"departmentLevel"`
	AgencyLevel     *string       `json:"agencyLevel"`
	TotalScore      num           `json:"totalScore"`
	TotalMaxScore   num           `json:"totalMaxScore"`
	Ratio           num           `json:"ratio"`
	Metrics         *[]flatMetric `json:"metrics"`
	// Informational figures, by family; kept as Extra when present.
	AverageScore        num `json:"averageScore"`
	TotalPetitions      num `json:"totalPetitions"`
	ClassifiedPetitions num `json:"classifiedPetitions"`
	TotalDossiers       num `json:"totalDossiers"`
}

type flatMetric struct {
	Code               *string `json:"code"`
	Name               *string `json:"name"`
	Numerator          num     `json:"numerator"`
	Denominator        num     `json:"denominator"`
	Ratio              num     `json:"ratio"`
	Score              num     `json:"score"`
	MaxScore           num     `json:"maxScore"`
	DataQualityStatus  *string `json:"dataQualityStatus"`
	DataQualityMessage *string `json:"dataQualityMessage"`
}

func parseFlat(family string, data json.RawMessage) (Response, error) {
	var d flatData
	if err := decode(family, "data", data, &d); err != nil {
		return Response{}, err
	}
	if len(d.Overview) == 0 || string(d.Overview) == "null" {
		return Response{}, fieldErr(family, "data.overview", ErrMissingField)
	}
	if d.Evaluation == nil {
		return Response{}, fieldErr(family, "data.evaluation", ErrMissingField)
	}
	resp := Response{Family: family, Departments: len(*d.Evaluation)}
	rows, err := flatRows(family, "data.overview", d.Overview, true)
	if err != nil {
		return Response{}, err
	}
	resp.Rows = rows
	for i, raw := range *d.Evaluation {
		rows, err := flatRows(family, fmt.Sprintf("data.evaluation[%d]", i), raw, false)
		if err != nil {
			return Response{}, err
		}
		resp.Rows = append(resp.Rows, rows...)
	}
	page, err := flatPagination(family, d)
	resp.Pagination = page
	return resp, err
}

func flatPagination(family string, d flatData) (*Pagination, error) {
	if d.Pagination == nil {
		return nil, fieldErr(family, "data.pagination", ErrMissingField)
	}
	r := &fieldReader{family: family, path: "data.pagination"}
	p := d.Pagination
	vals := []*float64{r.requiredCount("total", p.Total), r.requiredCount("currentPage", p.CurrentPage),
		r.requiredCount("pageSize", p.PageSize), r.requiredCount("totalPages", p.TotalPages)}
	if r.err != nil {
		return nil, r.err
	}
	return &Pagination{Total: int(*vals[0]), CurrentPage: int(*vals[1]), PageSize: int(*vals[2]), TotalPages: int(*vals[3])}, nil
}

// flatRows gives one department's group row and its metric rows.
func flatRows(family, path string, raw json.RawMessage, root bool) ([]Row, error) {
	var d flatDept
	if err := decode(family, path, raw, &d); err != nil {
		return nil, err
	}
	r := &fieldReader{family: family, path: path}
	dept := Row{Family: family, Root: root, DepartmentID: r.text("departmentId", d.DepartmentID),
		DepartmentName: r.text("departmentName", d.DepartmentName), DepartmentCode: deref(d.DepartmentCode),
		DepartmentType: deref(d.DepartmentType), DepartmentLevel: deref(d.DepartmentLevel), AgencyLevel: deref(d.AgencyLevel)}
	group := dept
	group.Kind = KindGroup
	group.Score, group.MaxScore, group.Ratio = r.nullable("totalScore", d.TotalScore), r.required("totalMaxScore", d.TotalMaxScore), r.nullable("ratio", d.Ratio)
	group.Extra = extras(r, []string{"totalPetitions", "classifiedPetitions", "totalDossiers", "averageScore"},
		[]num{d.TotalPetitions, d.ClassifiedPetitions, d.TotalDossiers, d.AverageScore})
	if d.Metrics == nil {
		r.fail("metrics", ErrMissingField)
	}
	if r.err != nil {
		return nil, r.err
	}
	rows := []Row{group}
	for i, m := range *d.Metrics {
		row, err := metricRow(dept, fmt.Sprintf("%s.metrics[%d]", path, i), m)
		if err != nil {
			return nil, err
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func metricRow(dept Row, path string, m flatMetric) (Row, error) {
	r := &fieldReader{family: dept.Family, path: path}
	row := dept
	row.Kind = KindMetric
	row.Metric, row.Name = r.text("code", m.Code), deref(m.Name)
	row.Numerator, row.Denominator = r.count("numerator", m.Numerator), r.count("denominator", m.Denominator)
	row.Ratio, row.Score, row.MaxScore = r.nullable("ratio", m.Ratio), r.nullable("score", m.Score), r.requiredCount("maxScore", m.MaxScore)
	row.DataQualityStatus, row.DataQualityMessage = deref(m.DataQualityStatus), deref(m.DataQualityMessage)
	return row, r.err
}

// extras keeps the named figures whose key was present, in order.
func extras(r *fieldReader, names []string, vals []num) []Extra {
	var out []Extra
	for i, n := range vals {
		if n.Set {
			out = append(out, Extra{Name: names[i], Value: r.nullable(names[i], n)})
		}
	}
	return out
}
