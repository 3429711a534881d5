package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
	"github.com/dvcindex/dvcindex/transform/indicators"
	"github.com/dvcindex/dvcindex/transform/vocab"
)

// provinceLabel marks metrics a ward cannot act on.
const provinceLabel = "cấp tỉnh — xã không khắc phục được (province level, not actionable by the ward)"

// riskLabel heads the findings that cost no points under the rules in force.
const riskLabel = "rủi ro, không trừ điểm (risk: no points lost under the portal's rules)"

// findingWords says in plain words what a finding means (vocab).
func findingWords(code string) string {
	f, _ := vocab.FindingOf(code)
	return f.Words
}

func newExplainCmd(a *app) *cobra.Command {
	var period, unit, indicator, format string
	var top int
	cmd := &cobra.Command{
		Use:   "explain --unit CODE --period P [--indicator NAME] [--format table|json]",
		Short: "Rank a unit's metrics by points lost, with the procedures and dossiers behind them",
		Long: `Shows where a unit lost points in period P under the national portal's rules
(dvcqg-2026, docs/indicators.md). First, what the unit loses on province-level
metrics ("cấp tỉnh — xã không khắc phục được"); then its own metrics ranked by
points lost, and under each the findings, the procedures and the dossiers that
cost the most, with the evidence in plain words. Findings that cost no points
under the rules in force (late syncs, unless indicators.sync_scoring is
deadline) are listed apart as risks. A metric whose score can differ from the
portal's because the export lacks an input says why. Owners appear only as
pseudonyms. Run 'dvcindex compute --period P' first.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, err := transform.ParsePeriod(period); err != nil {
				return usageError{err}
			}
			if unit == "" {
				return usagef("--unit is required")
			}
			if groups := vocab.IndicatorCodes()[:6]; indicator != "" && !vocab.IsGroup(indicator) {
				return usagef("unknown indicator %q; indicators are %s", indicator, strings.Join(groups, ", "))
			}
			if format != "table" && format != "json" {
				return usagef("--format must be table or json")
			}
			ctx := cmd.Context()
			store, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer store.Close()
			ex, err := store.Explain(ctx, unit, period, indicator, top, load.RiskFindings(a.engine(false).IndicatorSettings()))
			if err != nil {
				return err
			}
			rep := buildExplainReport(ex, period, load.RiskFindings(a.engine(false).IndicatorSettings()))
			if format == "json" {
				enc := json.NewEncoder(a.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(rep)
			}
			return writeExplainTable(a.stdout, rep)
		},
	}
	cmd.Flags().StringVar(&unit, "unit", "", "GSO code of the unit (required)")
	cmd.Flags().StringVar(&period, "period", "", "period: 2024, 2024-Q2 or 2024-07 (required)")
	cmd.Flags().StringVar(&indicator, "indicator", "", "only one indicator: transparency, progress, online, payment, digitization, satisfaction")
	cmd.Flags().StringVar(&format, "format", "table", "output format: table or json")
	cmd.Flags().IntVar(&top, "top", 10, "procedures and dossiers listed under each metric")
	_ = cmd.MarkFlagRequired("unit")
	_ = cmd.MarkFlagRequired("period")
	return cmd
}

// explainReport is the JSON form of explain (and the table's source).
type explainReport struct {
	Unit     string  `json:"unit"`
	UnitName string  `json:"unit_name"`
	Level    string  `json:"level"`
	Period   string  `json:"period"`
	Score    float64 `json:"score"`
	Max      float64 `json:"max"`
	// ProvinceLost is what the unit loses on province-level metrics, which
	// only the province can act on; explain says it first.
	ProvinceLost float64         `json:"province_level_lost"`
	ProvinceNote string          `json:"province_level_note,omitempty"`
	Metrics      []explainMetric `json:"metrics"`
}

type explainMetric struct {
	Rank        int     `json:"rank"`
	Indicator   string  `json:"indicator"`
	Metric      string  `json:"metric"`
	Score       float64 `json:"score"`
	Max         float64 `json:"max"`
	PointsLost  float64 `json:"points_lost"`
	Ratio       float64 `json:"ratio"`
	Numerator   float64 `json:"numerator"`
	Denominator float64 `json:"denominator"`
	NoData      bool    `json:"no_data"`
	Scope       string  `json:"scope"`
	Actionable  bool    `json:"actionable"`
	Note        string  `json:"note,omitempty"`
	// Null: the portal publishes no score here (zero denominator); the
	// group counts 0 and keeps the maximum.
	Null bool `json:"null_score,omitempty"`
	// Gap says why this score may not match the portal's (an input the
	// export does not carry).
	Gap      string           `json:"cannot_match_because,omitempty"`
	Findings []explainFinding `json:"findings,omitempty"`
	// Risks are findings that cost no points under the rules in force.
	Risks      []explainFinding     `json:"risks,omitempty"`
	Procedures []load.ProcedureCost `json:"procedures,omitempty"`
	Dossiers   []explainDossier     `json:"dossiers,omitempty"`
}

type explainFinding struct {
	Finding string `json:"finding"`
	Meaning string `json:"meaning"`
	Count   uint64 `json:"count"`
}

type explainDossier struct {
	DossierID     string `json:"dossier_id"`
	ProcedureCode string `json:"procedure_code"`
	Unit          string `json:"unit"`
	Finding       string `json:"finding"`
	Evidence      string `json:"evidence"`
	Owner         string `json:"owner,omitempty"`
}

func buildExplainReport(ex load.Explanation, period string, riskFindings []string) explainReport {
	rep := explainReport{Unit: ex.Unit.Code, UnitName: ex.Unit.Name, Level: ex.Unit.Level, Period: period}
	risks := map[string]bool{}
	for _, f := range riskFindings {
		risks[f] = true
	}
	gaps := metricGaps()
	var own, province []explainMetric
	for _, m := range ex.Metrics {
		if m.Max == 0 && m.PointsLost == 0 && m.Scope == "unit" && m.Indicator == "online" && strings.HasPrefix(m.Metric, "CHANNEL_") {
			// Informational shares carry no points; they are in the JSON of
			// v_indicator_metrics, not in the ranking.
			continue
		}
		em := explainMetric{Indicator: m.Indicator, Metric: m.Metric, Score: m.Score, Max: m.Max,
			PointsLost: m.PointsLost, Ratio: m.Ratio, Numerator: m.Numerator, Denominator: m.Denominator,
			NoData: m.NoData, Null: m.Null, Scope: m.Scope, Gap: gaps[m.Metric],
			Actionable: m.Scope == "unit" || ex.Unit.Level == transform.LevelProvince}
		rep.Score += m.Score
		rep.Max += m.Max
		em.Note = metricNote(em)
		addEvidence(&em, ex, risks)
		if em.Actionable {
			own = append(own, em)
		} else {
			province = append(province, em)
			rep.ProvinceLost += em.PointsLost
		}
	}
	if rep.ProvinceLost > 0 {
		rep.ProvinceNote = fmt.Sprintf("cấp tỉnh — xã không khắc phục được: %.2f điểm mất ở các chỉ số cấp tỉnh (province level: %.2f points lost on metrics only the province can act on)",
			rep.ProvinceLost, rep.ProvinceLost)
	}
	// The unit's own metrics ranked by points lost, then the province-level
	// ones (already named first, in the summary).
	for _, em := range append(own, province...) {
		em.Rank = len(rep.Metrics) + 1
		rep.Metrics = append(rep.Metrics, em)
	}
	rep.Score, rep.Max = round2(rep.Score), round2(rep.Max)
	return rep
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

// metricNote says why a metric is not the unit's to fix, and what a
// zero denominator gives.
func metricNote(em explainMetric) string {
	var notes []string
	if !em.Actionable {
		notes = append(notes, provinceLabel)
	}
	switch {
	case em.Null:
		notes = append(notes, "no data in the period: the portal publishes no score (counted 0, maximum kept)")
	case em.NoData:
		notes = append(notes, "no data in the period")
	}
	return strings.Join(notes, "; ")
}

// addEvidence attaches a metric's findings (those that cost points, and the
// risks apart), procedures and dossiers.
func addEvidence(em *explainMetric, ex load.Explanation, risks map[string]bool) {
	for _, c := range ex.Counts {
		if c.Metric != em.Metric {
			continue
		}
		f := explainFinding{Finding: c.Finding, Meaning: findingWords(c.Finding), Count: c.Count}
		if risks[c.Finding] {
			em.Risks = append(em.Risks, f)
		} else {
			em.Findings = append(em.Findings, f)
		}
	}
	for _, p := range ex.Procedures {
		if p.Metric == em.Metric {
			em.Procedures = append(em.Procedures, p)
		}
	}
	for _, d := range ex.Dossiers {
		if d.Metric == em.Metric {
			em.Dossiers = append(em.Dossiers, explainDossier{DossierID: d.DossierID, ProcedureCode: d.ProcedureCode,
				Unit: d.UnitCode, Finding: d.Finding, Evidence: d.Detail, Owner: d.Owner})
		}
	}
}

// metricGaps maps each metric to why its score may not match the portal's.
func metricGaps() map[string]string {
	out := map[string]string{}
	ms, err := indicators.Metrics()
	if err != nil { // the embedded definitions parse (their tests say so)
		return out
	}
	for _, m := range ms {
		if m.Gap != "" {
			out[m.Code] = m.Gap
		}
	}
	return out
}

func writeExplainTable(w io.Writer, rep explainReport) error {
	fmt.Fprintf(w, "%s (%s) — period %s — metrics ranked by points lost\n\n", rep.UnitName, rep.Unit, rep.Period)
	if rep.ProvinceNote != "" {
		fmt.Fprintf(w, "%s\n\n", rep.ProvinceNote)
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tINDICATOR\tMETRIC\tSCORE\tMAX\tLOST\tRATIO\tCOUNTS\tNOTE")
	for _, m := range rep.Metrics {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%.2f\t%.2f\t%.2f\t%.1f%%\t%s / %s\t%s\n", m.Rank, m.Indicator, m.Metric, m.Score, m.Max,
			m.PointsLost, 100*m.Ratio, num(m.Numerator), num(m.Denominator), m.Note)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, m := range rep.Metrics {
		writeExplainMetric(w, m)
	}
	return nil
}

func writeExplainMetric(w io.Writer, m explainMetric) {
	if len(m.Findings) == 0 && len(m.Risks) == 0 && m.Gap == "" {
		return
	}
	fmt.Fprintf(w, "\n%d. %s (%s): %.2f of %.2f points lost", m.Rank, m.Metric, m.Indicator, m.PointsLost, m.Max)
	if m.Note != "" {
		fmt.Fprintf(w, " — %s", m.Note)
	}
	fmt.Fprintln(w)
	if m.Gap != "" {
		fmt.Fprintf(w, "   may differ from the portal's score: %s\n", m.Gap)
	}
	if len(m.Findings) > 0 {
		fmt.Fprintln(w, "   why:")
		for _, f := range m.Findings {
			fmt.Fprintf(w, "     %-20s %5d  %s\n", f.Finding, f.Count, f.Meaning)
		}
	}
	if len(m.Risks) > 0 {
		fmt.Fprintf(w, "   %s:\n", riskLabel)
		for _, f := range m.Risks {
			fmt.Fprintf(w, "     %-20s %5d  %s\n", f.Finding, f.Count, f.Meaning)
		}
	}
	if len(m.Procedures) > 0 {
		fmt.Fprintln(w, "   procedures that cost the most:")
		for _, p := range m.Procedures {
			fmt.Fprintf(w, "     %-24s %5d  %s\n", p.ProcedureCode, p.Count, p.Name)
		}
	}
	if len(m.Dossiers) > 0 {
		fmt.Fprintln(w, "   dossiers:")
		for _, d := range m.Dossiers {
			id := d.DossierID
			if id == "" {
				id = "(count)"
			}
			fmt.Fprintf(w, "     %-28s %-18s %s", id, d.Finding, d.Evidence)
			if d.Owner != "" {
				fmt.Fprintf(w, " [%s]", d.Owner)
			}
			fmt.Fprintln(w)
		}
	}
}

func num(f float64) string {
	if f == float64(int64(f)) {
		return fmt.Sprintf("%d", int64(f))
	}
	return fmt.Sprintf("%.2f", f)
}
