package doctor

import (
	"fmt"
	"io"
)

// report prints checks as they run and counts the problems. Every line it
// prints is indented by two spaces and, after the first word, aligned at
// column 11, so that the fixes stand under the problems.
type report struct {
	w        io.Writer
	problems int
}

// section starts a group of checks with a blank line and its title.
func (r *report) section(title string) { fmt.Fprintf(r.w, "\n%s\n", title) }

// ok prints a check that passed.
func (r *report) ok(format string, args ...any) {
	fmt.Fprintf(r.w, "  ok       %s\n", fmt.Sprintf(format, args...))
}

// info prints a line that is neither a pass nor a problem (a skipped check,
// a detail of the previous one).
func (r *report) info(format string, args ...any) {
	fmt.Fprintf(r.w, "           %s\n", fmt.Sprintf(format, args...))
}

// problem prints what is wrong, naming the key concerned, and the fix in one
// sentence, and counts it.
func (r *report) problem(key, what, fix string) {
	r.problems++
	fmt.Fprintf(r.w, "  PROBLEM  %s: %s\n           fix: %s\n", key, what, fix)
}

// summary prints the closing lines: the number of problems, or that there
// were none.
func (r *report) summary() {
	fmt.Fprintln(r.w)
	if r.problems > 0 {
		fmt.Fprintf(r.w, "%d problem(s) found\n", r.problems)
		return
	}
	fmt.Fprintln(r.w, "no problems found")
}
