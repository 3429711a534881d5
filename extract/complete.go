package extract

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"
)

// A window is complete only when it is proved complete: one read of its
// pages, under one stable total, produced as many distinct records as the
// portal's total. The errors below say why a window could not be proved
// complete; each comes wrapped in an *IncompleteError, and errors.Is(err,
// ErrWindowIncomplete) holds for all of them. The source's run fails and its
// watermark stays.
var (
	// ErrWindowIncomplete matches every *IncompleteError.
	ErrWindowIncomplete = errors.New("window not proved complete")
	// ErrShortfall: the pages ended (a short or empty page) with fewer
	// distinct records than the total, on every read.
	ErrShortfall = errors.New("the portal served fewer distinct records than its total")
	// ErrPageIgnored: a later page served only records already read, or
	// answered with another page number: the portal ignores `page`.
	ErrPageIgnored = errors.New("the portal ignored the page number (a later page repeated records already read)")
	// ErrEndlessPages: full pages kept coming well past the pages the total
	// needs, without accounting for it.
	ErrEndlessPages = errors.New("full pages kept coming past the portal's total")
	// ErrNoTotal: the first page did not say how many records the window has.
	ErrNoTotal = errors.New("the portal's page carries no total")
	// ErrWindowUnstable: the total (or the page size) changed while the pages
	// were read, on every read, and the window could not be split further
	// (Windowed.MinWindow).
	ErrWindowUnstable = errors.New("window kept changing while its pages were read")
)

// IncompleteError is a window (or snapshot) that could not be proved
// complete: what the portal reported and what was read.
type IncompleteError struct {
	Source   string
	Window   Window // zero for a snapshot
	Kind     error  // ErrShortfall, ErrPageIgnored, ErrEndlessPages, ErrNoTotal or ErrWindowUnstable
	Total    int    // the portal's total in the last read (-1: none)
	Distinct int    // distinct records of the last read
	Read     int    // records received over every read
	Rereads  int
}

func (e *IncompleteError) Error() string {
	return fmt.Sprintf("%s: %v: portal reported total %d, read %d distinct records (%d received, %d re-reads)",
		describe(e.Source, e.Window), e.Kind, e.Total, e.Distinct, e.Read, e.Rereads)
}

// Unwrap returns the kind, so errors.Is(err, ErrShortfall) works.
func (e *IncompleteError) Unwrap() error { return e.Kind }

// Is makes every IncompleteError match ErrWindowIncomplete.
func (e *IncompleteError) Is(target error) bool { return target == ErrWindowIncomplete }

// Window statuses of a WindowReport (the windows table's status column).
const (
	WindowComplete    = "complete"
	WindowSplit       = "split" // unstable: read again as two halves (the rows at Depth+1)
	WindowShortfall   = "shortfall"
	WindowPageIgnored = "page_ignored"
	WindowEndless     = "endless_pages"
	WindowNoTotal     = "no_total"
	WindowUnstable    = "unstable"
	WindowFailed      = "failed" // the portal or the context failed the read
)

// WindowReport is what reading one window proved, for the record.
type WindowReport struct {
	Source     string
	Window     Window
	Depth      int    // halvings from the window asked for (0 = as asked)
	Total      int    // the portal's total in the last read (-1: none)
	Read       int    // records received over every read
	Distinct   int    // distinct records of the last read
	Rereads    int    // reads from page 1 after the first
	Pages      int    // page requests
	PageSize   int    // the page size the portal answered with (last read)
	Status     string // Window* constants
	Err        error  // why it failed (nil when complete or split)
	PortalTime time.Time
	// PortalTime is the latest HTTP Date the portal answered with (zero
	// when it sent none): the portal's own "now", which no watermark may pass.
}

// maxReads bounds the reads of one window (the first and the re-reads from
// page 1) before it is split (unstable) or fails (shortfall).
const maxReads = 3

// pager reads the pages of one source.
type pager struct {
	c        *Client
	source   string
	path     string
	base     url.Values
	pageSize int
	ids      recordIDs
	out      chan<- Page
}

// readResult is one read of a window from page 1.
type readResult struct {
	total, distinct, received, pages, pageSize int
	changed                                    string // non-empty: the total or the page size changed between pages
	portal                                     time.Time
}

// readWindow reads w until one read proves it complete, at most maxReads
// times. The records of every read are sent to out (a record sent twice is
// harmless downstream).
func (p *pager) readWindow(ctx context.Context, w Window, depth int) (WindowReport, error) {
	rep := WindowReport{Source: p.source, Window: w, Depth: depth, Total: -1}
	for read := 1; ; read++ {
		res, err := p.readOnce(ctx, w)
		rep.add(res)
		if err == nil {
			switch {
			case res.changed != "":
				err = ErrWindowUnstable
			case res.distinct < res.total:
				err = ErrShortfall
			default:
				rep.Status = WindowComplete
				return rep, nil
			}
			if read < maxReads {
				rep.Rereads++
				p.logReread(w, read, res, err)
				continue
			}
		}
		return rep, rep.fail(err)
	}
}

