package load

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"

	"github.com/dvcindex/dvcindex/transform"
)

// The archive (migration 0012): raw_pages holds every page a sync read,
// scrubbed. The Writer sends a page's archive row before any normalized
// row of the same batch, so an acknowledged normalized row always has its
// page archived; the watermark waits for both.

const (
	insertRawPagesSQL = `INSERT INTO {db}.raw_pages (fetched_at, source, run_id, request, window_from, window_to, page,
total, records, body)`
	archivedRunsSQL = `SELECT run_id, min(fetched_at) AS first, max(fetched_at) AS last, count() AS pages, sum(records) AS n
FROM {db}.raw_pages
WHERE source = @source AND toInt64(toUInt32(window_to)) > @from AND toInt64(toUInt32(window_from)) < @to
GROUP BY run_id
ORDER BY first, run_id`
	archivedPagesSQL = `SELECT fetched_at, request, window_from, window_to, page, total, records, body
FROM {db}.raw_pages
WHERE source = @source AND run_id = @run AND toInt64(toUInt32(window_to)) > @from AND toInt64(toUInt32(window_from)) < @to
ORDER BY fetched_at, request, page`
	// The months of the archive (its partitions: toYYYYMM(fetched_at)),
	// read from the table rather than system.parts, which on a cluster
	// knows only the parts of the node asked.
	archiveMonthsSQL = `SELECT DISTINCT toUInt32(toYYYYMM(fetched_at)) AS month FROM {db}.raw_pages`
)

// archivePagesPerBlock is how many archived pages one block read carries.
const archivePagesPerBlock = 4

// maxRawPagesBuffered is how many archive pages a Writer holds before it
// sends them on their own: a page carries up to portal.page_size records.
const maxRawPagesBuffered = 8

// RawPage is one page as the archive stores it.
type RawPage struct {
	FetchedAt time.Time
	Source    string
	Request   string    // the window "[from, to)", the key (unit/period) or the file
	From, To  time.Time // the window; zero when the source is not windowed
	Page      int
	Total     int    // the response's total; -1 when it has none
	Records   int    // lines of Body
	Body      []byte // the scrubbed records, one JSON object per line
}

// AddRawPage buffers an archive page. It is sent before the normalized
// rows buffered with it (Flush, flushSteps), and on its own when
// maxRawPagesBuffered pages wait.
func (w *Writer) AddRawPage(ctx context.Context, p RawPage) error {
	w.raw = append(w.raw, p)
	if len(w.raw) >= maxRawPagesBuffered {
		return w.flushRaw(ctx)
	}
	return nil
}

// flushRaw sends the buffered archive pages.
func (w *Writer) flushRaw(ctx context.Context) error {
	n := len(w.raw)
	if n == 0 {
		return nil
	}
	w.stats.Batches++
	err := w.s.insertRows(ctx, w.log, insertRawPagesSQL, n, func(i int) []any {
		p := &w.raw[i]
		return []any{p.FetchedAt, p.Source, w.runID, p.Request, epochIfZero(p.From), epochIfZero(p.To), uint32(p.Page),
			int64(p.Total), uint32(p.Records), string(p.Body)}
	})
	if err != nil {
		return fmt.Errorf("load raw_pages batch %d (%d pages): %w", w.stats.Batches, n, err)
	}
	w.stats.RawPages += uint64(n)
	clear(w.raw)
	w.raw = w.raw[:0]
	return nil
}

// archiveFrom is the lower bound (Unix seconds) of an archive query: from,
// or for the zero time a bound below the window [0, 0) of unwindowed
// sources.
func archiveFrom(from time.Time) int64 {
	if from.IsZero() {
		return -1
	}
	return from.Unix()
}

// archiveTo is the upper bound (Unix seconds): to, or for the zero time
// past any DateTime.
func archiveTo(to time.Time) int64 {
	if to.IsZero() {
		return 1 << 33
	}
	return to.Unix()
}

func epochIfZero(t time.Time) time.Time {
	if t.IsZero() {
		return time.Unix(0, 0)
	}
	return t
}

