package extract

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
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
	PageSize int    // asked for; the portal's answer (page_size) is what pages are read by
	Location *time.Location
	// Key names the fields that identify a record (the API's sort key, e.g.
	// NgayCapNhat and MaHoSo), to count the distinct records of a window. A
	// record lacking one is identified by its bytes; no Key, the same.
	Key []string
	// MinWindow is the shortest span an unstable window is split down to
	// (halves); 0 never splits: an unstable window fails.
	MinWindow time.Duration
	// Report, if set, is told what each window read proved (one call per
	// window and per half of a split window), from the Stream goroutine.
	Report func(WindowReport)
}

type pageBody struct {
	envelope
	Page     int               `json:"page"`
	PageSize int               `json:"page_size"`
	Total    int               `json:"total"` // -1 when the portal sent none (getPage)
	Data     []json.RawMessage `json:"data"`
	servedAt time.Time         // the response's HTTP Date (zero: none)
}

// Stream reads every page of window w and sends each to out, in order,
// blocking when out is full (that is the back-pressure that keeps memory
// flat). It returns nil only when the window was proved complete (see
// complete.go): one read, under one stable total, produced as many distinct
// records as the portal's total, paging by the page size the portal answered
// with. A window whose total changes while it is read is read again from
// page 1 (offset paging over a list that loses a record skips the record
// that crosses a page boundary; a closed window can only lose records, the
// updated one is read by the window that holds its new NgayCapNhat); one
// that changes on every read is split in halves down to MinWindow. Anything
// else fails with an error matching ErrWindowIncomplete. Records are sent as
// they are read, so a failed window may have sent some: they are idempotent
// downstream. It does not close out.
func (s *Windowed) Stream(ctx context.Context, w Window, out chan<- Page) error {
	loc := s.Location
	if loc == nil {
		loc = time.Local
	}
	p := &pager{c: s.Client, source: s.Source, path: s.Path, pageSize: s.PageSize, ids: newRecordIDs(s.Key), out: out}
	return s.stream(ctx, p, w, 0, loc)
}

// stream reads w, splitting it while it is unstable and long enough.
func (s *Windowed) stream(ctx context.Context, p *pager, w Window, depth int, loc *time.Location) error {
	p.base = url.Values{
		"updated_from": {w.From.In(loc).Format(TimeLayout)},
		"updated_to":   {w.To.In(loc).Format(TimeLayout)},
	}
	rep, err := p.readWindow(ctx, w, depth)
	if errors.Is(err, ErrWindowUnstable) {
		if a, b, ok := w.halves(s.MinWindow); ok {
			rep.Status, rep.Err = WindowSplit, nil
			s.report(rep)
			s.Client.opts.Logger.Warn().Str("path", s.Path).Str("window", w.String()).Int("depth", depth+1).
				Int("total", rep.Total).Msg("window changed on every read; reading it as two halves")
			if err := s.stream(ctx, p, a, depth+1, loc); err != nil {
				return err
			}
			return s.stream(ctx, p, b, depth+1, loc)
		}
	}
	s.report(rep)
	return err
}

func (s *Windowed) report(r WindowReport) {
	if s.Report != nil {
		s.Report(r)
	}
}

// halves splits w at its middle (whole seconds: the portal's dates have
// seconds); ok is false when a half would be shorter than min (or min ≤ 0).
func (w Window) halves(min time.Duration) (a, b Window, ok bool) {
	half := (w.To.Sub(w.From) / 2).Truncate(time.Second)
	if min <= 0 || half < min || half <= 0 {
		return w, w, false
	}
	mid := w.From.Add(half)
	return Window{From: w.From, To: mid}, Window{From: mid, To: w.To}, true
}

// Snapshot is a source read whole each time, by pages, without a window
// (the procedure catalogue).
type Snapshot struct {
	Client   *Client
	Source   string
	Path     string
	PageSize int
	Key      []string // see Windowed.Key
}

// Stream reads every page and sends each to out; like Windowed.Stream it
// returns nil only when the distinct records read account for the total.
func (s *Snapshot) Stream(ctx context.Context, out chan<- Page) error {
	p := &pager{c: s.Client, source: s.Source, path: s.Path, pageSize: s.PageSize, ids: newRecordIDs(s.Key), out: out}
	_, err := p.readWindow(ctx, Window{}, 0)
	return err
}
