package simulator

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/dvcindex/dvcindex/transform"
	"github.com/dvcindex/dvcindex/transform/refdata"
)

// songCau loads the second shipped province (units-song-cau.csv) through
// the pipeline's own loader.
func songCau(t testing.TB) *transform.Units {
	t.Helper()
	u, err := transform.LoadUnits(refdata.UnitsSongCauCSV, refdata.AgenciesSongCauCSV)
	if err != nil {
		t.Fatalf("LoadUnits(units-song-cau.csv): %v", err)
	}
	return u
}

// TestSongCauUnitsFile checks the shipped second province against what its
// sources say (docs/refdata-sources.md): 2 province periods, the district,
// 13 communes until 2025-06-30 and the 5 they merged into.
func TestSongCauUnitsFile(t *testing.T) {
	t.Parallel()
	units := songCau(t)
	count := map[string]int{}
	for _, u := range units.All() {
		period := "old"
		if u.ValidTo == nil {
			period = "new"
		}
		count[u.Type+"/"+period]++
	}
	want := map[string]int{"tinh/old": 1, "tinh/new": 1, "thi_xa/old": 1, "phuong/old": 4, "xa/old": 9, "phuong/new": 2, "xa/new": 3}
	for k, n := range want {
		if count[k] != n {
			t.Errorf("%s: %d units, want %d (all: %v)", k, count[k], n, count)
		}
	}
	if len(units.All()) != 21 {
		t.Errorf("%d units, want 21", len(units.All()))
	}
	// 13 communes and the province have a successor; the district has none.
	if n := len(units.Successors()); n != 14 {
		t.Errorf("%d successions, want 14: %v", n, units.Successors())
	}
	tests := []struct {
		code string
		on   time.Time
		want string
	}{
		{"22066", day(2025, 6, 30), "Xuân Cảnh"},
		{"22060", day(2025, 6, 30), "Xuân Bình"},
		{"22060", day(2025, 7, 1), "Xuân Cảnh"},
		{"22051", day(2025, 7, 1), "Sông Cầu"},
		{"66", day(2025, 7, 1), "Đắk Lắk"},
	}
	for _, tc := range tests {
		if got, ok := units.Name(tc.code, tc.on); !ok || got != tc.want {
			t.Errorf("Name(%s, %s) = %q, %v; want %q", tc.code, tc.on.Format(time.DateOnly), got, ok, tc.want)
		}
	}
}

// TestUnitsFileDossiers builds the simulator from units-song-cau.csv over a
// window across the 2025 merger: every unit code it serves or reports is one
// of that file, both sides of the merger are served, the pipeline's
// Normalizer with the same units accepts at least 95% of the dossiers (the
// simulator makes ~1% invalid on purpose), and the province-level views name
// the file's province.
func TestUnitsFileDossiers(t *testing.T) {
	t.Parallel()
	units := songCau(t)
	codes := map[string]bool{}
	for _, u := range units.All() {
		codes[u.Code] = true
	}
	s := newSim(t, func(o *Options) {
		o.Seed, o.Dossiers, o.Petitions = 7, 3000, 120
		o.From, o.To = day(2025, 3, 1), day(2025, 10, 1)
		o.UnitsCSV, o.AgenciesCSV = refdata.UnitsSongCauCSV, refdata.AgenciesSongCauCSV
	})
	recs := allRecords(t, s, login(t, s), time.Time{}, time.Time{}, 1000)
	n, err := transform.NewNormalizer(transform.NormalizerOptions{Units: units, PII: testPII(t),
		Now: func() time.Time { return day(2025, 12, 1) }})
	if err != nil {
		t.Fatal(err)
	}
	served, accepted := map[string]int{}, 0
	for _, rec := range recs {
		if c, ok := jstr(rec, "MaDonViHanhChinh"); ok && c != "" {
			if !codes[c] {
				t.Fatalf("served MaDonViHanhChinh %q, not a code of units-song-cau.csv", c)
			}
			served[c]++
		}
		raw, _ := json.Marshal(rec)
		if d, err := n.Dossier(raw); err == nil {
			accepted++
			if !codes[d.UnitCode] {
				t.Errorf("normalized unit %q is not of units-song-cau.csv", d.UnitCode)
			}
		}
	}
	t.Logf("Normalizer accepted %d of %d dossiers; served unit codes: %v", accepted, len(recs), served)
	if got := float64(accepted) / float64(len(recs)); got < 0.95 {
		t.Errorf("Normalizer accepted %d of %d dossiers (%.1f%%), want ≥ 95%%", accepted, len(recs), 100*got)
	}
	for _, c := range []string{"22066", "22073", "22051", "22075"} { // pre- and post-merger units
		if served[c] == 0 {
			t.Errorf("no dossier served for unit %s: %v", c, served)
		}
	}
	for i := 0; i < s.Petitions(); i++ {
		if pt := s.PetitionTruth(i); pt.UnitCode != "" && !codes[pt.UnitCode] {
			t.Fatalf("petition %d: unit %q not of units-song-cau.csv", i, pt.UnitCode)
		}
	}
	checkProvinceViews(t, s)
}

// checkProvinceViews checks the evaluation and national views of a
// simulator built from units-song-cau.csv.
func checkProvinceViews(t *testing.T, s *Simulator) {
	t.Helper()
	for _, unit := range []string{"54", "66", ProvinceCode, "22051"} {
		if _, err := s.OfficialScores(unit, "2025-Q3"); err != nil {
			t.Errorf("OfficialScores(%s, 2025-Q3): %v", unit, err)
		}
	}
	if _, err := s.OfficialScores("21637", "2025-Q3"); err == nil {
		t.Error("OfficialScores accepted a Hoài Nhơn unit for the Sông Cầu simulator")
	}
	for _, tc := range []struct{ period, want string }{{"2025-Q2", "UBND tỉnh Phú Yên"}, {"2025-Q3", "UBND tỉnh Đắk Lắk"}} {
		root, depts, err := s.NationalDepartments(tc.period)
		if err != nil {
			t.Fatalf("NationalDepartments(%s): %v", tc.period, err)
		}
		if root.Name != tc.want || len(depts) < 2 {
			t.Errorf("NationalDepartments(%s): root %q with %d departments, want %q", tc.period, root.Name, len(depts), tc.want)
		}
	}
}

func testPII(t testing.TB) *transform.Pseudonymizer {
	t.Helper()
	p, err := transform.NewPseudonymizer([]byte("test-key"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}
