//go:build !race

package main

// The analysts' cookbook (docs/analysts.md) is tested: every ```sql block
// runs on the demo's data and must print the rows of the ```text block
// after it. Built without -race (20,000 dossiers, like
// TestComputeAgreesWithOfficialScores): the code paths it runs are
// race-tested by the smaller tests.

import (
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/dvcindex/dvcindex/cmd/portalsim/simulator"
	"github.com/dvcindex/dvcindex/internal/sqllint"
	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/load/chtest"
)

var updateCookbook = flag.Bool("update-cookbook", false,
	"rewrite the ```text blocks of docs/analysts.md from the results (read every answer before committing)")

// cookbookPath is the cookbook, from this package's folder.
const cookbookPath = "../../docs/analysts.md"

// cookbookDefaultRows is how many rows -update-cookbook shows for a query
// whose block shows none yet; a block that shows rows keeps its count.
const cookbookDefaultRows = 5

// TestCookbook builds the demo's data (scripts/demo.sh: portalsim seed 7,
// 20,000 dossiers of 2024, ward 21640 syncing late, every source with
// evaluation, the example targets, compute of 2024-Q2 and of its months,
// after one sync that fails on a wrong portal password), runs every query
// of docs/analysts.md with the test database as the connection's default
// database, as `clickhouse-client --database dvc` does, and requires the
// rows each question shows to be the first rows of its result, printed as
// `--format TSVWithNames` prints them.
func TestCookbook(t *testing.T) {
	doc, err := os.ReadFile(cookbookPath)
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := parseCookbook(string(doc))
	if err != nil {
		t.Fatalf("%s: %v", cookbookPath, err)
	}
	if len(blocks) < 10 {
		t.Fatalf("%s has %d queries, want at least the ten questions of the issue", cookbookPath, len(blocks))
	}
	for _, b := range blocks {
		if err := checkCookbookSQL(b.SQL); err != nil {
			t.Errorf("%q: %v", b.Title, err)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	conn := cookbookData(t)
	ctx := context.Background()
	results := make([][]string, len(blocks))
	for i, b := range blocks {
		lines, err := queryTSV(ctx, conn, b.SQL)
		if err != nil {
			t.Errorf("%q: the query fails: %v", b.Title, err)
			continue
		}
		results[i] = lines
		if *updateCookbook {
			continue
		}
		checkCookbookBlock(t, b, lines)
	}
	if *updateCookbook && !t.Failed() {
		if err := os.WriteFile(cookbookPath, []byte(rewriteCookbook(string(doc), blocks, results)), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("rewrote %s: read every answer before committing", cookbookPath)
	}
}

// checkCookbookBlock requires the block's shown lines (header and at
// least one row) to be the first lines of the result.
func checkCookbookBlock(t *testing.T, b cookbookBlock, got []string) {
	t.Helper()
	if len(b.Rows) < 2 {
		t.Errorf("%q: the doc shows no row (header and at least one row; run with -update-cookbook)", b.Title)
		return
	}
	if len(got) < len(b.Rows) {
		t.Errorf("%q: the query returns %d rows, the doc shows %d:\n%s", b.Title, len(got)-1, len(b.Rows)-1, strings.Join(got, "\n"))
		return
	}
	for i, want := range b.Rows {
		if got[i] != want {
			t.Errorf("%q: line %d of the result differs from the doc\n got: %q\nwant: %q\nresult:\n%s",
				b.Title, i+1, got[i], want, strings.Join(got[:len(b.Rows)], "\n"))
			return
		}
	}
}

// cookbookSource names what a query reads: the word after FROM or JOIN.
var cookbookSource = regexp.MustCompile(`(?i)\b(?:FROM|JOIN)\s+([A-Za-z_][A-Za-z0-9_.]*)`)

// checkCookbookSQL requires a query to read only the analysts' views, by
// their unqualified names, and to pass the SQL lint: analysts run the
// cookbook on 18.16 and on current releases alike.
func checkCookbookSQL(query string) error {
	for _, m := range cookbookSource.FindAllStringSubmatch(query, -1) {
		if !strings.HasPrefix(m[1], "v_") || strings.Contains(m[1], ".") {
			return fmt.Errorf("reads %s: the cookbook reads the v_* views only, without a database name", m[1])
		}
	}
	if f := sqllint.Check(query, load.PortableSettings()); len(f) > 0 {
		return fmt.Errorf("SQL lint: %v", f)
	}
	return nil
}

// cookbookData builds the demo's database and returns a connection whose
// default database is it, as an analyst's clickhouse-client --database.
func cookbookData(t *testing.T) driver.Conn {
	t.Helper()
	o := simulator.DefaultOptions()
	o.Seed, o.Dossiers, o.LateSyncUnit = 7, 20000, "21640"
	o.From = time.Date(2024, 1, 1, 0, 0, 0, 0, simulator.Location)
	o.To = time.Date(2025, 1, 1, 0, 0, 0, 0, simulator.Location)
	chOpts := chtest.Options(t)
	h := newHarnessOn(t, o, chOpts)
	h.env = append(h.env, "DVC_REFDATA_TARGETS_FILE="+exampleTargets)
	type step struct {
		env   []string
		args  []string
		fails bool
	}
	steps := []step{
		{args: []string{"migrate"}},
		// The run that fails (question 10), once the units are loaded.
		{env: []string{"DVC_PORTAL_PASSWORD=wrong"}, args: []string{"sync", "--source", "dossiers", "--once"}, fails: true},
	}
	for _, src := range []string{"dossiers", "dossiers", "procedures", "petitions", "bcqg", "evaluation"} {
		steps = append(steps, step{args: []string{"sync", "--source", src, "--once"}})
	}
	for _, p := range []string{"2024-Q2", "2024-04", "2024-05", "2024-06"} {
		steps = append(steps, step{args: []string{"compute", "--period", p}})
	}
	start := time.Now()
	for _, s := range steps {
		if code, out, errs := h.run(s.env, s.args...); (code != 0) != s.fails {
			t.Fatalf("%s: exit %d (want a failure: %v): %s %.3000s", strings.Join(s.args, " "), code, s.fails, out, errs)
		}
	}
	t.Logf("the demo's data built in %s", time.Since(start).Round(time.Second))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := clickhouse.Open(&clickhouse.Options{
		Addr: strings.Split(chOpts.Addr, ","),
		Auth: clickhouse.Auth{Database: chOpts.Database, Username: "default"},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	if err := conn.Ping(ctx); err != nil {
		t.Fatalf("connect to %s as an analyst: %v", chOpts.Database, err)
	}
	return conn
}

// cookbookBlock is one question of the cookbook: its title (the "## "
// heading above it), its query, the lines its ```text block shows, and
// where those lines are in the doc (first line, and the line after the last).
type cookbookBlock struct {
	Title      string
	SQL        string
	Rows       []string
	start, end int
}

// parseCookbook finds every ```sql block and the ```text block that must
// follow it (only blank lines between). A question has one query.
func parseCookbook(doc string) ([]cookbookBlock, error) {
	lines := strings.Split(doc, "\n")
	var out []cookbookBlock
	title := ""
	seen := map[string]bool{}
	for i := 0; i < len(lines); i++ {
		if strings.HasPrefix(lines[i], "## ") {
			title = strings.TrimSpace(strings.TrimPrefix(lines[i], "## "))
			continue
		}
		if strings.TrimSpace(lines[i]) != "```sql" {
			continue
		}
		if title == "" || seen[title] {
			return nil, fmt.Errorf("line %d: every query needs a \"## \" question of its own (title %q)", i+1, title)
		}
		seen[title] = true
		sqlStart := i + 1
		sqlEnd, err := closingFence(lines, sqlStart)
		if err != nil {
			return nil, fmt.Errorf("%q: %w", title, err)
		}
		j := sqlEnd + 1
		for j < len(lines) && strings.TrimSpace(lines[j]) == "" {
			j++
		}
		if j == len(lines) || strings.TrimSpace(lines[j]) != "```text" {
			return nil, fmt.Errorf("%q: the ```sql block is not followed by a ```text block", title)
		}
		textEnd, err := closingFence(lines, j+1)
		if err != nil {
			return nil, fmt.Errorf("%q: %w", title, err)
		}
		out = append(out, cookbookBlock{Title: title, SQL: strings.Join(lines[sqlStart:sqlEnd], "\n"),
			Rows: append([]string(nil), lines[j+1:textEnd]...), start: j + 1, end: textEnd})
		i = textEnd
	}
	return out, nil
}

// closingFence returns the index of the first line from i that closes a
// fenced block.
func closingFence(lines []string, i int) (int, error) {
	for ; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) == "```" {
			return i, nil
		}
	}
	return 0, fmt.Errorf("a fenced block is not closed")
}

// rewriteCookbook replaces each block's shown lines by the first lines of
// its result: as many as the block showed, or the header and
// cookbookDefaultRows rows when it showed none.
func rewriteCookbook(doc string, blocks []cookbookBlock, results [][]string) string {
	lines := strings.Split(doc, "\n")
	var out []string
	prev := 0
	for i, b := range blocks {
		n := len(b.Rows)
		if n < 2 {
			n = cookbookDefaultRows + 1
		}
		n = min(n, len(results[i]))
		out = append(out, lines[prev:b.start]...)
		out = append(out, results[i][:n]...)
		prev = b.end
	}
	out = append(out, lines[prev:]...)
	return strings.Join(out, "\n")
}

// queryTSV runs a query and returns its header and rows as
// `clickhouse-client --format TSVWithNames` prints them (tsvValue).
func queryTSV(ctx context.Context, conn driver.Conn, query string) ([]string, error) {
	rows, err := conn.Query(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	types := rows.ColumnTypes()
	var header []string
	for _, c := range rows.Columns() {
		header = append(header, tsvEscape(c))
	}
	out := []string{strings.Join(header, "\t")}
	for rows.Next() {
		dest := make([]any, len(types))
		for i, ct := range types {
			dest[i] = reflect.New(ct.ScanType()).Interface()
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		cells := make([]string, len(dest))
		for i, d := range dest {
			if cells[i], err = tsvValue(reflect.ValueOf(d).Elem(), types[i].DatabaseTypeName(), false); err != nil {
				return nil, fmt.Errorf("column %s: %w", types[i].Name(), err)
			}
		}
		out = append(out, strings.Join(cells, "\t"))
	}
	return out, rows.Err()
}

// tsvValue prints a value of ClickHouse type chType as the TSV format does
// (quoted: as an element of an array, where strings and dates are quoted
// and NULL is NULL). Tuples, maps and decimals are not supported: a query
// of the cookbook converts them (toString, toFloat64).
func tsvValue(v reflect.Value, chType string, quoted bool) (string, error) {
	chType = strings.TrimSuffix(strings.TrimPrefix(chType, "LowCardinality("), ")")
	if inner, ok := strings.CutPrefix(chType, "Nullable("); ok {
		chType = strings.TrimSuffix(inner, ")")
	}
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			if quoted {
				return "NULL", nil
			}
			return `\N`, nil
		}
		v = v.Elem()
	}
	if t, ok := v.Interface().(time.Time); ok {
		s := t.Format(time.DateTime)
		if chType == "Date" {
			s = t.Format(time.DateOnly)
		}
		if quoted {
			s = "'" + s + "'"
		}
		return s, nil
	}
	switch v.Kind() {
	case reflect.String:
		if quoted { // the same escapes inside the quotes
			return "'" + tsvEscape(v.String()) + "'", nil
		}
		return tsvEscape(v.String()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(v.Uint(), 10), nil
	case reflect.Float32:
		return chFloat(v.Float(), 32), nil
	case reflect.Float64:
		return chFloat(v.Float(), 64), nil
	case reflect.Slice:
		inner := strings.TrimSuffix(strings.TrimPrefix(chType, "Array("), ")")
		parts := make([]string, v.Len())
		for i := range parts {
			s, err := tsvValue(v.Index(i), inner, true)
			if err != nil {
				return "", err
			}
			parts[i] = s
		}
		// An array is printed with its elements quoted, and not escaped again.
		return "[" + strings.Join(parts, ",") + "]", nil
	}
	return "", fmt.Errorf("type %s (%s) is not printed by the cookbook's test", chType, v.Type())
}

// chFloat prints a float as ClickHouse does: the shortest representation
// that reads back the same, in decimal notation for exponents from -6 to
// 20, else as 1e-7 or 1.5e21; -0, nan, inf and -inf as such.
func chFloat(f float64, bits int) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case f == 0 && math.Signbit(f):
		return "-0"
	case f == 0:
		return "0"
	}
	e := strconv.FormatFloat(f, 'e', -1, bits)
	mant, exp, _ := strings.Cut(e, "e")
	n, err := strconv.Atoi(exp)
	if err != nil || (n >= -6 && n < 21) {
		return strconv.FormatFloat(f, 'f', -1, bits)
	}
	return mant + "e" + strconv.Itoa(n)
}

// tsvEscape escapes a string as the TSV format does.
func tsvEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case 0:
			b.WriteString(`\0`)
		case '\\':
			b.WriteString(`\\`)
		case '\'':
			b.WriteString(`\'`)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// TestCookbookFormat: values print as clickhouse-client 18.16 printed them
// (--format TSV, checked by hand), and a malformed cookbook is refused.
func TestCookbookFormat(t *testing.T) {
	for _, c := range []struct {
		f    float64
		bits int
		want string
	}{
		{0.30000000000000004, 64, "0.30000000000000004"}, {1e-6, 64, "0.000001"}, {2.5e-6, 64, "0.0000025"}, {1e-7, 64, "1e-7"},
		{1.5e-7, 64, "1.5e-7"}, {1e20, 64, "100000000000000000000"}, {1e21, 64, "1e21"}, {1.2345e21, 64, "1.2345e21"},
		{math.Copysign(0, -1), 64, "-0"}, {0, 64, "0"}, {-1e-10, 64, "-1e-10"}, {float64(float32(1.0 / 3)), 32, "0.33333334"},
		{math.NaN(), 64, "nan"}, {math.Inf(-1), 64, "-inf"}, {72.28, 64, "72.28"}, {16, 64, "16"},
	} {
		if got := chFloat(c.f, c.bits); got != c.want {
			t.Errorf("chFloat(%v) = %q, want %q", c.f, got, c.want)
		}
	}
	if got, want := tsvEscape("it's\ta\\b\n\x00"), `it\'s\ta\\b\n\0`; got != want {
		t.Errorf("tsvEscape = %q, want %q", got, want)
	}
	for _, doc := range []string{
		"## Q\n\n```sql\nSELECT 1\n```\n\nno text block\n",
		"```sql\nSELECT 1\n```\n```text\nx\n```\n",
		"## Q\n```sql\nSELECT 1\n```\n```text\nx\n```\n```sql\nSELECT 2\n```\n```text\nx\n```\n",
		"## Q\n```sql\nSELECT 1\n",
	} {
		if _, err := parseCookbook(doc); err == nil {
			t.Errorf("parseCookbook accepted %q", doc)
		}
	}
	blocks, err := parseCookbook("## Q\n```sql\nSELECT 1\n```\n\n```text\nh\nr\n```\n")
	if err != nil || len(blocks) != 1 || blocks[0].Title != "Q" || blocks[0].SQL != "SELECT 1" || len(blocks[0].Rows) != 2 {
		t.Errorf("parseCookbook: %+v, %v", blocks, err)
	}
}
