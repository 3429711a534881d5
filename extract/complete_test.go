package extract

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// quirkPortal serves n records, record i updated at second 4·i (UTC), with
// the quirks a real portal shows. Pages are slices of the window's list by
// the page size it answers with.
type quirkPortal struct {
	n            int
	capSize      int  // serve at most this many records per page
	reportAsked  bool // with capSize: claim the asked page_size (a lie)
	ignorePage   bool // always serve page 1
	echoAsked    bool // with ignorePage: answer with the asked page number
	extraTotal   int  // report this many records more than there are
	noTotal      bool
	dup          bool // a page ≥ 2 also carries the previous page's last record first
	pageIsOffset bool // "page" read as a record offset: pages overlap
	mutateOnce   bool // one record leaves the window when its page 2 is first asked
	busyOver     int  // a window of more records: its total changes with every page ≥ 2 asked
	date         string

	mu      sync.Mutex
	mutated bool
	busy    map[string]int // page ≥ 2 requests per busy window
}

func (q *quirkPortal) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if q.date != "" {
		w.Header().Set("Date", q.date)
	}
	if r.URL.Path == "/api/v1/auth/token" {
		fmt.Fprint(w, `{"error_code":"0","access_token":"t","expires_in":3600}`)
		return
	}
	v := r.URL.Query()
	page, _ := strconv.Atoi(v.Get("page"))
	size, _ := strconv.Atoi(v.Get("page_size"))
	list, extra := q.window(v.Get("updated_from"), v.Get("updated_to"), page)
	answered := size
	if q.capSize > 0 && size > q.capSize {
		size = q.capSize
		if !q.reportAsked {
			answered = size
		}
	}
	served := page
	if q.ignorePage {
		served = 1
	}
	lo := (served - 1) * size
	if q.pageIsOffset {
		lo = served - 1
	}
	lo = min(lo, len(list))
	hi := min(lo+size, len(list))
	recs := list[lo:hi]
	if q.dup && served >= 2 && lo > 0 {
		recs = append([]string{list[lo-1]}, recs...)
	}
	if q.ignorePage && !q.echoAsked {
		page = 1
	}
	total := `,"total":` + strconv.Itoa(len(list)+q.extraTotal+extra)
	if q.noTotal {
		total = ""
	}
	fmt.Fprintf(w, `{"error_code":"0","message":"","page":%d,"page_size":%d%s,"data":[%s]}`, page, answered, total, strings.Join(recs, ","))
}

// window lists the records of [from, to) as served now.
func (q *quirkPortal) window(from, to string, page int) (list []string, extraTotal int) {
	f, _ := time.Parse(TimeLayout, from)
	t, _ := time.Parse(TimeLayout, to)
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.mutateOnce && !q.mutated {
		if page >= 2 {
			q.mutated = true
		} else {
			list = append(list, record("OLD", f))
		}
	}
	for i := 0; i < q.n; i++ {
		at := time.Unix(int64(4*i), 0).UTC()
		if !at.Before(f) && at.Before(t) {
			list = append(list, record(fmt.Sprintf("D%03d", i), at))
		}
	}
	if q.busyOver > 0 && len(list) > q.busyOver {
		if q.busy == nil {
			q.busy = map[string]int{}
		}
		if page >= 2 {
			q.busy[from+to]++
		}
		extraTotal = q.busy[from+to]
	}
	return list, extraTotal
}

func record(id string, at time.Time) string {
	return fmt.Sprintf(`{"MaHoSo":%q,"NgayCapNhat":%q}`, id, at.Format(TimeLayout))
}

// streamQuirks reads [0, 4n s) from q; it returns the ids seen, the
// reports and the error.
func streamQuirks(t *testing.T, q *quirkPortal, pageSize int, minWindow time.Duration) (map[string]bool, []WindowReport, error) {
	t.Helper()
	srv := httptest.NewServer(q)
	t.Cleanup(srv.Close)
	var reports []WindowReport
	src := &Windowed{Client: New(Options{BaseURL: srv.URL}), Source: "dossiers", Path: "/api/v1/dossiers",
		PageSize: pageSize, Location: time.UTC, Key: []string{"NgayCapNhat", "MaHoSo"}, MinWindow: minWindow,
		Report: func(r WindowReport) { reports = append(reports, r) }}
	out := make(chan Page, 1000)
	err := src.Stream(context.Background(), Window{From: time.Unix(0, 0), To: time.Unix(int64(4*q.n), 0)}, out)
	close(out)
	seen := map[string]bool{}
	for p := range out {
		for _, r := range p.Records {
			var d struct{ MaHoSo string }
			if err := json.Unmarshal(r, &d); err != nil {
				t.Fatal(err)
			}
			seen[d.MaHoSo] = true
		}
	}
	return seen, reports, err
}

