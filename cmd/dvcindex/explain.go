package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
)

// provinceLabel marks metrics a ward cannot act on.
const provinceLabel = "province level — not actionable by the ward"

// findingWords says in plain words what each finding means.
var findingWords = map[string]string{
	"not_synced":           "never reached the national portal",
	"synced_late":          "steps reached the national portal late",
	"sync_error":           "the national portal rejected the sync",
	"no_received_date":     "no received date",
	"bcqg_exceeds_portal":  "reported to BCQG but missing on the portal",
	"late":                 "finished after the due date",
	"late_unfinished":      "not finished and past due",
	"second_supplement":    "more than one supplement request",
	"no_due_date":          "no due date and no time limit",
	"step_lag":             "late only in the software (result issued on time)",
	"channel_missing":      "channel missing, counted as direct",
	"not_online":           "filed directly or by post although offered fully online",
	"no_electronic_result": "no electronic result attached",
	"not_paid_online":      "fees not paid online",
	"not_digitized":        "no component digitized",
}

func newExplainCmd(a *app) *cobra.Command {
	var period, unit, indicator, format string
	var top int
	cmd := &cobra.Command{
		Use:   "explain --unit CODE --period P [--indicator NAME] [--format table|json]",
		Short: "Rank a unit's metrics by points lost, with the procedures and dossiers behind them",
		Long: `Shows where a unit lost points in period P: its metrics ranked by points lost,
and under each the findings, the procedures and the dossiers that cost the most,
with the evidence in plain words. Province-level metrics are labelled as not
actionable by the ward. Owners appear only as pseudonyms. Run 'dvcindex compute
--period P' first.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, err := transform.ParsePeriod(period); err != nil {
				return usageError{err}
			}
			if unit == "" {
				return usagef("--unit is required")
			}
			if indicator != "" && !contains(load.IndicatorOrder[:6], indicator) {
				return usagef("unknown indicator %q; indicators are %s", indicator, strings.Join(load.IndicatorOrder[:6], ", "))
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
			ex, err := store.Explain(ctx, unit, period, indicator, top)
			if err != nil {
				return err
			}
			rep := buildExplainReport(ex, period)
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
	Unit     string          `json:"unit"`
	UnitName string          `json:"unit_name"`
	Level    string          `json:"level"`
	Period   string          `json:"period"`
	Score    float64         `json:"score"`
	Max      float64         `json:"max"`
	Metrics  []explainMetric `json:"metrics"`
}

type explainMetric struct {
	Rank        int                  `json:"rank"`
	Indicator   string               `json:"indicator"`
	Metric      string               `json:"metric"`
	Score       float64              `json:"score"`
	Max         float64              `json:"max"`
	PointsLost  float64              `json:"points_lost"`
	Ratio       float64              `json:"ratio"`
	Numerator   float64              `json:"numerator"`
	Denominator float64              `json:"denominator"`
	NoData      bool                 `json:"no_data"`
	Scope       string               `json:"scope"`
	Actionable  bool                 `json:"actionable"`
	Note        string               `json:"note,omitempty"`
	Findings    []explainFinding     `json:"findings,omitempty"`
	Procedures  []load.ProcedureCost `json:"procedures,omitempty"`
	Dossiers    []explainDossier     `json:"dossiers,omitempty"`
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

func buildExplainReport(ex load.Explanation, period string) explainReport {
	rep := explainReport{Unit: ex.Unit.Code, UnitName: ex.Unit.Name, Level: ex.Unit.Level, Period: period}
	rank := 0
	for _, m := range ex.Metrics {
		if m.Max == 0 && m.PointsLost == 0 && m.Scope == "unit" && m.Indicator == "online" && strings.HasPrefix(m.Metric, "CHANNEL_") {
			// Informational shares carry no points; they are in the JSON of
			// v_indicator_metrics, not in the ranking.
			continue
		}
		rank++
		em := explainMetric{Rank: rank, Indicator: m.Indicator, Metric: m.Metric, Score: m.Score, Max: m.Max,
			PointsLost: m.PointsLost, Ratio: m.Ratio, Numerator: m.Numerator, Denominator: m.Denominator,
			NoData: m.NoData, Scope: m.Scope, Actionable: m.Scope == "unit" || ex.Unit.Level == transform.LevelProvince}
		rep.Score += m.Score
		rep.Max += m.Max
		if !em.Actionable {
			em.Note = provinceLabel
		}
		if m.NoData {
			em.Note = strings.TrimPrefix(em.Note+"; no data in the period", "; ")
		}
		for _, c := range ex.Counts {
			if c.Metric == m.Metric {
				em.Findings = append(em.Findings, explainFinding{Finding: c.Finding, Meaning: findingWords[c.Finding], Count: c.Count})
			}
		}
		for _, p := range ex.Procedures {
			if p.Metric == m.Metric {
				em.Procedures = append(em.Procedures, p)
			}
		}
		for _, d := range ex.Dossiers {
			if d.Metric == m.Metric {
				em.Dossiers = append(em.Dossiers, explainDossier{DossierID: d.DossierID, ProcedureCode: d.ProcedureCode,
					Unit: d.UnitCode, Finding: d.Finding, Evidence: d.Detail, Owner: d.Owner})
			}
		}
		rep.Metrics = append(rep.Metrics, em)
	}
	// Payment's components sum to 10.5 and the group is capped at 10.
	for _, m := range rep.Metrics {
		if m.Indicator == "payment" {
			rep.Max -= 0.5
			break
		}
	}
	return rep
}

func writeExplainTable(w io.Writer, rep explainReport) error {
	fmt.Fprintf(w, "%s (%s) — period %s — metrics ranked by points lost\n\n", rep.UnitName, rep.Unit, rep.Period)
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
		if len(m.Findings) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%d. %s (%s): %.2f of %.2f points lost", m.Rank, m.Metric, m.Indicator, m.PointsLost, m.Max)
		if m.Note != "" {
			fmt.Fprintf(w, " — %s", m.Note)
		}
		fmt.Fprintln(w)
		fmt.Fprintln(w, "   why:")
		for _, f := range m.Findings {
			fmt.Fprintf(w, "     %-20s %5d  %s\n", f.Finding, f.Count, f.Meaning)
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
	return nil
}

func num(f float64) string {
	if f == float64(int64(f)) {
		return fmt.Sprintf("%d", int64(f))
	}
	return fmt.Sprintf("%.2f", f)
}
