package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/dvcindex/dvcindex/internal/ward"
	"github.com/dvcindex/dvcindex/transform"
	"github.com/dvcindex/dvcindex/transform/vocab"
)

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
			rep, err := ward.NewStore(store, a.engine(false).IndicatorSettings()).Explain(ctx, unit, period, indicator, top)
			if err != nil {
				return err
			}
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

// explainReport and explainMetric are the ward package's report (the
// names the command's tests use).
type (
	explainReport = ward.Report
	explainMetric = ward.Metric
)

func writeExplainTable(w io.Writer, rep explainReport) error {
	fmt.Fprintf(w, "%s (%s) — period %s — metrics ranked by points lost\n\n", rep.UnitName, rep.Unit, rep.Period)
	writeTargets(w, rep.Indicators)
	if rep.ProvinceNote != "" {
		fmt.Fprintf(w, "%s\n\n", rep.ProvinceNote)
	}
	writeWinback(w, rep.Winback)
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
		fmt.Fprintf(w, "   %s:\n", ward.RiskLabel)
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

// writeTargets opens explain with the seven indicators against the unit's
// targets, when it has any.
func writeTargets(w io.Writer, inds []ward.Indicator) {
	has := false
	for _, in := range inds {
		has = has || in.Target != nil
	}
	if !has {
		return
	}
	fmt.Fprintln(w, "chỉ tiêu giao (targets):")
	for _, in := range inds {
		if in.Target == nil {
			continue
		}
		rating := "Đạt (met)"
		if !*in.Met {
			rating = fmt.Sprintf("Chưa đạt (not met): thiếu %.2f", in.Gap)
		}
		fmt.Fprintf(w, "  %-26s %6.2f / %6.2f  chỉ tiêu %6.2f  %s\n", in.Label, in.Score, in.Max, *in.Target, rating)
	}
	fmt.Fprintln(w)
}

// writeWinback lists the points to win back, cheapest first.
func writeWinback(w io.Writer, wb []ward.Winback) {
	if len(wb) == 0 {
		return
	}
	fmt.Fprintln(w, "điểm có thể lấy lại, dễ trước (points to win back, cheapest first):")
	for _, r := range wb {
		cost := "—"
		if r.PerPoint > 0 {
			cost = fmt.Sprintf("%d %s / 1 điểm", r.PerPoint, r.Unit)
		}
		fmt.Fprintf(w, "  %2d. %-45s %5.2f điểm  %-22s %s\n", r.Rank, r.Label, r.PointsLost, cost, r.Note)
	}
	fmt.Fprintln(w)
}