func TestWindowProvedCompleteOrFails(t *testing.T) {
	tests := []struct {
		name      string
		q         *quirkPortal
		minWindow time.Duration
		wantErr   error    // nil: every record seen, last report complete
		inErr     []string // substrings of the error message
		statuses  string   // statuses of the reports, in order
		rereads   int      // of the last report
	}{
		{name: "honest", q: &quirkPortal{n: 23}, statuses: "complete"},
		{name: "exact pages", q: &quirkPortal{n: 20}, statuses: "complete"},
		{name: "page size capped and said", q: &quirkPortal{n: 23, capSize: 4}, statuses: "complete"},
		{name: "duplicates across pages", q: &quirkPortal{n: 23, dup: true}, statuses: "complete"},
		{name: "page read as a record offset", q: &quirkPortal{n: 23, pageIsOffset: true},
			wantErr: ErrEndlessPages, statuses: "endless_pages", inErr: []string{"total 23"}},
		{name: "record updated while read", q: &quirkPortal{n: 23, mutateOnce: true}, statuses: "complete", rereads: 1},
		{name: "page size capped and hidden", q: &quirkPortal{n: 23, capSize: 4, reportAsked: true},
			wantErr: ErrShortfall, statuses: "shortfall", rereads: 2,
			inErr: []string{"dossiers window 1970-01-01T00:00:00Z/1970-01-01T00:01:32Z", "total 23", "read 4 distinct", "2 re-reads"}},
		{name: "total lies", q: &quirkPortal{n: 23, extraTotal: 3}, wantErr: ErrShortfall, statuses: "shortfall", rereads: 2,
			inErr: []string{"total 26", "read 23 distinct", "69 received"}},
		{name: "page ignored, says page 1", q: &quirkPortal{n: 23, ignorePage: true}, wantErr: ErrPageIgnored,
			statuses: "page_ignored", inErr: []string{"total 23", "read 10 distinct"}},
		{name: "page ignored, echoes the page asked", q: &quirkPortal{n: 23, ignorePage: true, echoAsked: true},
			wantErr: ErrPageIgnored, statuses: "page_ignored"},
		{name: "no total", q: &quirkPortal{n: 23, noTotal: true}, wantErr: ErrNoTotal, statuses: "no_total"},
		{name: "unstable, no split", q: &quirkPortal{n: 23, busyOver: 10}, wantErr: ErrWindowUnstable,
			statuses: "unstable", rereads: 2, inErr: []string{"kept changing"}},
		{name: "unstable, split to one-page halves", q: &quirkPortal{n: 23, busyOver: 10}, minWindow: time.Second,
			statuses: "split split complete complete split complete complete"},
		{name: "unstable, halves too short", q: &quirkPortal{n: 23, busyOver: 10}, minWindow: 30 * time.Second,
			wantErr: ErrWindowUnstable, statuses: "split unstable", rereads: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen, reports, err := streamQuirks(t, tt.q, 10, tt.minWindow)
			var statuses []string
			for _, r := range reports {
				statuses = append(statuses, r.Status)
			}
			if got := strings.Join(statuses, " "); got != tt.statuses {
				t.Errorf("statuses %q, want %q", got, tt.statuses)
			}
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				for i := 0; i < tt.q.n; i++ {
					if id := fmt.Sprintf("D%03d", i); !seen[id] {
						t.Errorf("record %s lost", id)
					}
				}
			} else {
				var ie *IncompleteError
				if !errors.Is(err, tt.wantErr) || !errors.Is(err, ErrWindowIncomplete) || !errors.As(err, &ie) {
					t.Fatalf("err = %v, want an IncompleteError of %v", err, tt.wantErr)
				}
				for _, s := range tt.inErr {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("error %q lacks %q", err, s)
					}
				}
			}
			if last := reports[len(reports)-1]; last.Rereads != tt.rereads {
				t.Errorf("last window: %d re-reads, want %d", last.Rereads, tt.rereads)
			}
		})
	}
}

// TestWindowReportCounts: what a window read proved is reported: the
// total, the records received and distinct, the pages, the page size the
// portal answered with and its clock.
func TestWindowReportCounts(t *testing.T) {
	date := "Mon, 01 Sep 2025 10:00:00 GMT"
	_, reports, err := streamQuirks(t, &quirkPortal{n: 23, capSize: 4, dup: true, date: date}, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	r := reports[0]
	want := WindowReport{Source: "dossiers", Window: r.Window, Total: 23, Read: 28, Distinct: 23, Pages: 6, PageSize: 4,
		Status: WindowComplete, PortalTime: time.Date(2025, 9, 1, 10, 0, 0, 0, time.UTC)}
	if fmt.Sprint(r) != fmt.Sprint(want) || !r.PortalTime.Equal(want.PortalTime) {
		t.Errorf("report\n%+v\nwant\n%+v", r, want)
	}
}
