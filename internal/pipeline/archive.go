package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/dvcindex/dvcindex/extract"
	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
)

// archiver turns what a source read into archive pages (raw_pages) and
// counts the keys of every record (drift.go). Its records are scrubbed
// with the source's allow-list (transform.Pseudonymizer.ScrubRecord), so
// the archive never holds a clear personal value. It is safe for
// concurrent use: every call builds its own page and shape.
type archiver struct {
	source string
	scrub  *transform.Pseudonymizer // nil: values outside the allow-list are Dropped
	now    func() time.Time
}

// newArchiver is the archiver of a source's runs.
func (e *Engine) newArchiver(source string) *archiver {
	return &archiver{source: source, scrub: e.scrubber(), now: e.now}
}

// page archives records read under request, counting their shape into sh.
func (a *archiver) page(request string, w extract.Window, number, total int, records [][]byte, sh *shape) load.RawPage {
	var body bytes.Buffer
	size := 0
	for _, raw := range records {
		size += len(raw) + len(raw)/2 + 1 // hashes are longer than most values they replace
	}
	body.Grow(size)
	for _, raw := range records {
		sh.records++
		a.scrub.ScrubRecordTo(&body, a.source, raw, sh.visit)
		body.WriteByte('\n')
	}
	return load.RawPage{FetchedAt: a.now(), Source: a.source, Request: request, From: w.From, To: w.To, Page: number,
		Total: total, Records: len(records), Body: body.Bytes()}
}

// windowPage archives one page of a windowed read.
func (a *archiver) windowPage(p extract.Page, sh *shape) load.RawPage {
	return a.page(p.Window.String(), p.Window, p.Number, p.Total, rawRecords(p.Records), sh)
}

// rawRecords is a page's records as byte slices.
func rawRecords[T ~[]byte](in []T) [][]byte {
	out := make([][]byte, len(in))
	for i, r := range in {
		out[i] = r
	}
	return out
}

// writeArchive sends archive pages through a writer of the run and flushes
// them: the keyed and snapshot sources archive what they read before they
// write the rows derived from it.
func (r *run) writeArchive(ctx context.Context, pages []load.RawPage) error {
	if len(pages) == 0 {
		return nil
	}
	if err := r.write(ctx, func(w *load.Writer) error {
		for _, p := range pages {
			if err := w.AddRawPage(ctx, p); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	return nil
}
