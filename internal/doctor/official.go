package doctor

import (
	"context"
	"fmt"
	"time"

	"github.com/dvcindex/dvcindex/config"
	"github.com/dvcindex/dvcindex/extract"
	"github.com/dvcindex/dvcindex/internal/pipeline"
	"github.com/dvcindex/dvcindex/internal/redact"
	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
	"github.com/dvcindex/dvcindex/transform/official"
)

// checkOfficial checks a source of the national reporting API (the
// evaluation source): the API answers for the configured province, and
// the share of official rows the formulas reproduce (from ClickHouse, when
// it can be read).
func (d *Doctor) checkOfficial(ctx context.Context, r *report, src pipeline.Source) {
	p := d.cfg.Source(src.Name)
	r.section("national reporting API (" + redact.URL(p.BaseURL) + ")")
	if err := src.Check(d.cfg); err != nil {
		r.info("evaluation source not configured (evaluation.root_department_id is empty): not read, not scheduled")
		return
	}
	month := transform.PeriodOf(transform.Month, d.opts.Now()).Previous()
	if err := d.readTransparency(ctx, p, month); err != nil {
		r.problem("sources.evaluation.base_url", err.Error(), fmt.Sprintf("check that the national portal answers at sources.evaluation.base_url (%s) and that evaluation.root_department_id is the province's departmentId.", d.origin("sources.evaluation.base_url")))
	} else {
		r.ok("evaluation: transparency of %s read for the province", month.Code)
	}
	d.checkOfficialFormulas(ctx, r)
}

// readTransparency reads one page of the province's transparency scores
// of month from the national API at p.
func (d *Doctor) readTransparency(ctx context.Context, p config.Portal, month transform.Period) error {
	body, err := official.Payload(official.Transparency, official.Request{RootDepartmentID: d.cfg.Evaluation.RootDepartmentID,
		Period: pipeline.OfficialPeriod(month), PageSize: 1})
	if err != nil {
		return err
	}
	nc := extract.NewNational(extract.NationalOptions{BaseURL: p.BaseURL, Timeout: min(p.Timeout.D(), 10*time.Second), MaxRetries: 1,
		MaxBodyBytes: p.MaxBodyBytes, MaxThrottled: 1, Logger: d.opts.Log})
	raw, err := nc.Post(ctx, official.EvaluationPath+official.Transparency, body)
	if err != nil {
		return err
	}
	_, err = official.Parse(official.Transparency, raw)
	return err
}

// checkOfficialFormulas prints the share of official rows the formulas
// reproduce; a ClickHouse that cannot be opened was reported under
// clickhouse and is passed over here.
func (d *Doctor) checkOfficialFormulas(ctx context.Context, r *report) {
	opts, err := d.opts.StoreOptions()
	if err != nil {
		return
	}
	store, err := load.Open(ctx, opts)
	if err != nil {
		return
	}
	defer store.Close()
	c, err := store.OfficialCheckSummary(ctx, "")
	switch {
	case err != nil:
		r.info("official formula check not readable (%v)", err)
	case c.Checked == 0:
		r.info("official formula check: no official rows yet")
	default:
		r.ok("official formula check: %.1f%% of %d official rows reproduced within 0.01 (worst gap %.2f: %s)", 100*c.Share(), c.Checked, c.Worst, c.WorstRow)
	}
}