// ArchivedRun is one run's pages in the archive.
type ArchivedRun struct {
	RunID       string
	First, Last time.Time // fetched_at of its first and last page
	Pages       uint64
	Records     uint64
}

// ArchivedRuns lists, in fetch order, the runs that archived pages of
// source whose window overlaps [from, to). A source without windows
// archives pages with the window [0, 0); pass from = the zero time to
// include them.
func (s *Store) ArchivedRuns(ctx context.Context, source string, from, to time.Time) ([]ArchivedRun, error) {
	rows, err := s.conn.Query(ctx, s.SQL(archivedRunsSQL), clickhouse.Named("source", source),
		clickhouse.Named("from", archiveFrom(from)), clickhouse.Named("to", archiveTo(to)))
	if err != nil {
		return nil, fmt.Errorf("list the archived runs of %s: %w", source, err)
	}
	defer rows.Close()
	var out []ArchivedRun
	for rows.Next() {
		var r ArchivedRun
		if err := rows.Scan(&r.RunID, &r.First, &r.Last, &r.Pages, &r.Records); err != nil {
			return nil, fmt.Errorf("list the archived runs of %s: %w", source, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ArchivedPages streams, in fetch order, the archived pages of one run of
// source whose window overlaps [from, to), handing each to fn; fn's error
// stops the stream and is returned.
func (s *Store) ArchivedPages(ctx context.Context, source, runID string, from, to time.Time, fn func(RawPage) error) error {
	// A page is megabytes: small blocks keep the reader's buffers small.
	ctx = clickhouse.Context(ctx, clickhouse.WithSettings(clickhouse.Settings{"max_block_size": archivePagesPerBlock}))
	rows, err := s.conn.Query(ctx, s.SQL(archivedPagesSQL), clickhouse.Named("source", source), clickhouse.Named("run", runID),
		clickhouse.Named("from", archiveFrom(from)), clickhouse.Named("to", archiveTo(to)))
	if err != nil {
		return fmt.Errorf("read the archived pages of run %s: %w", runID, err)
	}
	defer rows.Close()
	for rows.Next() {
		p := RawPage{Source: source}
		var page, records uint32
		var total int64
		var body string
		if err := rows.Scan(&p.FetchedAt, &p.Request, &p.From, &p.To, &page, &total, &records, &body); err != nil {
			return fmt.Errorf("read the archived pages of run %s: %w", runID, err)
		}
		p.Page, p.Total, p.Records, p.Body = int(page), int(total), int(records), []byte(body)
		if err := fn(p); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Lines splits an archived body into its records.
func (p RawPage) Lines() [][]byte {
	if len(p.Body) == 0 {
		return nil
	}
	out := make([][]byte, 0, p.Records)
	for _, l := range bytes.Split(p.Body, []byte("\n")) {
		if len(l) > 0 {
			out = append(out, l)
		}
	}
	return out
}

// DropArchiveBefore drops the archive's months that end before cutoff
// (archive.keep): whole partitions, so a month goes once all of it is
// older than the retention. It returns the months dropped.
func (s *Store) DropArchiveBefore(ctx context.Context, cutoff time.Time) ([]int, error) {
	rows, err := s.conn.Query(ctx, s.SQL(archiveMonthsSQL))
	if err != nil {
		return nil, fmt.Errorf("list the archive's months: %w", err)
	}
	var months []int
	for rows.Next() {
		var m uint32
		if err := rows.Scan(&m); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list the archive's months: %w", err)
		}
		months = append(months, int(m))
	}
	rows.Close()
	c := cutoff.In(transform.HoChiMinh())
	current := c.Year()*100 + int(c.Month())
	var dropped []int
	for _, m := range months {
		if m >= current {
			continue // the month holding the cutoff still has pages to keep
		}
		stmt, err := s.sql.DropMonthPartition("raw_pages", m)
		if err == nil {
			err = s.conn.Exec(ctx, stmt)
		}
		if err != nil {
			return dropped, fmt.Errorf("drop archive month %d: %w", m, err)
		}
		dropped = append(dropped, m)
	}
	return dropped, nil
}
