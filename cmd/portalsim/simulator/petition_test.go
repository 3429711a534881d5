package simulator

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"
)

// petitionURL is the request of a page of the petitions updated in
// [from, to) (a zero bound is left open).
func petitionURL(from, to time.Time, page, size int) string {
	return windowURL("/api/v1/petitions", from, to, page, size)
}

// allPetitions pages through the petitions of [from, to) and returns them
// in order.
func allPetitions(t *testing.T, s *Simulator, tok string, from, to time.Time, size int) []map[string]json.RawMessage {
	t.Helper()
	return allPages(t, s, tok, petitionURL, from, to, size)
}

var petitionFields = map[string]bool{"MaPAKN": true, "MaHoSo": true, "MaDonViHanhChinh": true, "DonViXuLy": true,
	"NgayTiepNhan": true, "HanXuLy": true, "NgayXuLyXong": true, "DanhGia": true, "NgayCapNhat": true}

func TestPetitionCount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		dossiers int
		opt      int
		want     int
	}{
		{"default is dossiers/25", 5000, 0, 200},
		{"explicit", 5000, 37, 37},
		{"negative means none", 5000, -1, 0},
		{"few dossiers", 20, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newSim(t, func(o *Options) { o.Dossiers, o.Petitions = tc.dossiers, tc.opt })
			if s.Petitions() != tc.want {
				t.Fatalf("Petitions() = %d, want %d", s.Petitions(), tc.want)
			}
			p, _ := getPage(t, s, login(t, s), petitionURL(time.Time{}, time.Time{}, 1, 10))
			if p.Total != tc.want {
				t.Fatalf("total %d, want %d", p.Total, tc.want)
			}
		})
	}
	if _, err := New(Options{From: day(2024, 1, 1), To: day(2024, 1, 1).Add(10 * time.Second), Username: "u", Petitions: 11}); err == nil {
		t.Fatal("11 petitions in 10 seconds accepted")
	}
}

// Every petition is served once in (NgayCapNhat, MaPAKN) order, whatever the
// windows and page sizes, and matches its truth.
func TestPetitionsAgainstTruth(t *testing.T) {
	t.Parallel()
	s := newSim(t, func(o *Options) { o.Dossiers, o.Petitions, o.Seed = 20000, 1500, 7 })
	tok := login(t, s)
	all := allPetitions(t, s, tok, time.Time{}, time.Time{}, 333)
	if len(all) != 1500 {
		t.Fatalf("%d petitions", len(all))
	}
	var withDossier, noDeadline, unhandled, late, rated, dissatisfied, noGSO, nfd int
	prev := ""
	for i, rec := range all {
		tr := s.PetitionTruth(i)
		for k := range rec {
			if !petitionFields[k] {
				t.Fatalf("%d: field %q not in the spec", i, k)
			}
		}
		id, _ := jstr(rec, "MaPAKN")
		upd, _ := jstr(rec, "NgayCapNhat")
		if id != tr.ID || upd != tr.UpdatedAt.Format(layCompact) {
			t.Fatalf("%d: %s/%s, truth %s/%v", i, id, upd, tr.ID, tr.UpdatedAt)
		}
		if key := upd + "/" + id; key <= prev {
			t.Fatalf("%d: out of order: %s after %s", i, key, prev)
		} else {
			prev = key
		}
		raw, _ := json.Marshal(rec)
		if !norm.NFC.IsNormalString(string(raw)) {
			nfd++
		}
		// Related dossier.
		if m, ok := jstr(rec, "MaHoSo"); ok {
			withDossier++
			if m == "" || m != tr.DossierID || s.Truth(tr.DossierIndex).ID != m {
				t.Fatalf("%d: MaHoSo %q, truth %q (dossier %d)", i, m, tr.DossierID, tr.DossierIndex)
			}
			if dt := s.Truth(tr.DossierIndex).UpdatedAt; !dt.Before(tr.Received) {
				t.Fatalf("%d: related dossier updated %v, not before the petition %v", i, dt, tr.Received)
			}
		} else if tr.DossierID != "" {
			t.Fatalf("%d: MaHoSo missing, truth %q", i, tr.DossierID)
		}
		// Unit.
		if g, ok := jstr(rec, "MaDonViHanhChinh"); ok && g != "" {
			if g != tr.UnitCode {
				t.Fatalf("%d: unit %q, truth %q", i, g, tr.UnitCode)
			}
		} else {
			noGSO++
			if n, _ := jstr(rec, "DonViXuLy"); !bytes.HasSuffix([]byte(n), []byte(" "+tr.UnitName)) {
				t.Fatalf("%d: only DonViXuLy %q identifies %q", i, n, tr.UnitName)
			}
		}
		// Dates.
		rv, _ := jstr(rec, "NgayTiepNhan")
		if at, _, ok := parseAny(rv); !ok || !at.Equal(tr.Received) {
			t.Fatalf("%d: NgayTiepNhan %q, truth %v", i, rv, tr.Received)
		}
		if d := tr.UpdatedAt.Sub(tr.Received); d < 0 || d > maxPetitionSpan {
			t.Fatalf("%d: updated %v after received", i, d)
		}
		if h, ok := jstr(rec, "HanXuLy"); ok && h != "" {
			if at, _, ok := parseAny(h); !ok || !at.Equal(tr.Deadline) || !tr.DeadlineServed {
				t.Fatalf("%d: HanXuLy %q, truth %v", i, h, tr.Deadline)
			}
		} else {
			noDeadline++
			if tr.DeadlineServed || !tr.Deadline.Equal(s.petitionDefaultDue(tr.Received)) {
				t.Fatalf("%d: default deadline %v", i, tr.Deadline)
			}
		}
		hv, ok := jstr(rec, "NgayXuLyXong")
		switch {
		case tr.Handled == nil:
			unhandled++
			if ok && hv != "" {
				t.Fatalf("%d: unhandled but NgayXuLyXong %q", i, hv)
			}
		default:
			at, _, ok := parseAny(hv)
			if !ok || !at.Equal(*tr.Handled) || at.Before(tr.Received) || at.After(tr.UpdatedAt) {
				t.Fatalf("%d: NgayXuLyXong %q, truth %v", i, hv, tr.Handled)
			}
			if at.After(tr.Deadline) {
				late++
			}
		}
		var rating int
		if v, ok := rec["DanhGia"]; ok && string(v) != "null" {
			if err := json.Unmarshal(v, &rating); err != nil {
				t.Fatalf("%d: DanhGia %s: %v", i, v, err)
			}
		}
		if rating != tr.Rating {
			t.Fatalf("%d: DanhGia %d, truth %d", i, rating, tr.Rating)
		}
		if rating > 0 {
			rated++
		}
		if rating == 2 {
			dissatisfied++
		}
	}
	n := float64(len(all))
	check := func(what string, got, lo, hi float64) {
		if got < lo || got > hi {
			t.Errorf("%s share %.3f outside [%.2f, %.2f]", what, got, lo, hi)
		}
	}
	check("with MaHoSo", float64(withDossier)/n, 0.60, 0.78)
	check("HanXuLy missing", float64(noDeadline)/n, 0.35, 0.55)
	check("unhandled", float64(unhandled)/n, 0.05, 0.15)
	check("late among handled", float64(late)/(n-float64(unhandled)), 0.10, 0.20)
	check("rated among handled", float64(rated)/(n-float64(unhandled)), 0.55, 0.75)
	check("dissatisfied among rated", float64(dissatisfied)/float64(rated), 0.12, 0.32)
	check("no GSO code", float64(noGSO)/n, 0.12, 0.28)
	check("NFD", float64(nfd)/n, 0.05, 0.15)
}

