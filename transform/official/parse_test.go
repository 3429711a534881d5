package official

import (
	"errors"
	"strings"
	"testing"
)

// TestParseShapes: what the golden files show, stated as assertions: nulls
// stay nil, optional keys stay empty, trees have no pagination, the
// fixtures keep the captured total of 163.
func TestParseShapes(t *testing.T) {
	for _, fam := range Families() {
		resp := parseFixture(t, fam)
		if resp.Departments != 6 || resp.Family != fam {
			t.Errorf("%s: %d departments", fam, resp.Departments)
		}
		if flat(fam) != (resp.Pagination != nil) {
			t.Errorf("%s: pagination %+v", fam, resp.Pagination)
		}
		if p := resp.Pagination; p != nil && (p.Total != 163 || !p.Last()) {
			t.Errorf("%s: pagination %+v", fam, *p)
		}
		for _, r := range resp.Rows {
			if r.Period != fixturePeriod {
				t.Fatalf("%s: period not stamped", fam)
			}
		}
	}
	var ecc, sync0 Row
	for _, r := range parseFixture(t, Digitization).Rows {
		if r.DepartmentCode == "H44.100" && r.Metric == "ELECTRONIC_CERTIFIED_COPY" {
			ecc = r
		}
	}
	if ecc.Numerator != nil || ecc.Denominator != nil || fnum(ecc.Ratio) != "100" || fnum(ecc.Score) != "2" {
		t.Errorf("certified copy: %s/%s %s %s", fnum(ecc.Numerator), fnum(ecc.Denominator), fnum(ecc.Ratio), fnum(ecc.Score))
	}
	for _, r := range parseFixture(t, Transparency).Rows {
		if r.DepartmentName == "Văn phòng UBND Tỉnh - Tỉnh Phú Thọ" && r.Metric == "DOSSIER_SYNC" {
			sync0 = r
		}
	}
	if sync0.Score != nil || sync0.Ratio != nil || fnum(sync0.Numerator) != "0" || sync0.DataQualityStatus != "NO_NATIONAL_REPORT_DATA" {
		t.Errorf("0/0 sync: score %s ratio %s status %q", fnum(sync0.Score), fnum(sync0.Ratio), sync0.DataQualityStatus)
	}
}

// TestParseErrors: a broken body is refused with the family, the field and
// a sentinel.
func TestParseErrors(t *testing.T) {
	cases := []struct {
		name   string
		family string
		body   func(string) string
		want   error
		field  string
	}{
		{"unknown family", "ranking", keep, ErrUnknownFamily, ""},
		{"not JSON", Transparency, func(string) string { return "<html>" }, ErrMalformed, ""},
		{"envelope not OK", Transparency, func(s string) string { return strings.Replace(s, `{"code":"OK"`, `{"code":"ERROR"`, 1) }, ErrEnvelope, "code"},
		{"no data", Progress, func(string) string { return `{"code":"OK","data":null,"message":"OK"}` }, ErrMissingField, "data"},
		{"no evaluation", Satisfaction, func(s string) string { return strings.Replace(s, `"evaluation":`, `"evaluations":`, 1) }, ErrMissingField, "data.evaluation"},
		{"no children", Payment, func(s string) string { return strings.Replace(s, `"children":`, `"kids":`, 1) }, ErrMissingField, "data.children"},
		{"numerator as text", Digitization, func(s string) string {
			return strings.Replace(s, `"numerator":385,`, `"numerator":"385",`, 1)
		}, ErrMalformed, "data.evaluation[1].metrics[0].numerator"},
		{"negative denominator", Satisfaction, func(s string) string {
			return strings.Replace(s, `"denominator":184503`, `"denominator":-1`, 1)
		}, ErrBadValue, "data.overview.metrics[1].denominator"},
		{"metric without code", Transparency, func(s string) string {
			return strings.Replace(s, `"code":"DOSSIER_SYNC"`, `"kode":"DOSSIER_SYNC"`, 1)
		}, ErrMissingField, "data.overview.metrics[3].code"},
		{"score key absent", Transparency, func(s string) string {
			return strings.Replace(s, `"score":1.96,`, ``, 1)
		}, ErrMissingField, "data.overview.metrics[2].score"},
		{"department without id", Progress, func(s string) string {
			return strings.Replace(s, `"departmentId":"019d2be3-6a88-732b-8b17-bcfe78dd3f07",`, ``, 1)
		}, ErrMissingField, "data.children[1].departmentId"},
		{"tree count partly missing", Payment, func(s string) string {
			return strings.Replace(s, `"totalFeeFormality":3,`, ``, 1)
		}, ErrMissingField, "data.children[1].totalFeeFormality"},
		{"tree count null", Online, func(s string) string {
			return strings.Replace(s, `"authorityCount":56`, `"authorityCount":null`, 1)
		}, ErrMissingField, "data.parent.authorityCount"},
		{"group max absent", Online, func(s string) string {
			return strings.Replace(s, `"totalMaxScore":12,"ratio":59.08`, `"ratio":59.08`, 1)
		}, ErrMissingField, "data.children[1].totalMaxScore"},
		{"no pagination", Digitization, func(s string) string { return strings.Replace(s, `"pagination":`, `"paging":`, 1) }, ErrMissingField, "data.pagination"},
		{"department name a number", Satisfaction, func(s string) string {
			return strings.Replace(s, `"departmentName":"UBND tỉnh Phú Thọ"`, `"departmentName":7`, 1)
		}, ErrMalformed, "data.overview.departmentName"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body := []byte("{}")
			if KnownFamily(c.family) {
				body = readFixture(t, c.family)
			}
			_, err := Parse(c.family, []byte(c.body(string(body))))
			var fe *FieldError
			if !errors.Is(err, c.want) || !errors.As(err, &fe) || fe.Family != c.family || fe.Field != c.field {
				t.Errorf("error %v, want %v on %s field %q", err, c.want, c.family, c.field)
			}
		})
	}
}

func keep(s string) string { return s }

// TestParseKeepsNull: a published null is nil and a published 0 is 0, in
// the same response.
func TestParseKeepsNull(t *testing.T) {
	body := `{"code":"OK","data":{"overview":{"departmentId":"p","departmentName":"P","totalScore":null,"totalMaxScore":22,"ratio":null,"metrics":[` +
		`{"code":"ORIGINAL_RESULT_AVAILABLE","numerator":0,"denominator":0,"ratio":null,"score":null,"maxScore":6},` +
		`{"code":"SO_HOA_GIAY_TO_GIAI_QUYET","numerator":0,"denominator":5,"ratio":0,"score":0,"maxScore":4}]},` +
		`"evaluation":[],"pagination":{"total":0,"currentPage":1,"pageSize":200,"totalPages":0}},"message":"OK"}`
	resp, err := Parse(Digitization, []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	g, m0, m1 := resp.Rows[0], resp.Rows[1], resp.Rows[2]
	if g.Score != nil || g.Ratio != nil || m0.Score != nil || m0.Ratio != nil {
		t.Errorf("nulls became values: %s %s %s %s", fnum(g.Score), fnum(g.Ratio), fnum(m0.Score), fnum(m0.Ratio))
	}
	if m1.Score == nil || *m1.Score != 0 || m1.Ratio == nil || *m1.Ratio != 0 {
		t.Errorf("zeros became null: %s %s", fnum(m1.Score), fnum(m1.Ratio))
	}
	if resp.Departments != 0 || !resp.Pagination.Last() {
		t.Errorf("empty page: %d departments, %+v", resp.Departments, *resp.Pagination)
	}
}
