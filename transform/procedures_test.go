package transform

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestProcedureParser(t *testing.T) {
	loc := HoChiMinh()
	day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, loc) }
	pp := NewProcedureParser(nil)

	full := `{"MaTTHC":"1.0108 24.000. 00.00.H 08","TenTTHC":"Hưởng trợ cấp khi người có công đang hưởng trợ cấp ưu đãi từ trần",
	  "MaLinhVuc":"NGUOICOCONG","CapThucHien":["xa"],"ThoiHanGiaiQuyet":3,
	  "LichSuThoiHan":[{"ThoiHan":3,"TuNgay":"20230816000000","QuyetDinh":"3039/QĐ-UBND"},{"ThoiHan":5,"TuNgay":null,"QuyetDinh":""}],
	  "CoPhiLePhi":false,"MucDoDVC":"toan_trinh","KetQuaLaGiayTo":true,
	  "QuyetDinhCongBo":{"So":"1234/QĐ-UBND","Ngay":"01/03/2023"},"NgayHieuLucCanCu":"2023-03-15","NgayCongKhai":"20230305000000",
	  "NoiDungDayDu":1,"NhomLienThong":"khai_tu","ChungThucDienTu":"0"}`
	p, err := pp.Procedure([]byte(full))
	if err != nil {
		t.Fatal(err)
	}
	if p.NationalCode != "1.010824" || p.OnlineLevel != "toan_trinh" || !p.ResultIsDocument || p.HasFees || !p.ContentFull ||
		p.Group != "khai_tu" || p.ECertifiedCopy || p.DecisionNo != "1234/QĐ-UBND" || len(p.Levels) != 1 || p.Levels[0] != "xa" {
		t.Fatalf("unexpected procedure %+v", p)
	}
	if !p.DecisionDate.Equal(day(2023, 3, 1)) || !p.LegalBasisDate.Equal(day(2023, 3, 15)) || !p.PublicDate.Equal(day(2023, 3, 5)) {
		t.Fatalf("dates %v %v %v", p.DecisionDate, p.LegalBasisDate, p.PublicDate)
	}
	// The history is sorted, and the limit in force follows the cut.
	limits := []struct {
		on   time.Time
		want float64
	}{
		{day(2023, 8, 15), 5}, // the day before decision 3039 took effect
		{day(2023, 8, 16), 3}, // from the decision date
		{day(2024, 7, 16), 3},
		{day(2001, 1, 1), 5},
	}
	for _, l := range limits {
		if got, ok := p.LimitOn(l.on); !ok || got != l.want {
			t.Errorf("limit on %s = %v (%v), want %v", l.on.Format("2006-01-02"), got, ok, l.want)
		}
	}

	// Without history the current limit holds for all time.
	p, err = pp.Procedure([]byte(`{"MaTTHC":"2.000908","ThoiHanGiaiQuyet":"1","MucDoDVC":""}`))
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := p.LimitOn(day(2020, 1, 1)); !ok || got != 1 || len(p.TimeLimits) != 1 || !p.TimeLimits[0].ValidFrom.Equal(Epoch) {
		t.Fatalf("no-history limits %+v", p.TimeLimits)
	}

	bad := []struct {
		name, raw, field string
		sentinel         error
	}{
		{"no code", `{"TenTTHC":"x","ThoiHanGiaiQuyet":1}`, "MaTTHC", ErrMissingField},
		{"bad code", `{"MaTTHC":"ABC","ThoiHanGiaiQuyet":1}`, "MaTTHC", ErrProcedureCode},
		{"no limit", `{"MaTTHC":"1.001193"}`, "ThoiHanGiaiQuyet", ErrMalformed},
		{"negative limit", `{"MaTTHC":"1.001193","ThoiHanGiaiQuyet":-2}`, "ThoiHanGiaiQuyet", ErrMalformed},
		{"bad history date", `{"MaTTHC":"1.001193","ThoiHanGiaiQuyet":1,"LichSuThoiHan":[{"ThoiHan":1,"TuNgay":"31/02/2024"}]}`, "LichSuThoiHan[0].TuNgay", ErrBadDate},
		{"bad level", `{"MaTTHC":"1.001193","ThoiHanGiaiQuyet":1,"MucDoDVC":"muc_4"}`, "MucDoDVC", ErrMalformed},
		{"bad publish date", `{"MaTTHC":"1.001193","ThoiHanGiaiQuyet":1,"NgayCongKhai":"2024-13-01"}`, "NgayCongKhai", ErrBadDate},
		{"not an object", `[1,2]`, "(record)", ErrMalformed},
	}
	for _, b := range bad {
		t.Run(b.name, func(t *testing.T) {
			_, err := pp.Procedure([]byte(b.raw))
			var re *RecordError
			if !errors.As(err, &re) || re.Field != b.field || !errors.Is(err, b.sentinel) {
				t.Fatalf("err = %v, want field %s / %v", err, b.field, b.sentinel)
			}
			if !strings.HasPrefix(err.Error(), "procedure ") {
				t.Fatalf("error does not name the record kind: %v", err)
			}
		})
	}
}