func (r *WindowReport) add(res readResult) {
	r.Total, r.Distinct, r.PageSize = res.total, res.distinct, res.pageSize
	r.Read += res.received
	r.Pages += res.pages
	if res.portal.After(r.PortalTime) {
		r.PortalTime = res.portal
	}
}

// fail records why the window failed and returns the error to report.
func (r *WindowReport) fail(err error) error {
	kinds := []struct {
		kind   error
		status string
	}{{ErrShortfall, WindowShortfall}, {ErrPageIgnored, WindowPageIgnored}, {ErrEndlessPages, WindowEndless},
		{ErrNoTotal, WindowNoTotal}, {ErrWindowUnstable, WindowUnstable}}
	r.Status, r.Err = WindowFailed, err
	for _, k := range kinds {
		if err == k.kind {
			r.Status = k.status
			r.Err = &IncompleteError{Source: r.Source, Window: r.Window, Kind: err, Total: r.Total,
				Distinct: r.Distinct, Read: r.Read, Rereads: r.Rereads}
		}
	}
	return r.Err
}

func (p *pager) logReread(w Window, read int, res readResult, why error) {
	ev := p.c.opts.Logger.Warn().Str("path", p.path).Str("window", w.String()).Int("reread", read).
		Int("total", res.total).Int("distinct", res.distinct)
	if res.changed != "" {
		ev.Str("change", res.changed).Msg("window changed while its pages were read; reading it again from page 1")
		return
	}
	ev.Err(why).Msg("window read fewer distinct records than its total; reading it again from page 1")
}

// readOnce reads w from page 1, paging by the page size the portal answered
// with, until the distinct records account for the total, a short page
// ends the data, or something proves the read cannot be trusted (a
// returned kind error, or res.changed).
func (p *pager) readOnce(ctx context.Context, w Window) (res readResult, _ error) {
	seen := make(map[uint64]struct{})
	size := p.pageSize
	res.total = -1
	for page := 1; ; page++ {
		body, err := p.fetch(ctx, w, page, size)
		if err != nil {
			return res, err
		}
		res.pages++
		res.received += len(body.Data)
		if body.servedAt.After(res.portal) {
			res.portal = body.servedAt
		}
		answered := size
		if body.PageSize > 0 {
			answered = body.PageSize
		}
		if page == 1 {
			res.total, size, res.pageSize = body.Total, answered, answered
		}
		if err := p.send(ctx, w, page, body); err != nil {
			return res, err
		}
		if res.total < 0 {
			return res, ErrNoTotal
		}
		if res.changed = changeOf(res.total, size, page, body, answered); res.changed != "" {
			return res, nil
		}
		fresh := p.addIDs(seen, body)
		res.distinct = len(seen)
		switch {
		case page > 1 && (body.Page > 0 && body.Page != page || len(body.Data) > 0 && fresh == 0):
			return res, ErrPageIgnored
		case res.distinct >= res.total, len(body.Data) < size:
			return res, nil
		case page >= pagesFor(res.total, size)+2:
			return res, ErrEndlessPages
		}
	}
}

// changeOf says what changed on this page against page 1 ("" = nothing).
func changeOf(total, size, page int, body *pageBody, answered int) string {
	switch {
	case body.Total != total:
		return fmt.Sprintf("total %d on page 1, %d on page %d", total, body.Total, page)
	case answered != size:
		return fmt.Sprintf("page_size %d on page 1, %d on page %d", size, answered, page)
	}
	return ""
}

func pagesFor(total, size int) int { return (total + size - 1) / size }

// addIDs adds the page's record identities to seen and returns how many
// were new.
func (p *pager) addIDs(seen map[uint64]struct{}, body *pageBody) int {
	n := len(seen)
	for _, r := range body.Data {
		seen[p.ids.id(r)] = struct{}{}
	}
	return len(seen) - n
}

func (p *pager) fetch(ctx context.Context, w Window, page, size int) (*pageBody, error) {
	q := url.Values{"page": {strconv.Itoa(page)}, "page_size": {strconv.Itoa(size)}}
	for k, v := range p.base {
		q[k] = v
	}
	var body pageBody
	if err := p.c.getPage(ctx, p.path, q, &body); err != nil {
		return nil, fmt.Errorf("read %s page %d: %w", describe(p.source, w), page, err)
	}
	return &body, nil
}

// send passes the page's records on, blocking while out is full (the
// back-pressure that keeps memory flat).
func (p *pager) send(ctx context.Context, w Window, page int, body *pageBody) error {
	if len(body.Data) == 0 {
		return nil
	}
	select {
	case p.out <- Page{Source: p.source, Window: w, Number: page, Total: body.Total, Records: body.Data}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// describe names a source's window in errors ("dossiers window …").
func describe(source string, w Window) string {
	if w.From.IsZero() && w.To.IsZero() {
		return source
	}
	return source + " window " + w.String()
}
