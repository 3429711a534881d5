package doctor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/dvcindex/dvcindex/extract"
	"github.com/dvcindex/dvcindex/internal/pipeline"
	"github.com/dvcindex/dvcindex/internal/redact"
	"github.com/dvcindex/dvcindex/transform"
)

// checkPortal checks the portal's credentials, then reads one page (or
// one unit and period) of each enabled portal source through its
// registered Probe, and checks the inbox of the file source. It stops at
// rejected credentials or a portal that does not answer.
func (d *Doctor) checkPortal(ctx context.Context, r *report, rd *pipeline.RefData) {
	p := d.cfg.Portal
	r.section("portal (" + redact.URL(p.BaseURL) + ")")
	client := extract.New(extract.Options{
		BaseURL: p.BaseURL, Username: p.Username, Password: p.Password.Reveal(),
		Timeout: min(p.Timeout.D(), 10*time.Second), MaxRetries: 1, RetryWait: 200 * time.Millisecond,
		RetryMaxWait: time.Second, MaxBodyBytes: p.MaxBodyBytes, Logger: d.opts.Log,
	})
	pr := d.probeRequest(rd)
	for i, name := range d.sources() {
		src, _ := pipeline.Lookup(name)
		switch {
		case src.Host == pipeline.FolderHost:
			d.checkFolder(r)
		case src.Probe == nil:
			// another host: checkOfficial
		case !d.probe(ctx, r, client, pr, src, i == 0):
			return
		}
	}
}

// probeRequest is what the probes ask about: the last closed month and
// the first unit in scope on its last day (none when the reference data
// could not be loaded: checkRefData reported why).
func (d *Doctor) probeRequest(rd *pipeline.RefData) pipeline.ProbeRequest {
	now := d.opts.Now()
	month := transform.PeriodOf(transform.Month, now).Previous()
	pr := pipeline.ProbeRequest{Now: now, Month: month}
	if rd == nil {
		return pr
	}
	if scope, _ := rd.Units.Scopes(month.LastDay()); len(scope) > 0 {
		pr.Unit = transform.PortalUnit(scope[0].Code, scope[0].Level)
	}
	return pr
}

// probe reads one page of src (first: the first source, whose success
// also proves the credentials). It returns false when the remaining
// sources need not be tried: credentials rejected or portal unreachable.
func (d *Doctor) probe(ctx context.Context, r *report, client *extract.Client, pr pipeline.ProbeRequest, src pipeline.Source, first bool) bool {
	path, q := src.Probe(pr)
	q.Set("page", "1")
	q.Set("page_size", "1")
	var raw json.RawMessage
	err := client.Get(ctx, path, q, &raw)
	if err == nil {
		if first {
			r.ok("credentials of user %q accepted", d.cfg.Portal.Username)
		}
		r.ok("%s: one page read from %s", src.Name, path)
		return true
	}
	switch {
	case strings.Contains(err.Error(), "rejected the credentials"):
		r.problem("portal.password", err.Error(), fmt.Sprintf("set portal.username (%s) and portal.password (%s) to the account the portal issued for dvcindex.",
			d.origin("portal.username"), d.origin("portal.password")))
		r.info("skipped: the sources (they need the credentials)")
		return false
	case errors.Is(err, extract.ErrPermanent):
		r.problem("source "+src.Name, err.Error(), fmt.Sprintf("check that the portal at portal.base_url serves %s (portal-api.md) and that the account may read it.", path))
		return true
	default:
		r.problem("portal.base_url", err.Error(), fmt.Sprintf("check that the portal answers at portal.base_url (%s) from this machine (network, proxy, TLS), or correct it.", d.origin("portal.base_url")))
		r.info("skipped: the remaining sources")
		return false
	}
}

// checkFolder checks files.inbox, the folder of the file-drop source.
func (d *Doctor) checkFolder(r *report) {
	inbox := d.cfg.Files.Inbox
	if st, err := os.Stat(inbox); err != nil || !st.IsDir() {
		r.problem("files.inbox", fmt.Sprintf("%q is not a readable folder (%v)", inbox, err),
			"create the folder or set files.inbox to the folder where the exports are dropped.")
		return
	}
	r.ok("files: inbox %s is a folder", inbox)
}
