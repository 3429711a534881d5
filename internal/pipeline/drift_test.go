package pipeline

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dvcindex/dvcindex/load"
)

// runShape builds a run's shape: n records, each with the given fields and
// types ("field:type").
func runShape(n int, fields ...string) *shape {
	s := newShape()
	for i := 0; i < n; i++ {
		s.records++
		for _, f := range fields {
			name, typ, _ := strings.Cut(f, ":")
			s.visit(name, typ, []byte(`"x"`))
		}
	}
	return s
}

// history is schema_fields after runs of n records with fields.
func history(n uint64, fields ...string) map[string]map[string]load.SchemaField {
	out := map[string]map[string]load.SchemaField{"": {"": {Records: n}}}
	for _, f := range fields {
		name, typ, _ := strings.Cut(f, ":")
		if out[name] == nil {
			out[name] = map[string]load.SchemaField{}
		}
		out[name][typ] = load.SchemaField{Field: name, Type: typ, Records: n}
	}
	return out
}

func TestDriftCheck(t *testing.T) {
	known := []string{"MaHoSo", "SoDienThoai", "KenhThucHien"}
	base := []string{"MaHoSo:string", "SoDienThoai:string", "KenhThucHien:number"}
	at := time.Date(2025, 7, 15, 0, 0, 0, 0, time.UTC)
	open := func(field, change, detail string) map[string]*load.Drift {
		return map[string]*load.Drift{field + "\x00" + change: {Field: field, Change: change, Detail: detail, Records: 5}}
	}
	tests := []struct {
		name string
		prev map[string]map[string]load.SchemaField
		open map[string]*load.Drift
		run  *shape
		want []string // "field change fresh|resolved|updated"
	}{
		{"first run: nothing to compare", map[string]map[string]load.SchemaField{}, nil, runShape(200, base...), nil},
		{"same shape", history(500, base...), nil, runShape(200, base...), nil},
		{"a key the contract does not name", history(500, base...), nil, runShape(200, append(base, "MaBienNhan:string")...),
			[]string{"MaBienNhan added fresh"}},
		{"a usual key gone", history(500, base...), nil, runShape(200, "MaHoSo:string", "KenhThucHien:number"),
			[]string{"SoDienThoai removed fresh"}},
		{"a small run proves no removal", history(500, base...), nil, runShape(50, "MaHoSo:string", "KenhThucHien:number"), nil},
		{"retyped", history(500, base...), nil, runShape(200, "MaHoSo:string", "SoDienThoai:string", "KenhThucHien:string"),
			[]string{"KenhThucHien retyped fresh"}},
		{"an open drift counted again, not fresh", history(500, append(base, "MaBienNhan:string")...),
			open("MaBienNhan", load.DriftAdded, "x"), runShape(200, append(base, "MaBienNhan:string")...),
			[]string{"MaBienNhan added updated"}},
		{"the key came back", history(500, base...), open("SoDienThoai", load.DriftRemoved, "x"), runShape(200, base...),
			[]string{"SoDienThoai removed resolved"}},
		{"the type came back", history(500, base...), open("KenhThucHien", load.DriftRetyped, "number → string"),
			runShape(200, base...), []string{"KenhThucHien retyped resolved"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.open == nil {
				tt.open = map[string]*load.Drift{}
			}
			d := driftCheck{source: "dossiers", now: at, runID: "r", run: tt.run, runFields: tt.run.byField(), prev: tt.prev,
				open: tt.open, known: known}
			var got []string
			for _, c := range d.check() {
				state := "updated"
				switch {
				case c.fresh:
					state = "fresh"
				case c.d.ResolvedAt != nil:
					state = "resolved"
				}
				got = append(got, c.d.Field+" "+c.d.Change+" "+state)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("changes %v, want %v", got, tt.want)
			}
		})
	}
}
