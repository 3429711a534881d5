package extract

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"
)

// TimeLayout is the portal's query date format (yyyyMMddHHmmss, local time).
const TimeLayout = "20060102150405"

// Window is a closed, half-open interval [From, To) on a source's cursor
// (NgayCapNhat). A window is "closed" when To ≤ now − safety lag: nothing can
// still be written into it, so reading it once is enough.
type Window struct {
	From, To time.Time
}

func (w Window) String() string {
	return w.From.Format(time.RFC3339) + "/" + w.To.Format(time.RFC3339)
}

// PlanWindows splits [from, to) into consecutive windows of at most step.
func PlanWindows(from, to time.Time, step time.Duration) []Window {
	var out []Window
	for cur := from; cur.Before(to); {
		next := cur.Add(step)
		if next.After(to) {
			next = to
		}
		out = append(out, Window{From: cur, To: next})
		cur = next
	}
	return out
}

// IncrementalWindow computes the window of an incremental run: from the
// watermark minus lookback (records updated while the previous run was
// reading its pages are re-read) up to now minus the safety lag.
// ok is false when there is nothing to read yet.
func IncrementalWindow(watermark time.Time, lookback, safetyLag time.Duration, now time.Time) (w Window, ok bool) {
	w = Window{From: watermark.Add(-lookback), To: now.Add(-safetyLag).Truncate(time.Second)}
	return w, w.From.Before(w.To)
}

// Page is one page of raw records, in the order the portal served them.
// Records are undecoded JSON objects; the consumer owns them.
type Page struct {
	Source  string
	Window  Window
	Number  int // from 1
	Total   int // the portal's total for the window when this page was read
	Records []json.RawMessage
}

// Windowed is a source read by windows on its update cursor and pages
// (dossiers, petitions).
type Windowed struct {
	Client   *Client
	Source   string // name, e.g. "dossiers"
	Path     string // e.g. "/api/v1/dossiers"
	PageSize int    // ≤ 1000
	Location *time.Location
}

type pageBody struct {
	envelope
	Page     int               `json:"page"`
	PageSize int               `json:"page_size"`
	Total    int               `json:"total"`
	Data     []json.RawMessage `json:"data"`
}

// Stream reads every page of window w and sends each to out, in order,
// blocking when out is full (that is the back-pressure that keeps memory
// flat). It returns after the last page was sent, or with the first error.
// It does not close out. The same record on two pages, or a page shorter
// than the total suggests, is harmless: records are idempotent downstream and
// anything updated while pages are read is caught by the next run's lookback.
func (s *Windowed) Stream(ctx context.Context, w Window, out chan<- Page) error {
	loc := s.Location
	if loc == nil {
		loc = time.Local
	}
	q := url.Values{
		"updated_from": {w.From.In(loc).Format(TimeLayout)},
		"updated_to":   {w.To.In(loc).Format(TimeLayout)},
	}
	return streamPages(ctx, s.Client, s.Source, s.Path, s.PageSize, q, w, out)
}

// Snapshot is a source read whole each time, by pages, without a window
// (the procedure catalogue).
type Snapshot struct {
	Client   *Client
	Source   string
	Path     string
	PageSize int
}

// Stream reads every page and sends each to out; see Windowed.Stream.
func (s *Snapshot) Stream(ctx context.Context, out chan<- Page) error {
	return streamPages(ctx, s.Client, s.Source, s.Path, s.PageSize, url.Values{}, Window{}, out)
}

// maxRereads bounds how often one window is read again from page 1 because
// it changed while its pages were being read.
const maxRereads = 5

// ErrWindowUnstable means a window kept changing under its reader through
// every re-read; the run fails and its watermark stays where it was.
var ErrWindowUnstable = errors.New("window kept changing while its pages were read")

// streamPages is the paging loop of every paged source: pages from 1 until a
// short page.
//
// Offset paging over a list that changes loses records: when a record of the
// window is updated while its pages are read, its new NgayCapNhat moves it
// out of the (closed) window, every later record moves up one place, and the
// record that crosses the page boundary is never served. A closed window can
// only lose records this way (nothing new can be written into it), and the
// portal's total shrinks when it happens. So when a page reports a total
// different from the first page's, the window is read again from page 1:
// what was already sent is harmless to send twice (the latest version wins
// downstream), and the updated record itself is read by the window that now
// holds its new NgayCapNhat (a later window or the next run's lookback).
func streamPages(ctx context.Context, c *Client, source, path string, pageSize int, base url.Values, w Window, out chan<- Page) error {
	what := source
	if !w.From.IsZero() {
		what += " window " + w.String()
	}
	for read := 0; ; read++ {
		changed, err := streamOnce(ctx, c, source, path, pageSize, base, w, what, out)
		if err != nil || changed == "" {
			return err
		}
		if read >= maxRereads {
			return fmt.Errorf("read %s: %w (%s; %d reads)", what, ErrWindowUnstable, changed, read+1)
		}
		c.opts.Logger.Warn().Str("path", path).Str("window", w.String()).Int("reread", read+1).Str("change", changed).
			Msg("window changed while its pages were read; reading it again from page 1")
	}
}

// streamOnce reads the window's pages once. changed is non-empty when the
// portal's total changed between pages.
func streamOnce(ctx context.Context, c *Client, source, path string, pageSize int, base url.Values, w Window, what string, out chan<- Page) (changed string, _ error) {
	firstTotal := -1
	for page := 1; ; page++ {
		q := url.Values{"page": {strconv.Itoa(page)}, "page_size": {strconv.Itoa(pageSize)}}
		for k, v := range base {
			q[k] = v
		}
		var body pageBody
		if err := c.getPage(ctx, path, q, &body); err != nil {
			return "", fmt.Errorf("read %s page %d: %w", what, page, err)
		}
		if firstTotal < 0 {
			firstTotal = body.Total
		}
		if len(body.Data) > 0 {
			select {
			case out <- Page{Source: source, Window: w, Number: page, Total: body.Total, Records: body.Data}:
			case <-ctx.Done():
				return "", ctx.Err()
			}
		}
		if body.Total != firstTotal {
			return fmt.Sprintf("total %d on page 1, %d on page %d", firstTotal, body.Total, page), nil
		}
		// The end is a short page, not the total: a page may carry a
		// record twice or the total may be approximate.
		if len(body.Data) < pageSize {
			return "", nil
		}
	}
}
