package simulator

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"hash"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// TestGeneratedExportChecksum pins the generated data set: every byte the
// dossier and petition endpoints serve, every Truth and PetitionTruth, and
// the portal facts behind the official scores, for two fixed simulators (a
// plain year, and a window across the 2025 merger with a late-sync ward and
// the extra personal fields). Refactoring the generator must leave the data
// set identical; a change that means to alter the data updates the constants
// and says why.
func TestGeneratedExportChecksum(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mutate func(*Options)
		want   string
	}{
		{"year 2024", func(o *Options) { o.Seed, o.Dossiers = 20260101, 3000 },
			"8a7e81b7c324a64d68d9c6d435ff5995c682c5a4c6a1ca5682cc2200a6bf90c3"},
		{"merger, late sync, extra PII", func(o *Options) {
			o.Seed, o.Dossiers, o.Petitions = 99, 2000, 150
			o.From, o.To = day(2025, 5, 1), day(2025, 9, 1)
			o.LateSyncUnit, o.ExtraPII = "21640", true
		}, "08eca499630ff3e071832119247dfc590f0a28dc80971f396efbaa9530eb1779"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newSim(t, tc.mutate)
			h := sha256.New()
			hashExport(t, s, h)
			if got := hex.EncodeToString(h.Sum(nil)); got != tc.want {
				t.Errorf("generated data changed: SHA-256 %s, want %s", got, tc.want)
			}
		})
	}
}

// hashExport writes into h every page of both endpoints as served, then the
// truth and facts of every dossier and the truth of every petition.
func hashExport(t *testing.T, s *Simulator, h hash.Hash) {
	t.Helper()
	tok := login(t, s)
	const size = 1000
	for _, ep := range []struct {
		url func(from, to time.Time, page, size int) string
		n   int
	}{{dossierURL, s.Len()}, {petitionURL, s.Petitions()}} {
		for page := 1; page <= ep.n/size+1; page++ {
			target := ep.url(time.Time{}, time.Time{}, page, size)
			rec := do(s.Handler(), http.MethodGet, target, "Bearer "+tok, nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("GET %s: %d %s", target, rec.Code, rec.Body)
			}
			h.Write(rec.Body.Bytes())
		}
	}
	var g genState
	var d dossier
	var b []byte
	for i := range s.Len() {
		var tr Truth
		var f facts
		s.generate(&g, i, &d, &tr, &f)
		writeJSONTo(t, h, tr)
		b = appendFacts(b[:0], &f)
		h.Write(b)
	}
	for j := range s.Petitions() {
		writeJSONTo(t, h, s.PetitionTruth(j))
	}
}

// writeJSONTo writes v as one line of JSON into h.
func writeJSONTo(t *testing.T, h hash.Hash, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal %T: %v", v, err)
	}
	h.Write(append(b, '\n'))
}

// appendFacts appends one line with every fact of f that the official scores
// read: the unit and procedure by their codes, times as Unix seconds, the
// used steps and supplements only.
func appendFacts(b []byte, f *facts) []byte {
	num := func(v int64) { b = append(strconv.AppendInt(b, v, 10), ' ') }
	flag := func(v bool) { b = append(strconv.AppendBool(b, v), ' ') }
	at := func(v time.Time) {
		if v.IsZero() {
			b = append(b, "- "...)
			return
		}
		num(v.Unix())
	}
	b = append(b, f.id+" "+f.u.code+" "+f.u.name+" "+f.proc.national+" "...)
	num(int64(f.status))
	num(int64(f.ch))
	num(int64(f.rating))
	for _, v := range []time.Time{f.u.validFrom, f.R, f.H, f.F, f.T, f.Ref} {
		at(v)
	}
	for _, v := range []bool{f.received, f.dueServed, f.daDongBo, f.digitized, f.reused, f.store,
		f.vneid, f.paid, f.feeData, f.feesZero, f.resultLink} {
		flag(v)
	}
	for _, st := range f.steps[:f.nSteps] {
		at(st.t)
		at(st.sync)
		num(int64(st.kind))
	}
	b = append(b, "| "...)
	for _, sp := range f.sups[:f.nSups] {
		at(sp.req)
		at(sp.recv)
	}
	return append(b, '\n')
}