// Windows split the petitions without loss or overlap, half-open on
// NgayCapNhat, and the same options give the same bytes.
func TestPetitionWindows(t *testing.T) {
	t.Parallel()
	s := newSim(t, func(o *Options) { o.Petitions = 400 })
	tok := login(t, s)
	whole := allPetitions(t, s, tok, time.Time{}, time.Time{}, 1000)
	tests := []struct {
		name string
		cuts []time.Time
	}{
		{"months", func() []time.Time {
			var c []time.Time
			for m := 1; m <= 13; m++ {
				c = append(c, time.Date(2024, time.Month(m), 1, 0, 0, 0, 0, Location))
			}
			return c
		}()},
		{"at record times", []time.Time{day(2024, 1, 1), s.PetitionTruth(100).UpdatedAt, s.PetitionTruth(101).UpdatedAt,
			s.PetitionTruth(101).UpdatedAt.Add(time.Second), s.PetitionTruth(399).UpdatedAt, day(2025, 1, 1)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []map[string]json.RawMessage
			for k := 0; k+1 < len(tc.cuts); k++ {
				part := allPetitions(t, s, tok, tc.cuts[k], tc.cuts[k+1], 7)
				for _, rec := range part {
					u, _ := jstr(rec, "NgayCapNhat")
					at, _ := time.ParseInLocation(layCompact, u, Location)
					if at.Before(tc.cuts[k]) || !at.Before(tc.cuts[k+1]) {
						t.Fatalf("record %s outside [%v, %v)", u, tc.cuts[k], tc.cuts[k+1])
					}
				}
				got = append(got, part...)
			}
			if len(got) != len(whole) {
				t.Fatalf("windows hold %d petitions, want %d", len(got), len(whole))
			}
			for i := range got {
				a, _ := jstr(got[i], "MaPAKN")
				b, _ := jstr(whole[i], "MaPAKN")
				if a != b {
					t.Fatalf("%d: %s, want %s", i, a, b)
				}
			}
		})
	}
	s2 := newSim(t, func(o *Options) { o.Petitions = 400 })
	_, a := getPage(t, s, tok, petitionURL(time.Time{}, time.Time{}, 2, 150))
	_, b := getPage(t, s2, login(t, s2), petitionURL(time.Time{}, time.Time{}, 2, 150))
	if !bytes.Equal(a, b) {
		t.Fatal("same options, different petition pages")
	}
	s3 := newSim(t, func(o *Options) { o.Petitions = 400; o.Seed = 2 })
	_, c := getPage(t, s3, login(t, s3), petitionURL(time.Time{}, time.Time{}, 2, 150))
	if bytes.Equal(a, c) {
		t.Fatal("another seed, same petition page")
	}
	// Bad parameters and auth are those of the dossiers.
	for _, target := range []string{"/api/v1/petitions?page=0", "/api/v1/petitions?updated_from=2024", "/api/v1/petitions?page_size=1001"} {
		if rec := do(s.Handler(), "GET", target, "Bearer "+tok, nil); rec.Code != 400 {
			t.Errorf("%s: %d", target, rec.Code)
		}
	}
	if rec := do(s.Handler(), "GET", "/api/v1/petitions", "", nil); rec.Code != 401 {
		t.Errorf("no token: %d", rec.Code)
	}
}
