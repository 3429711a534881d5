package official

import (
	"encoding/json"
	"fmt"
)

// treeData is data of the three tree families: the province as parent and
// every department as children[] (one level; monthlyChart is not read).
type treeData struct {
	Parent   json.RawMessage    `json:"parent"`
	Children *[]json.RawMessage `json:"children"`
}

// treeIdentity is the identity part of a parent or child node.
type treeIdentity struct {
	DepartmentID   *string `json:"departmentId"`
	DepartmentName *string `json:"departmentName"`
	DepartmentCode *string `json:"departmentCode"`
	Level          *string `json:"level"`
}

// treeExtraNames are the informational figures of a family's tree nodes,
// in the order the portal sends them.
func treeExtraNames(family string) []string {
	switch family {
	case Progress:
		return []string{"totalCompleted", "totalOverdue", "avgProcessingDays"}
	case Online:
		return []string{"partialCount", "fullCount", "channelDirectSum", "channelPostalSum", "onlineOnTimeSum", "onlineOverdueSum"}
	}
	return nil
}

func parseTree(family string, data json.RawMessage) (Response, error) {
	var d treeData
	if err := decode(family, "data", data, &d); err != nil {
		return Response{}, err
	}
	if len(d.Parent) == 0 || string(d.Parent) == "null" {
		return Response{}, fieldErr(family, "data.parent", ErrMissingField)
	}
	if d.Children == nil {
		return Response{}, fieldErr(family, "data.children", ErrMissingField)
	}
	resp := Response{Family: family, Departments: len(*d.Children)}
	rows, err := treeRows(family, "data.parent", d.Parent, true)
	if err != nil {
		return Response{}, err
	}
	resp.Rows = rows
	for i, raw := range *d.Children {
		rows, err := treeRows(family, fmt.Sprintf("data.children[%d]", i), raw, false)
		if err != nil {
			return Response{}, err
		}
		resp.Rows = append(resp.Rows, rows...)
	}
	return resp, nil
}

// treeRows gives one node's group row and a row per component whose count
// fields the node carries (provide-online-tree children carry none).
func treeRows(family, path string, raw json.RawMessage, root bool) ([]Row, error) {
	var id treeIdentity
	var fields map[string]num
	if err := decode(family, path, raw, &id); err != nil {
		return nil, err
	}
	if err := decode(family, path, raw, &fields); err != nil {
		return nil, err
	}
	r := &fieldReader{family: family, path: path}
	dept := Row{Family: family, Root: root, DepartmentID: r.text("departmentId", id.DepartmentID),
		DepartmentName: r.text("departmentName", id.DepartmentName), DepartmentCode: deref(id.DepartmentCode), DepartmentLevel: deref(id.Level)}
	group := treeGroup(r, dept, fields)
	rows := []Row{group}
	for _, f := range FamilyFormulas(family) {
		if row, ok := treeComponent(r, dept, group, f, fields); ok {
			rows = append(rows, row)
		}
	}
	return rows, r.err
}

// treeGroup reads totalScore/totalMaxScore, or score/maxScore on
// dvc-progress-tree children.
func treeGroup(r *fieldReader, dept Row, fields map[string]num) Row {
	g := dept
	g.Kind = KindGroup
	score, max := "totalScore", "totalMaxScore"
	if _, ok := fields["score"]; ok {
		score, max = "score", "maxScore"
	}
	g.Score, g.MaxScore, g.Ratio = r.required(score, fields[score]), r.required(max, fields[max]), r.required("ratio", fields["ratio"])
	names := treeExtraNames(dept.Family)
	vals := make([]num, len(names))
	for i, n := range names {
		vals[i] = fields[n]
	}
	g.Extra = extras(r, names, vals)
	return g
}

// treeComponent builds a component row from the tree's count fields. It is
// skipped when the node has none of them; a node with only some is an error.
func treeComponent(r *fieldReader, dept, group Row, f Formula, fields map[string]num) (Row, bool) {
	names := append(append([]string(nil), f.NumeratorFields...), f.DenominatorField)
	present := 0
	for _, n := range names {
		if fields[n].Set {
			present++
		}
	}
	if present == 0 {
		return Row{}, false
	}
	row := dept
	row.Kind, row.Metric = KindComponent, f.Metric
	row.NumeratorField, row.DenominatorField = joinFields(f.NumeratorFields), f.DenominatorField
	row.Numerator = sumCounts(r, f.NumeratorFields, fields)
	row.Denominator = r.requiredCount(f.DenominatorField, fields[f.DenominatorField])
	// Ratio, score and maximum stay nil: the portal publishes none per
	// component, except for dvc-progress-tree whose node figures are it.
	if dept.Family == Progress {
		// The progress group is its one component: the node's ratio and
		// score are the component's, as published.
		row.Ratio, row.Score, row.MaxScore = group.Ratio, group.Score, group.MaxScore
	}
	return row, true
}

func sumCounts(r *fieldReader, names []string, fields map[string]num) *float64 {
	total := 0.0
	for _, n := range names {
		v := r.requiredCount(n, fields[n])
		if v == nil {
			return nil
		}
		total += *v
	}
	return &total
}

func joinFields(names []string) string {
	s := ""
	for i, n := range names {
		if i > 0 {
			s += "+"
		}
		s += n
	}
	return s
}
