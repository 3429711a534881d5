// Package indicators holds the definitions of the 766 indicators as SQL, one
// file per metric (metrics/*.sql) and per group of findings (findings/*.sql),
// each opening with the item of docs/spec/indicators-766-official.md (the
// national portal's rules, formula version dvcqg-2026) it implements.
// The SQL runs inside ClickHouse (load.Store runs it); this package only
// parses and validates the definitions, so it has no network and no database.
//
// A metric file is a header of "-- key: value" lines, then one SELECT
// returning (unit_code, numerator, denominator) for the units of a compute.
// Header keys:
//
//	metric     the portal's metric code (DOSSIER_SYNC, …)
//	indicator  transparency | progress | online | payment | digitization | satisfaction
//	max        the metric's maximum score
//	target     t of max × LEAST(1, r/t) (default 1: linear)
//	official   the key of its rule in transform/official (the portal's code,
//	           or the reference's item for a tree component; default: metric)
//	coefficient sync: the ratio is multiplied by the unit's DOSSIER_SYNC
//	           ratio before scoring (item 3.3)
//	scope      unit (computed per unit) | province (computed for the province;
//	           other units follow indicators.province_metrics)
//	score      the score as an SQL expression of `ratio` (default:
//	           max * least(1, ratio / target)); the stored score is it
//	           rounded to 2 decimals
//	on_empty   null (the portal publishes null; indicators.zero_denominator
//	           may replace it) | max | zero: the score when the denominator is 0
//	spec       the item of the reference it implements
//	gap        why the score may differ from the portal's: an input the
//	           export does not carry (explain shows it)
package indicators

import (
	"bufio"
	"embed"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/dvcindex/dvcindex/transform/vocab"
)

//go:embed period_dossiers.sql metrics/*.sql findings/*.sql fragments/*.sql atrisk/*.sql
var files embed.FS

// FormulaVersion is stored with every result; change it with the rules.
const FormulaVersion = "dvcqg-2026"

// Metric is one metric definition.
type Metric struct {
	Code      string
	Indicator string
	Max       float64
	Target    float64 // 1 when linear
	Official  string  // key of transform/official's formula
	// Coefficient is "sync" when the ratio is scaled by the unit's
	// DOSSIER_SYNC ratio before scoring, "" otherwise.
	Coefficient string
	Scope       string // "unit" or "province"
	Score       string // SQL expression of ratio, with max substituted
	OnEmpty     string // "null", "max" or "zero"
	Spec        string
	Gap         string // why the score may not match the portal's ("" when it can)
	File        string
	SQL         string // the SELECT (unit_code, numerator, denominator)
}

// Script is an SQL statement run as is (the period builder, findings).
type Script struct {
	Name string
	Spec string
	SQL  string
}

var (
	codeRe  = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)
	keyRe   = regexp.MustCompile(`^[a-z_]+$`)
	scoreRe = regexp.MustCompile(`^[a-z0-9_ .,*/()+-]+$`)
)

