package doctor

import (
	"strings"
	"testing"
)

// TestReport: the printer's exact lines, the problem count and the
// closing summary.
func TestReport(t *testing.T) {
	tests := []struct {
		name  string
		print func(r *report)
		want  string
		n     int
	}{
		{"no problems", func(r *report) {
			r.section("title")
			r.ok("a %d", 1)
			r.info("detail %s", "x")
			r.summary()
		}, "\ntitle\n  ok       a 1\n           detail x\n\nno problems found\n", 0},
		{"problems are counted and each has its fix", func(r *report) {
			r.section("s")
			r.problem("k.one", "is bad", "set it.")
			r.problem("k.two", "is worse", "unset it.")
			r.summary()
		}, "\ns\n  PROBLEM  k.one: is bad\n           fix: set it.\n  PROBLEM  k.two: is worse\n           fix: unset it.\n\n2 problem(s) found\n", 2},
		{"a format verb in an argument is printed as is", func(r *report) {
			r.info("%s", "100%d")
		}, "           100%d\n", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			r := &report{w: &b}
			tt.print(r)
			if b.String() != tt.want {
				t.Errorf("printed\n%q\nwant\n%q", b.String(), tt.want)
			}
			if r.problems != tt.n {
				t.Errorf("problems %d, want %d", r.problems, tt.n)
			}
		})
	}
}

func TestProblemsError(t *testing.T) {
	if got, want := Problems(3).Error(), "doctor found 3 problem(s); the fixes are printed above"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
