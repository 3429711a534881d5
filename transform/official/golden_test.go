package official

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	goldenfile "github.com/dvcindex/dvcindex/internal/golden"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden (review them by reading before committing)")

// fixturePeriod is the period of every fixture (testdata/national-766/README.md).
var fixturePeriod = Period{Kind: Month, Year: 2026, Month: 8}

// fixtureFiles maps each family to its real response.
func fixtureFiles() map[string]string {
	return map[string]string{
		Transparency: "transparency-month.json",
		Progress:     "dvc-progress-tree-month.json",
		Online:       "provide-online-tree-month.json",
		Payment:      "formality-online-payment-tree-month.json",
		Digitization: "dossier-digitized-month.json",
		Satisfaction: "handling-satisfaction-month.json",
	}
}

func readFixture(t *testing.T, family string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "national-766", fixtureFiles()[family]))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func parseFixture(t *testing.T, family string) Response {
	t.Helper()
	resp, err := Parse(family, readFixture(t, family))
	if err != nil {
		t.Fatalf("parse %s: %v", family, err)
	}
	return resp.WithPeriod(fixturePeriod)
}

// allFixtureRows parses the six fixtures, in Families order.
func allFixtureRows(t *testing.T) []Row {
	t.Helper()
	var rows []Row
	for _, f := range Families() {
		rows = append(rows, parseFixture(t, f).Rows...)
	}
	return rows
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldenfile.Check(t, name, got, *update)
}

func fnum(p *float64) string {
	if p == nil {
		return "null"
	}
	return strconv.FormatFloat(*p, 'f', -1, 64)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// formatRows renders rows one per line, tab-separated, with a header.
func formatRows(resp Response) []byte {
	var b strings.Builder
	b.WriteString("# family " + resp.Family + ", departments " + strconv.Itoa(resp.Departments))
	if p := resp.Pagination; p != nil {
		b.WriteString(", pagination total " + strconv.Itoa(p.Total) + " page " + strconv.Itoa(p.CurrentPage) + "/" + strconv.Itoa(p.TotalPages) + " size " + strconv.Itoa(p.PageSize))
	} else {
		b.WriteString(", no pagination")
	}
	b.WriteString("\nperiod\troot\tkind\tdept_id\tdept_code\tdept_name\ttype\tlevel\tagency\tmetric\tname\tnum_field\tden_field\tnum\tden\tratio\tscore\tmax\tdq_status\tdq_message\textra\n")
	for _, r := range resp.Rows {
		cols := []string{r.Period.String(), strconv.FormatBool(r.Root), string(r.Kind), r.DepartmentID, orDash(r.DepartmentCode), r.DepartmentName,
			orDash(r.DepartmentType), orDash(r.DepartmentLevel), orDash(r.AgencyLevel), orDash(r.Metric), orDash(r.Name),
			orDash(r.NumeratorField), orDash(r.DenominatorField), fnum(r.Numerator), fnum(r.Denominator), fnum(r.Ratio), fnum(r.Score), fnum(r.MaxScore),
			orDash(r.DataQualityStatus), orDash(r.DataQualityMessage), formatExtra(r.Extra)}
		b.WriteString(strings.Join(cols, "\t") + "\n")
	}
	return []byte(b.String())
}

func formatExtra(ex []Extra) string {
	if len(ex) == 0 {
		return "-"
	}
	parts := make([]string, len(ex))
	for i, e := range ex {
		parts[i] = e.Name + "=" + fnum(e.Value)
	}
	return strings.Join(parts, ",")
}

// formatChecks renders check rows one per line, tab-separated.
func formatChecks(rows []CheckRow) []byte {
	var b strings.Builder
	b.WriteString("family\tkind\tdept_code\tdept_id\tmetric\titem\tnum\tden\tpublished\tformula\tdiff\tpub_ratio\tformula_ratio\tpub_max\tformula_max\tstatus\tnote\n")
	for _, c := range rows {
		cols := []string{c.Family, string(c.Kind), orDash(c.DepartmentCode), c.DepartmentID, orDash(c.Metric), orDash(c.Item),
			fnum(c.Numerator), fnum(c.Denominator), fnum(c.Published), fnum(c.Formula), fnum(c.Diff),
			fnum(c.PublishedRatio), fnum(c.FormulaRatio), fnum(c.PublishedMax), fnum(c.FormulaMax), string(c.Status), orDash(c.Note)}
		b.WriteString(strings.Join(cols, "\t") + "\n")
	}
	return []byte(b.String())
}

// TestParseGolden: each real response parses into the rows of its golden
// file, compared byte for byte.
func TestParseGolden(t *testing.T) {
	for _, family := range Families() {
		t.Run(family, func(t *testing.T) {
			golden(t, "rows-"+family+".tsv", formatRows(parseFixture(t, family)))
		})
	}
}

// TestCheckGolden: the formula check of all six responses together.
func TestCheckGolden(t *testing.T) {
	golden(t, "check.tsv", formatChecks(Check(allFixtureRows(t))))
}
