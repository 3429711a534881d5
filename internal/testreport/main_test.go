package main

import (
	"strings"
	"testing"
)

func TestReport(t *testing.T) {
	for _, c := range []struct {
		name, stream string
		code         int
		want         []string // lines the output must hold
		absent       []string
	}{
		{"all pass", `{"Action":"run","Package":"p","Test":"TestA"}
{"Action":"output","Package":"p","Test":"TestA","Output":"noise\n"}
{"Action":"pass","Package":"p","Test":"TestA"}
{"Action":"output","Package":"p","Output":"ok  \tp\t0.1s\n"}
{"Action":"pass","Package":"p"}
`, 0, []string{"ok  \tp\t0.1s", "1 passed, 0 failed, 0 skipped"}, []string{"noise"}},
		{"a skip fails the run and is listed", `{"Action":"output","Package":"p","Test":"TestB","Output":"    x_test.go:3: no server\n"}
{"Action":"output","Package":"p","Test":"TestB","Output":"--- SKIP: TestB (0.00s)\n"}
{"Action":"skip","Package":"p","Test":"TestB"}
{"Action":"pass","Package":"p"}
`, 1, []string{"SKIP p TestB: x_test.go:3: no server", "0 passed, 0 failed, 1 skipped"}, nil},
		{"a failure prints its output", `{"Action":"output","Package":"p","Test":"TestC","Output":"    c_test.go:9: got 1, want 2\n"}
{"Action":"fail","Package":"p","Test":"TestC"}
{"Action":"output","Package":"p","Output":"FAIL\tp\t0.2s\n"}
{"Action":"fail","Package":"p"}
`, 1, []string{"c_test.go:9: got 1, want 2", "FAIL\tp\t0.2s", "failed packages: p", "0 passed, 1 failed, 0 skipped"}, nil},
		{"a build failure shows the compiler's message", `{"ImportPath":"p [p.test]","Action":"build-output","Output":"# p [p.test]\n"}
{"ImportPath":"p [p.test]","Action":"build-output","Output":"p/p_test.go:3:28: undefined: undefined\n"}
{"ImportPath":"p [p.test]","Action":"build-fail"}
{"Action":"output","Package":"p","Output":"FAIL\tp [build failed]\n"}
{"Action":"fail","Package":"p","FailedBuild":"p [p.test]"}
`, 1, []string{"p/p_test.go:3:28: undefined: undefined", "FAIL\tp [build failed]", "failed packages: p", "0 passed, 0 failed, 0 skipped"}, nil},
		{"a package that fails without a failing test (timeout, build)", `# p
p/x.go:1: syntax error
{"Action":"output","Package":"p","Output":"panic: test timed out after 25m0s\n"}
{"Action":"fail","Package":"p"}
`, 1, []string{"p/x.go:1: syntax error", "panic: test timed out", "failed packages: p", "0 passed, 0 failed, 0 skipped"}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out strings.Builder
			r, err := read(strings.NewReader(c.stream), &out)
			if err != nil {
				t.Fatal(err)
			}
			code := r.print(&out)
			got := out.String()
			if code != c.code {
				t.Errorf("exit code %d, want %d\n%s", code, c.code, got)
			}
			lines := strings.Split(strings.TrimRight(got, "\n"), "\n")
			if last := lines[len(lines)-1]; last != c.want[len(c.want)-1] {
				t.Errorf("last line %q, want %q", last, c.want[len(c.want)-1])
			}
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("output lacks %q:\n%s", w, got)
				}
			}
			for _, a := range c.absent {
				if strings.Contains(got, a) {
					t.Errorf("output holds %q:\n%s", a, got)
				}
			}
		})
	}
}
