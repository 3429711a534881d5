package transform

import (
	"errors"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestParseStatus(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want uint8 // 0 = error
	}{
		{"1", 1}, {"10", 10}, {" 4 ", 4}, {"4.0", 4},
		{"Mới đăng ký", 1},
		{"Được tiếp nhận", 2},
		{"Không được tiếp nhận", 3},
		{"Đang xử lý", 4},
		{"dang xu ly", 4},
		{"ĐANG XỬ LÝ", 4},
		{norm.NFD.String("Đang xử lý"), 4},
		{"Yêu cầu bổ sung", 5},
		{"Yêu cầu thực hiện nghĩa vụ tài chính", 6},
		{"Công dân yêu cầu rút hồ sơ", 7},
		{"Dừng xử lý", 8},
		{"Đã xử lý xong", 9},
		{"Đã trả kết quả", 10},
		{"da tra ket qua", 10},
		{"  Đã  trả kết   quả ", 10},
		{"0", 0}, {"11", 0}, {"-1", 0}, {"2.5", 0}, {"", 0},
		{"Đã trả", 0}, {"xử lý", 0}, {"abc", 0},
	} {
		got, err := ParseStatus(tc.in)
		if tc.want == 0 {
			if err == nil || !errors.Is(err, ErrStatus) {
				t.Errorf("ParseStatus(%q) = %d, %v; want ErrStatus", tc.in, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseStatus(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
}

func TestStepStatusCode(t *testing.T) {
	for in, want := range map[string]uint8{
		"4":                  4,
		"Đang xử lý":         4,
		"Tiếp nhận hồ sơ":    2,
		"Đã tiếp nhận hồ sơ": 2,
		"Chuyển xử lý":       4,
		"Đã chuyển xử lý":    4,
		"Trả kết quả":        10,
		"Yêu cầu bổ sung":    5,
		"Hoàn thành":         9,
		"":                   0,
		"Ký số":              0,
		"99":                 0,
		"something else":     0,
	} {
		if got := StepStatusCode(in); got != want {
			t.Errorf("StepStatusCode(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestParseChannel(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    Channel
		missing bool
		err     bool
	}{
		{"1", ChannelDirect, false, false},
		{"2", ChannelOnline, false, false},
		{"3", ChannelPostal, false, false},
		{"", ChannelDirect, true, false},
		{"  ", ChannelDirect, true, false},
		{"Trực tiếp", ChannelDirect, false, false},
		{"truc tiep", ChannelDirect, false, false},
		{"Trực tuyến", ChannelOnline, false, false},
		{"TRỰC TUYẾN", ChannelOnline, false, false},
		{norm.NFD.String("Trực tuyến"), ChannelOnline, false, false},
		{"Bưu chính", ChannelPostal, false, false},
		{"buu chinh", ChannelPostal, false, false},
		{"Bưu chính công ích", ChannelPostal, false, false},
		{"0", 0, false, true},
		{"4", 0, false, true},
		{"fax", 0, false, true},
	} {
		got, missing, err := ParseChannel(tc.in)
		if tc.err {
			if err == nil || !errors.Is(err, ErrChannel) {
				t.Errorf("ParseChannel(%q) = %v, want ErrChannel", tc.in, got)
			}
			continue
		}
		if err != nil || got != tc.want || missing != tc.missing {
			t.Errorf("ParseChannel(%q) = %v, %v, %v; want %v, %v", tc.in, got, missing, err, tc.want, tc.missing)
		}
	}
}
