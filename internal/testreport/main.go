// Command testreport reads the event stream of `go test -json` on standard
// input and prints what a person reads in a plain `go test` run: every
// package's ok/FAIL line and the output of each failing test. It exits
// non-zero when any test failed or skipped (a skip in CI hides a test that
// did not run: each is listed) or when a package failed without a failing
// test (a build error, a timeout). Its last line is exactly
// "N passed, M failed, K skipped", which CI reads.
//
// Invariants: it holds no state outside one run; lines that are not JSON
// events (build errors printed by go itself) are echoed as they come.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

// report is the tally of one stream.
type report struct {
	passed, failed, skipped int
	skips                   []string
	failedPkgs              []string
	output                  map[string]*strings.Builder // package + test → output
}

func main() {
	r, err := read(os.Stdin, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testreport: reading the go test -json stream:", err)
		os.Exit(2)
	}
	os.Exit(r.print(os.Stdout))
}

func key(e event) string { return e.Package + " " + e.Test }

// read consumes the stream, printing package results and failing tests'
// output to out as they end.
func read(in io.Reader, out io.Writer) (*report, error) {
	r := &report{output: map[string]*strings.Builder{}}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if len(line) == 0 || line[0] != '{' || json.Unmarshal(line, &e) != nil {
			fmt.Fprintln(out, string(line))
			continue
		}
		r.add(e, out)
	}
	return r, sc.Err()
}

func (r *report) add(e event, out io.Writer) {
	k := key(e)
	switch e.Action {
	case "build-output": // a compiler error: shown as it comes
		fmt.Fprint(out, e.Output)
		return
	case "output":
		b := r.output[k]
		if b == nil {
			b = &strings.Builder{}
			r.output[k] = b
		}
		b.WriteString(e.Output)
		return
	case "pass", "fail", "skip":
	default:
		return
	}
	text := ""
	if b := r.output[k]; b != nil {
		text = b.String()
	}
	delete(r.output, k)
	if e.Test == "" {
		r.endPackage(e, text, out)
		return
	}
	switch e.Action {
	case "pass":
		r.passed++
	case "fail":
		r.failed++
		fmt.Fprint(out, text)
	case "skip":
		r.skipped++
		r.skips = append(r.skips, fmt.Sprintf("%s %s: %s", e.Package, e.Test, skipReason(text)))
	}
}

// endPackage prints the package's closing lines (ok, FAIL, no test files,
// a build or timeout message).
func (r *report) endPackage(e event, text string, out io.Writer) {
	for _, l := range strings.SplitAfter(text, "\n") {
		if strings.HasPrefix(l, "ok") || strings.HasPrefix(l, "FAIL") || strings.HasPrefix(l, "?") ||
			strings.HasPrefix(l, "panic") || strings.HasPrefix(l, "---") || e.Action == "fail" {
			fmt.Fprint(out, l)
		}
	}
	if e.Action == "fail" {
		r.failedPkgs = append(r.failedPkgs, e.Package)
	}
}

// skipReason is the skip message of a test's output (its last non-empty
// line that is not the "--- SKIP" header).
func skipReason(text string) string {
	reason := ""
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, "--- SKIP") && !strings.HasPrefix(l, "=== ") {
			reason = l
		}
	}
	return reason
}

// print writes the skips, failed packages and the summary line; it returns
// the exit code.
func (r *report) print(out io.Writer) int {
	sort.Strings(r.skips)
	code := 0
	if len(r.skips) > 0 {
		fmt.Fprintf(out, "%d test(s) skipped; CI runs every test:\n", len(r.skips))
		for _, s := range r.skips {
			fmt.Fprintln(out, "  SKIP", s)
		}
		code = 1
	}
	if len(r.failedPkgs) > 0 {
		fmt.Fprintln(out, "failed packages:", strings.Join(r.failedPkgs, " "))
		code = 1
	}
	if r.failed > 0 {
		code = 1
	}
	fmt.Fprintf(out, "%d passed, %d failed, %d skipped\n", r.passed, r.failed, r.skipped)
	return code
}
