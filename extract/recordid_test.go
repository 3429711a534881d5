package extract

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestRecordIdentity(t *testing.T) {
	ids := newRecordIDs([]string{"NgayCapNhat", "MaHoSo"})
	tests := []struct {
		name string
		a, b string
		same bool
	}{
		{"same key, other bytes", `{"MaHoSo":"A","NgayCapNhat":"20250101000000","x":1}`, `{"mahoso":"A", "x":2,"NgayCapNhat":"20250101000000"}`, true},
		{"another version", `{"MaHoSo":"A","NgayCapNhat":"20250101000000"}`, `{"MaHoSo":"A","NgayCapNhat":"20250102000000"}`, false},
		{"another record", `{"MaHoSo":"A","NgayCapNhat":"20250101000000"}`, `{"MaHoSo":"B","NgayCapNhat":"20250101000000"}`, false},
		{"no id: by bytes, equal", `{"MaHoSo":"","NgayCapNhat":"20250101000000","x":1}`, `{"MaHoSo":"","NgayCapNhat":"20250101000000","x":1}`, true},
		{"no id: by bytes, different", `{"MaHoSo":"","NgayCapNhat":"20250101000000","x":1}`, `{"MaHoSo":"","NgayCapNhat":"20250101000000","x":2}`, false},
		{"null id", `{"MaHoSo":null,"NgayCapNhat":"1","x":1}`, `{"MaHoSo":null,"NgayCapNhat":"1","x":2}`, false},
		{"not an object", `[1]`, `[2]`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ids.id(json.RawMessage(tt.a)) == ids.id(json.RawMessage(tt.b)); got != tt.same {
				t.Fatalf("same = %v, want %v", got, tt.same)
			}
		})
	}
}

// BenchmarkRecordID: the identity of a 3 KB dossier whose NgayCapNhat is
// its last field (the whole record is scanned).
func BenchmarkRecordID(b *testing.B) {
	raw := json.RawMessage(`{"MaHoSo":"000.21.37.H08-240716-0012","Steps":[` + strings.Repeat(`{"a":"Đang xử lý hồ sơ","b":"20240716101010","c":1},`, 60) +
		`{}],"NgayCapNhat":"20240716101010"}`)
	ids := newRecordIDs([]string{"NgayCapNhat", "MaHoSo"})
	b.SetBytes(int64(len(raw)))
	for i := 0; i < b.N; i++ {
		ids.id(raw)
	}
}
