package transform

import (
	"os"
	"strings"
	"testing"
)

func TestLoadTargets(t *testing.T) {
	units, err := DefaultUnits()
	if err != nil {
		t.Fatal(err)
	}
	example, err := os.ReadFile("refdata/targets-example.csv")
	if err != nil {
		t.Fatal(err)
	}
	got, err := LoadTargets("targets-example.csv", example, units)
	if err != nil {
		t.Fatalf("the example targets file: %v", err)
	}
	if len(got) != 127 || got[0] != (Target{UnitCode: "543", Period: "2024", Indicator: "transparency", Score: 16}) {
		t.Errorf("example: %d targets, first %+v", len(got), got[0])
	}
	const head = "unit_code,period,indicator,target\n"
	bad := []struct{ name, csv, want string }{
		{"header", "unit,period,indicator,target\n", "t.csv:1: header is"},
		{"unknown unit", head + "99999,2024,total,80\n", "t.csv:2:1: unit_code \"99999\""},
		{"bad period", head + "21640,2024-Q5,total,80\n", "t.csv:2:2:"},
		{"unknown indicator", head + "21640,2024,speed,80\n", "t.csv:2:3: indicator \"speed\""},
		{"above the maximum", head + "21640,2024,transparency,19\n", "t.csv:2:4: target \"19\" of transparency: expected a score from 0 to 18"},
		{"not a number", head + "21640,2024,total,abc\n", "t.csv:2:4:"},
		{"twice", head + "21640,2024,total,80\n21640,2024,total,81\n", "t.csv:3: unit 21640, 2024, total: a second target (first on line 2)"},
		{"columns", head + "21640,2024,total\n", "t.csv:2:"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			_, err := LoadTargets("t.csv", []byte(c.csv), units)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want it to contain %q", err, c.want)
			}
		})
	}
}
