package main

import (
	"testing"
	"time"
)

func TestParseAsOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    time.Time // zero: no replay clock
		wantErr bool
	}{
		{"", time.Time{}, false},
		{"2024-05-10T17:00:00+07:00", time.Date(2024, 5, 10, 10, 0, 0, 0, time.UTC), false},
		{"2024-05-10T10:00:00Z", time.Date(2024, 5, 10, 10, 0, 0, 0, time.UTC), false},
		{"2024-05-10", time.Time{}, true},
		{"2024-05-10 17:00:00", time.Time{}, true},
	}
	for _, tc := range tests {
		clock, err := parseAsOf(tc.in)
		switch {
		case (err != nil) != tc.wantErr:
			t.Errorf("%q: error %v, want error %v", tc.in, err, tc.wantErr)
		case err != nil:
		case tc.want.IsZero() != (clock == nil):
			t.Errorf("%q: clock set %v, want %v", tc.in, clock != nil, !tc.want.IsZero())
		case clock != nil && !clock().Equal(tc.want):
			t.Errorf("%q: %v, want %v", tc.in, clock(), tc.want)
		}
	}
}
