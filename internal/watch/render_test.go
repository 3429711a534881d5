package watch

import (
	"bytes"
	"flag"
	"strings"
	"testing"
	"time"

	"github.com/dvcindex/dvcindex/internal/golden"
	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// fixture is a watch of two units: Bồng Sơn with an item of every kind, and
// the district with one.
func fixture() load.WatchResult {
	loc := transform.HoChiMinh()
	asOf := time.Date(2024, 5, 10, 17, 0, 0, 0, loc)
	at := func(d time.Duration) *time.Time { t := asOf.Add(d); return &t }
	return load.WatchResult{
		WatchID: "watch-2024-Q2-1", Period: "2024-Q2", AsOf: asOf,
		Units: []transform.ScopeUnit{{Code: "21640", Name: "Bồng Sơn"}, {Code: "543", Name: "Hoài Nhơn"}},
		Items: []load.AtRiskItem{
			{Unit: "21640", ItemKind: "dossier", ItemID: "000.21.40.H08-240510-0001", Rule: "due_soon", Metric: "ON_TIME", Indicator: "progress",
				Kind: "recoverable", Procedure: "1.001234", Deadline: at(7 * time.Hour), HoursLeft: 7, Points: 0.12,
				Detail: "Sắp đến hạn trả kết quả (11/05/2024 00:00): giải quyết xong trước hạn để hồ sơ không bị tính trễ hạn"},
			{Unit: "21640", ItemKind: "petition", ItemID: "PAKN-7", Rule: "petition_due_soon", Metric: "PETITION_PROCESSING_ON_TIME",
				Indicator: "satisfaction", Kind: "recoverable", Deadline: at(40 * time.Hour), HoursLeft: 40, Points: 0.5, Detail: "Phản ánh | sắp đến hạn"},
			{Unit: "21640", ItemKind: "dossier", ItemID: "000.21.40.H08-240401-0002", Rule: "second_supplement", Metric: "ON_TIME",
				Indicator: "progress", Kind: "threat", Deadline: at(2000 * time.Hour), HoursLeft: 2000, Points: 0.1, Detail: "Đã yêu cầu bổ sung một lần"},
			{Unit: "21640", ItemKind: "dossier", ItemID: "000.21.40.H08-240402-0003", Rule: "overdue", Metric: "ON_TIME", Indicator: "progress",
				Kind: "lost", Deadline: at(-30 * time.Hour), HoursLeft: -30, Points: 0.1, Detail: "Đã quá hạn"},
			{Unit: "21640", ItemKind: "dossier", ItemID: "000.21.40.H08-240403-0004", Rule: "step_unsynced", Metric: "DOSSIER_SYNC",
				Indicator: "transparency", Kind: "risk", HoursLeft: 1230, Detail: "1 bước xử lý chưa đồng bộ"},
			{Unit: "543", ItemKind: "dossier", ItemID: "000.21.40.H08-240510-0001", Rule: "due_soon", Metric: "ON_TIME", Indicator: "progress",
				Kind: "recoverable", Deadline: at(7 * time.Hour), HoursLeft: 7, Points: 0.01, Detail: "Sắp đến hạn"},
		},
		Scores: []load.AtRiskScore{
			{Unit: "21640", Indicator: "total", Secured: 70.25, IfDone: 70.87, Lost: 0.1, Max: 100},
			{Unit: "21640", Indicator: "progress", Secured: 15, IfDone: 15.12, Lost: 0.1, Max: 20},
			{Unit: "21640", Indicator: "satisfaction", Secured: 16, IfDone: 16.5, Max: 18},
			{Unit: "543", Indicator: "total", Secured: 80, IfDone: 80.01, Max: 100},
		},
	}
}

// TestDigestRenderings pins the table, Markdown, CSV and JSON of the
// fixture's digests (golden files, -update to rewrite and then read them).
func TestDigestRenderings(t *testing.T) {
	ds := Digests(fixture(), nil)
	if len(ds) != 2 || ds[0].UnitCode != "21640" || ds[1].UnitCode != "543" {
		t.Fatalf("digests: %+v", ds)
	}
	d := ds[0]
	if len(d.Act) != 2 || len(d.Threats) != 1 || len(d.Lost) != 1 || len(d.Risks) != 1 || d.AtStake != 0.62 || d.LostPoints != 0.1 {
		t.Fatalf("Bồng Sơn's digest: act %d threats %d lost %d risks %d at stake %v lost %v", len(d.Act), len(d.Threats), len(d.Lost),
			len(d.Risks), d.AtStake, d.LostPoints)
	}
	var table, table1, md, csv, js bytes.Buffer
	for _, step := range []func() error{
		func() error { return WriteTable(&table, d, 0) },
		func() error { return WriteTable(&table1, d, 1) },
		func() error { return WriteMarkdown(&md, d) },
		func() error { return WriteCSV(&csv, d) },
		func() error { return WriteJSON(&js, ds) },
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	golden.Check(t, "digest-table.txt", table.Bytes(), *update)
	golden.Check(t, "digest-table-top1.txt", table1.Bytes(), *update)
	golden.Check(t, "digest.md", md.Bytes(), *update)
	golden.Check(t, "digest.csv", csv.Bytes(), *update)
	golden.Check(t, "digests.json", js.Bytes(), *update)
	if !strings.Contains(md.String(), `Phản ánh \| sắp đến hạn`) {
		t.Error("a | in a detail is not escaped in Markdown")
	}
	if !strings.Contains(table1.String(), "… và 1 mục nữa") {
		t.Error("the cut table does not say how many items it left out")
	}
}

// TestDigestsOnly keeps the units asked for.
func TestDigestsOnly(t *testing.T) {
	ds := Digests(fixture(), []string{"543"})
	if len(ds) != 1 || ds[0].UnitCode != "543" || ds[0].UnitName != "Hoài Nhơn" || len(ds[0].Act) != 1 {
		t.Fatalf("digests: %+v", ds)
	}
}
