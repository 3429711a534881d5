package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

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
			pipeline.WriteRefFiles(a.stdout, a.cfg.RefData)
			if err != nil {
				return pipeline.WriteRefProblems(a.stdout, err)
			}
			pipeline.WriteRefSummary(a.stdout, rd.Summary())
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
				return pipeline.WriteRefProblems(a.stdout, err)
			}
			pipeline.WriteUnitsOn(a.stdout, rd, day)
			return nil
		},
	}
	cmd.Flags().StringVar(&on, "on", "", "the day (yyyy-mm-dd, Asia/Ho_Chi_Minh) whose units are listed; default today")
	return cmd
}
