// Package sqllint checks dvcindex's SQL for the constructs known to fail, or
// to change meaning, on current ClickHouse releases (24.x, 25.x) while 18.16 —
// the only server CI can install — accepts them. It needs no server: it reads
// statements as text. docs/clickhouse.md explains each rule.
//
// The rules:
//   - date-format-minute: '%M' in a format string is the minute on 18.16 and
//     the month name on current servers (23.4+); '%R' is hour:minute on both.
//   - view-select-star: `SELECT *` in a view is expanded when the view is
//     created on current servers, so columns added later stay invisible.
//   - join-strictness: every JOIN says ANY or ALL (the default strictness is
//     a server setting); ARRAY JOIN and CROSS JOIN excepted.
//   - any-inner-join: ANY INNER JOIN deduplicates the left side too on
//     current servers (20.x+), unlike 18.16.
//   - alias-shadows-column: `f(x) AS x` makes x mean f(x) everywhere in the
//     query on current servers' analyzer, but the column on 18.16.
//   - setting-not-portable: a SETTINGS clause names a setting outside the
//     portable allow-list (load.PortableSettings).
package sqllint

import (
	"fmt"
	"regexp"
	"strings"
)

// Finding is one rule broken at one place.
type Finding struct {
	Rule   string
	Line   int // 1-based line in the checked text
	Detail string
}

func (f Finding) String() string { return fmt.Sprintf("line %d: %s: %s", f.Line, f.Rule, f.Detail) }

// Check returns every rule broken in sql, which may hold several statements.
// allowed is the settings allow-list.
func Check(sql string, allowed map[string]bool) []Finding {
	toks := tokenize(sql)
	var out []Finding
	out = append(out, checkFormats(toks)...)
	out = append(out, checkViewStar(toks)...)
	out = append(out, checkJoins(toks)...)
	out = append(out, checkAliases(toks)...)
	out = append(out, checkSettings(toks, allowed)...)
	return out
}

// LooksLikeSQL reports whether a Go string literal is a SQL statement worth
// checking (as opposed to a message or a format string).
func LooksLikeSQL(s string) bool { return sqlStart.MatchString(s) }

var sqlStart = regexp.MustCompile(`(?is)^\s*(--[^\n]*\n\s*)*(SELECT|INSERT\s+INTO|CREATE\s|ALTER\s|DROP\s|WITH\s|OPTIMIZE\s)`)

func checkFormats(toks []token) []Finding {
	var out []Finding
	for _, t := range toks {
		if t.kind == tString && strings.Contains(t.text, "%M") {
			out = append(out, Finding{"date-format-minute", t.line,
				fmt.Sprintf("%s: %%M is the month name on current servers (the minute on 18.16); write %%R for hour:minute", t.text)})
		}
	}
	return out
}

func checkViewStar(toks []token) []Finding {
	var out []Finding
	inView := false
	for i, t := range toks {
		switch {
		case t.kind == tPunct && t.text == ";":
			inView = false
		case t.isWord("VIEW") && i > 0 && (toks[i-1].isWord("CREATE") || toks[i-1].isWord("MATERIALIZED") || toks[i-1].isWord("REPLACE")):
			inView = true
		case inView && t.kind == tPunct && t.text == "*" && i > 0 && (toks[i-1].isWord("SELECT") || toks[i-1].text == "," || toks[i-1].text == "."):
			out = append(out, Finding{"view-select-star", t.line, "a view must list its columns (current servers expand * when the view is created)"})
		}
	}
	return out
}

// joinModifiers may stand between the strictness and JOIN.
var joinModifiers = map[string]bool{"LEFT": true, "RIGHT": true, "INNER": true, "FULL": true, "OUTER": true, "GLOBAL": true}

func checkJoins(toks []token) []Finding {
	var out []Finding
	for i, t := range toks {
		if !t.isWord("JOIN") {
			continue
		}
		var strict, inner bool
		for j := i - 1; j >= 0 && toks[j].kind == tWord; j-- {
			w := strings.ToUpper(toks[j].text)
			if w == "ANY" || w == "ALL" {
				strict = true
				if w == "ANY" && hasInner(toks[j:i]) {
					inner = true
				}
				continue
			}
			if w == "ARRAY" || w == "CROSS" {
				strict = true
				break
			}
			if !joinModifiers[w] {
				break
			}
		}
		switch {
		case inner:
			out = append(out, Finding{"any-inner-join", t.line, "ANY INNER JOIN changed meaning in 20.x (it deduplicates the left side too): use ALL INNER JOIN over a deduplicated right side"})
		case !strict:
			out = append(out, Finding{"join-strictness", t.line, "JOIN without ANY or ALL: the default strictness is a server setting"})
		}
	}
	return out
}

func hasInner(toks []token) bool {
	for _, t := range toks {
		if t.isWord("INNER") {
			return true
		}
	}
	return false
}

func checkSettings(toks []token, allowed map[string]bool) []Finding {
	var out []Finding
	for i, t := range toks {
		if !t.isWord("SETTINGS") {
			continue
		}
		// SETTINGS name = value [, name = value …]
		for j := i + 1; j+2 < len(toks) && toks[j].kind == tWord && toks[j+1].text == "="; j += 4 {
			if !allowed[toks[j].text] {
				out = append(out, Finding{"setting-not-portable", toks[j].line,
					fmt.Sprintf("setting %s is not in the portable allow-list (load.PortableSettings)", toks[j].text)})
			}
			if j+3 >= len(toks) || toks[j+3].text != "," {
				break
			}
		}
	}
	return out
}
