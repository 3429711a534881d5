package main

import (
	"context"
	"fmt"
	"time"

	"github.com/dvcindex/dvcindex/extract"
	"github.com/dvcindex/dvcindex/internal/pipeline"
	"github.com/dvcindex/dvcindex/internal/redact"
	"github.com/dvcindex/dvcindex/transform"
	"github.com/dvcindex/dvcindex/transform/official"
)

// doctorOfficial checks the evaluation source: the national API answers
// for the configured province, and the share of official rows the formulas
// reproduce (from ClickHouse, when it can be read).
func (a *app) doctorOfficial(ctx context.Context, d *doctorReport, src pipeline.Source) {
	p := a.cfg.Source(src.Name)
	d.section("national reporting API (" + redact.URL(p.BaseURL) + ")")
	if err := src.Check(a.cfg); err != nil {
		d.info("evaluation source not configured (evaluation.root_department_id is empty): not read, not scheduled")
		return
	}
	month := transform.PeriodOf(transform.Month, a.now()).Previous()
	body, err := official.Payload(official.Transparency, official.Request{RootDepartmentID: a.cfg.Evaluation.RootDepartmentID,
		Period: pipeline.OfficialPeriod(month), PageSize: 1})
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
