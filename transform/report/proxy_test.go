package report

import "testing"

func TestIsProxy(t *testing.T) {
	tests := []struct {
		name      string
		a         Account
		minOwners int
		want      bool
	}{
		{"one below the threshold", Account{Owners: 4}, 5, false},
		{"at the threshold", Account{Owners: 5}, 5, true},
		{"above the threshold", Account{Owners: 6}, 5, true},
		{"a citizen filing for herself", Account{Owners: 1}, 5, false},
		{"no owners known", Account{Owners: 0}, 5, false},
		{"staff account, one owner", Account{Owners: 1, Staff: true}, 5, true},
		{"staff account, no owner", Account{Staff: true}, 5, true},
		{"threshold 1: every account", Account{Owners: 1}, 1, true},
		{"threshold disabled", Account{Owners: 100}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsProxy(tt.a, tt.minOwners); got != tt.want {
				t.Fatalf("IsProxy(%+v, %d) = %v", tt.a, tt.minOwners, got)
			}
		})
	}
}

func TestShares(t *testing.T) {
	tests := []struct {
		received, online, proxy uint64
		off, gOnline, gRecv     float64
	}{
		{100, 60, 45, 0.6, 0.25, 0.15},
		{100, 60, 0, 0.6, 1, 0.6},
		{100, 60, 60, 0.6, 0, 0},
		{100, 0, 0, 0, 0, 0},
		{0, 0, 0, 0, 0, 0},
		{10, 5, 9, 0.5, 0, 0}, // more proxies than online dossiers is clamped
	}
	for _, tt := range tests {
		off, g1, g2 := Shares(tt.received, tt.online, tt.proxy)
		if off != tt.off || g1 != tt.gOnline || g2 != tt.gRecv {
			t.Errorf("Shares(%d, %d, %d) = %v, %v, %v; want %v, %v, %v", tt.received, tt.online, tt.proxy, off, g1, g2, tt.off, tt.gOnline, tt.gRecv)
		}
	}
}

func TestBands(t *testing.T) {
	for total, want := range map[float64]string{90: "Xuất sắc (Excellent)", 89.99: "Tốt (Good)", 80: "Tốt (Good)", 65: "Khá (Fair)",
		64.9: "Trung bình (Average)", 50: "Trung bình (Average)", 49.99: "Yếu (Weak)"} {
		if got := DefaultBands.Band(total); got != want {
			t.Errorf("band %v = %s, want %s", total, got, want)
		}
	}
}