// Metrics returns every metric definition, in group order then file order.
func Metrics() ([]Metric, error) {
	names, err := fs.Glob(files, "metrics/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []Metric
	seen := map[string]bool{}
	for _, name := range names {
		body, err := files.ReadFile(name)
		if err != nil {
			return nil, err
		}
		text, err := includeFragments(name, string(body))
		if err != nil {
			return nil, err
		}
		m, err := parseMetric(name, text)
		if err != nil {
			return nil, err
		}
		if seen[m.Code] {
			return nil, fmt.Errorf("%s: metric %s defined twice", name, m.Code)
		}
		seen[m.Code] = true
		out = append(out, m)
	}
	order := map[string]int{}
	for i, g := range vocab.Groups() {
		order[g.Code] = i
	}
	sort.SliceStable(out, func(i, j int) bool { return order[out[i].Indicator] < order[out[j].Indicator] })
	return out, nil
}

// fragmentRef is a metric's reference to a shared subquery: a rule two
// metrics apply the same way is written once, in fragments/NAME.sql.
var fragmentRef = regexp.MustCompile(`\{fragment:([a-z_]+)\}`)

// includeFragments replaces each {fragment:NAME} of a metric by the SELECT
// of fragments/NAME.sql (its comment header dropped).
func includeFragments(name, body string) (string, error) {
	var missing error
	out := fragmentRef.ReplaceAllStringFunc(body, func(ref string) string {
		frag := fragmentRef.FindStringSubmatch(ref)[1]
		b, err := files.ReadFile("fragments/" + frag + ".sql")
		if err != nil {
			missing = fmt.Errorf("%s: fragment %s: %w", name, frag, err)
			return ref
		}
		_, sql := splitHeader(string(b))
		return strings.TrimSpace(sql)
	})
	return out, missing
}

func parseMetric(name, body string) (Metric, error) {
	hdr, sql := splitHeader(body)
	m := Metric{File: name, SQL: sql, Scope: "unit", OnEmpty: "null", Target: 1}
	for k, v := range hdr {
		switch k {
		case "metric":
			m.Code = v
		case "indicator":
			m.Indicator = v
		case "max":
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f < 0 {
				return m, fmt.Errorf("%s: max %q is not a number ≥ 0", name, v)
			}
			m.Max = f
		case "target":
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f <= 0 || f > 1 {
				return m, fmt.Errorf("%s: target %q is not a number in (0, 1]", name, v)
			}
			m.Target = f
		case "official":
			m.Official = v
		case "coefficient":
			m.Coefficient = v
		case "scope":
			m.Scope = v
		case "score":
			m.Score = v
		case "on_empty":
			m.OnEmpty = v
		case "spec":
			m.Spec = v
		case "gap":
			m.Gap = v
		default:
			return m, fmt.Errorf("%s: unknown header key %q", name, k)
		}
	}
	if m.Official == "" {
		m.Official = m.Code
	}
	if m.Score == "" {
		m.Score = "max * least(1, ratio / target)"
	}
	switch {
	case !codeRe.MatchString(m.Code):
		return m, fmt.Errorf("%s: metric code %q", name, m.Code)
	case !validIndicator(m.Indicator):
		return m, fmt.Errorf("%s: indicator %q", name, m.Indicator)
	case m.Scope != "unit" && m.Scope != "province":
		return m, fmt.Errorf("%s: scope %q", name, m.Scope)
	case m.OnEmpty != "null" && m.OnEmpty != "max" && m.OnEmpty != "zero":
		return m, fmt.Errorf("%s: on_empty %q", name, m.OnEmpty)
	case m.Coefficient != "" && m.Coefficient != "sync":
		return m, fmt.Errorf("%s: coefficient %q", name, m.Coefficient)
	case !scoreRe.MatchString(m.Score):
		return m, fmt.Errorf("%s: score expression %q has characters outside [a-z0-9_ .,*/()+-]", name, m.Score)
	case m.Spec == "":
		return m, fmt.Errorf("%s: no spec line", name)
	case !strings.Contains(strings.ToUpper(sql), "SELECT"):
		return m, fmt.Errorf("%s: no SELECT", name)
	}
	// The score expression is trusted text from this package; the maximum
	// and target are substituted as numbers so it stays self-contained.
	m.Score = strings.ReplaceAll(m.Score, "max", strconv.FormatFloat(m.Max, 'f', -1, 64))
	m.Score = strings.ReplaceAll(m.Score, "target", strconv.FormatFloat(m.Target, 'f', -1, 64))
	return m, nil
}

func validIndicator(s string) bool { return vocab.IsGroup(s) }

// splitHeader separates the leading "-- key: value" lines from the rest.
func splitHeader(body string) (map[string]string, string) {
	hdr := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(body))
	var rest strings.Builder
	inHeader := true
	for sc.Scan() {
		line := sc.Text()
		if inHeader {
			t := strings.TrimSpace(line)
			if strings.HasPrefix(t, "--") {
				kv := strings.TrimSpace(strings.TrimPrefix(t, "--"))
				if k, v, ok := strings.Cut(kv, ":"); ok && keyRe.MatchString(k) {
					hdr[strings.TrimSpace(k)] = strings.TrimSpace(v)
				}
				continue
			}
			if t == "" {
				continue
			}
			inHeader = false
		}
		rest.WriteString(line)
		rest.WriteByte('\n')
	}
	return hdr, strings.TrimSpace(rest.String())
}

// PeriodDossiers returns the statement that builds period_dossiers.
func PeriodDossiers() (Script, error) { return script("period_dossiers.sql") }

// Findings returns the statements that write dossier_findings.
func Findings() ([]Script, error) {
	names, err := fs.Glob(files, "findings/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	out := make([]Script, 0, len(names))
	for _, n := range names {
		s, err := script(n)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func script(name string) (Script, error) {
	body, err := files.ReadFile(name)
	if err != nil {
		return Script{}, err
	}
	hdr, _ := splitHeader(string(body))
	return Script{Name: name, Spec: hdr["spec"], SQL: string(body)}, nil
}
