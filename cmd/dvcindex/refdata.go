package main

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/dvcindex/dvcindex/config"
	"github.com/dvcindex/dvcindex/internal/pipeline"
	"github.com/dvcindex/dvcindex/transform"
)

func newRefDataCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "refdata",
		Short: "Validate or list the reference data: units, agencies, procedures",
		Long: `The reference data are three CSV files (docs/refdata.md): the administrative
units with their validity and mergers (refdata.units_file), the electronic
agency identifiers of the units (refdata.agencies_file) and the seed report's
procedures (refdata.procedures_file). A key left empty uses the Hoài Nhơn file
built into this binary. sync, compute, report, migrate and doctor read the same
files; another province needs only its own files and these keys.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return usagef("refdata needs a subcommand: check or show") },
	}
	cmd.AddCommand(newRefDataCheckCmd(a), newRefDataShowCmd(a))
	return cmd
}

func newRefDataCheckCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "check",
		Short: "Validate the configured reference files and print what they hold",
		Long: `Loads the configured reference files as every run does and checks them by
the rules of docs/refdata.md: headers, dates (yyyy-mm-dd), no two validity
periods of one GSO code overlapping, district and province codes that are
units of the file, every merged_into naming a unit that exists the day after
the old one ends, every agency pointing to a known unit, every procedure code
N.NNNNNN once. Prints the files, the unit periods per level and type, the
agencies, the procedures and the merger links (old unit → successor from a
date). Exit 0 if the files are valid; 1 with each problem (key, file, line,
what is wrong) if not; 2 if a configured file cannot be read at all.`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			rd, err := pipeline.LoadRefData(a.cfg.RefData)
			printRefFiles(a.stdout, a.cfg.RefData)
			if err != nil {
				return refDataProblems(a.stdout, err)
			}
			printRefSummary(a.stdout, rd.Summary())
			fmt.Fprintln(a.stdout, "reference data valid")
			return nil
		},
	}
}

func newRefDataShowCmd(a *app) *cobra.Command {
	var on string
	cmd := &cobra.Command{
		Use:   "show [--on DATE]",
		Short: "List the units and agency identifiers valid on a date",
		Long: `Prints the units of the configured units file that exist on DATE
(yyyy-mm-dd, Asia/Ho_Chi_Minh; default today) — GSO code, name, type, district,
province, first and last valid day, and the unit it is merged into after its
last day — then the agency identifiers valid that day with their unit.`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			day := a.now().In(transform.HoChiMinh())
			if on != "" {
				d, err := time.ParseInLocation(time.DateOnly, on, transform.HoChiMinh())
				if err != nil {
					return usagef("--on %q: want a date yyyy-mm-dd", on)
				}
				day = d
			}
			rd, err := pipeline.LoadRefData(a.cfg.RefData)
			if err != nil {
				return refDataProblems(a.stdout, err)
			}
			printUnitsOn(a.stdout, rd, day)
			return nil
		},
	}
	cmd.Flags().StringVar(&on, "on", "", "the day (yyyy-mm-dd, Asia/Ho_Chi_Minh) whose units are listed; default today")
	return cmd
}

// printRefFiles names the file behind each reference key.
func printRefFiles(w io.Writer, cfg config.RefData) {
	for _, f := range pipeline.RefFiles(cfg) {
		fmt.Fprintf(w, "%-24s %s\n", f.Key, f)
	}
}

// refDataProblems prints each problem of LoadRefData's error and returns
// the command's error (exit 1).
func refDataProblems(w io.Writer, err error) error {
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	for _, e := range errs {
		fmt.Fprintf(w, "PROBLEM  %v\n", e)
	}
	return fmt.Errorf("reference data: %d problem(s), listed above; docs/refdata.md describes the files", len(errs))
}

func printRefSummary(w io.Writer, s pipeline.RefSummary) {
	fmt.Fprintf(w, "\nunits: %d validity periods of %d GSO codes\n", s.Periods, s.Codes)
	for _, c := range s.ByLevel {
		fmt.Fprintf(w, "  level %-14s %5d\n", c.Name, c.N)
	}
	for _, c := range s.ByType {
		fmt.Fprintf(w, "  type  %-14s %5d\n", c.Name, c.N)
	}
	fmt.Fprintf(w, "agencies: %d identifiers\nprocedures: %d\nmerger links (merged_into): %d\n", s.Agencies, s.Procedures, len(s.Links))
	for _, l := range s.Links {
		note := ""
		if l.ContinuesSameCode {
			note = " (same code, new name or boundary)"
		}
		fmt.Fprintf(w, "  from %s  %s %s → %s %s%s\n", l.Date.Format(time.DateOnly), l.From, l.FromName, l.To, l.ToName, note)
	}
}

// printUnitsOn prints the units and the agencies valid on day.
func printUnitsOn(w io.Writer, rd *pipeline.RefData, day time.Time) {
	dash := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	fmt.Fprintf(w, "units valid on %s, from %s\n", day.Format(time.DateOnly), rd.Files[0])
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CODE\tNAME\tTYPE\tDISTRICT\tPROVINCE\tVALID FROM\tVALID TO\tSUCCESSOR")
	for _, u := range rd.UnitsOn(day) {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", u.Code, u.Name, u.Type, dash(joinCodeName(u.DistrictCode, u.DistrictName)),
			dash(joinCodeName(u.ProvinceCode, u.ProvinceName)), u.ValidFrom.Format(time.DateOnly), lastDay(u.ValidTo), dash(u.MergedInto))
	}
	_ = tw.Flush()
	fmt.Fprintf(w, "\nagencies valid on %s, from %s\n", day.Format(time.DateOnly), rd.Files[1])
	tw = tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "AGENCY CODE\tGSO CODE\tUNIT\tVALID FROM\tVALID TO")
	for _, ag := range rd.AgenciesOn(day) {
		name, _ := rd.Units.Name(ag.GSOCode, day)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", ag.Code, ag.GSOCode, dash(name), ag.ValidFrom.Format(time.DateOnly), lastDay(ag.ValidTo))
	}
	_ = tw.Flush()
}

func joinCodeName(code, name string) string {
	if code == "" {
		return name
	}
	return code + " " + name
}

// lastDay renders a last valid day, nil = "open".
func lastDay(t *time.Time) string {
	if t == nil {
		return "open"
	}
	return t.In(transform.HoChiMinh()).Format(time.DateOnly)
}
