package main

import (
	"context"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/dvcindex/dvcindex/extract"
	"github.com/dvcindex/dvcindex/internal/redact"
	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
	"github.com/dvcindex/dvcindex/transform/official"
)

// logOfficialCheck logs, in one line, how many of the period's official
// rows the dvcqg-2026 formulas reproduce from the published counts.
func (a *app) logOfficialCheck(ctx context.Context, store *load.Store, period string, log zerolog.Logger) {
	c, err := store.OfficialCheckSummary(ctx, period)
	if err != nil {
		log.Warn().Err(err).Msg("could not read the official formula check")
		return
	}
	log.Info().Uint64("rows_checked", c.Checked).Uint64("reproduced_within_0_01", c.Reproduced).
		Float64("worst_gap", c.Worst).Str("worst_row", c.WorstRow).Str("formula_version", official.FormulaVersion).
		Msg("official formula check: published scores reproduced from the published counts")
}

// doctorOfficial checks the evaluation source: the national API answers
// for the configured province, and the share of official rows the formulas
// reproduce (from ClickHouse, when it can be read).
func (a *app) doctorOfficial(ctx context.Context, d *doctorReport) {
	p := a.cfg.Source(evaluationSource.name)
	d.section("national reporting API (" + redact.URL(p.BaseURL) + ")")
	if err := a.checkEvaluationConfigured(); err != nil {
		d.info("evaluation source not configured (evaluation.root_department_id is empty): not read, not scheduled")
		return
	}
	month := transform.PeriodOf(transform.Month, a.now()).Previous()
	body, err := official.Payload(official.Transparency, official.Request{RootDepartmentID: a.cfg.Evaluation.RootDepartmentID,
		Period: officialPeriod(month), PageSize: 1})
	if err == nil {
		nc := extract.NewNational(extract.NationalOptions{BaseURL: p.BaseURL, Timeout: min(p.Timeout.D(), 10*time.Second), MaxRetries: 1,
			MaxBodyBytes: p.MaxBodyBytes, MaxThrottled: 1, Logger: a.log})
		var raw []byte
		if raw, err = nc.Post(ctx, official.EvaluationPath+official.Transparency, body); err == nil {
			_, err = official.Parse(official.Transparency, raw)
		}
	}
	if err != nil {
		d.problem("sources.evaluation.base_url", err.Error(), fmt.Sprintf("check that the national portal answers at sources.evaluation.base_url (%s) and that evaluation.root_department_id is the province's departmentId.", a.origin("sources.evaluation.base_url")))
	} else {
		d.ok("evaluation: transparency of %s read for the province", month.Code)
	}
	store, err := a.openStore(ctx)
	if err != nil {
		return // reported under clickhouse
	}
	defer store.Close()
	c, err := store.OfficialCheckSummary(ctx, "")
	switch {
	case err != nil:
		d.info("official formula check not readable (%v)", err)
	case c.Checked == 0:
		d.info("official formula check: no official rows yet")
	default:
		d.ok("official formula check: %.1f%% of %d official rows reproduced within 0.01 (worst gap %.2f: %s)", 100*c.Share(), c.Checked, c.Worst, c.WorstRow)
	}
}
