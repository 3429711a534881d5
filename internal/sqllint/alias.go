package sqllint

import "fmt"

// clauseWords end the expression an alias names, walking backwards.
var clauseWords = map[string]bool{"SELECT": true, "DISTINCT": true, "WITH": true, "BY": true, "WHERE": true,
	"PREWHERE": true, "HAVING": true, "ON": true, "USING": true, "FROM": true, "JOIN": true}

// checkAliases finds `expr AS name` where expr is more than a (qualified)
// column and uses the column name itself.
func checkAliases(toks []token) []Finding {
	var out []Finding
	for i := 1; i+1 < len(toks); i++ {
		if !toks[i].isWord("AS") || toks[i+1].kind != tWord {
			continue
		}
		name := toks[i+1].text
		if clauseWords[upper(name)] || (i+2 < len(toks) && (toks[i+2].text == "(" || toks[i+2].text == ".")) {
			continue // CREATE VIEW v AS SELECT …, AS (subquery), CREATE TABLE t AS db.other (an alias is never qualified)
		}
		expr, opener := aliasedExpr(toks, i)
		if opener > 0 && toks[opener-1].isWord("CAST") {
			continue // CAST(x AS Type)
		}
		if plainColumn(expr) || !usesColumn(expr, name) {
			continue
		}
		out = append(out, Finding{"alias-shadows-column", toks[i].line,
			fmt.Sprintf("an expression over column %s is aliased %s: current servers resolve %s to the alias everywhere in the query; choose another alias", name, name, name)})
	}
	return out
}

// aliasedExpr returns the tokens of the expression before toks[as] and the
// index of the '(' that encloses it (-1 at top level).
func aliasedExpr(toks []token, as int) ([]token, int) {
	depth := 0
	for j := as - 1; j >= 0; j-- {
		t := toks[j]
		switch {
		case t.text == ")" && t.kind == tPunct:
			depth++
		case t.text == "(" && t.kind == tPunct:
			if depth == 0 {
				return toks[j+1 : as], j
			}
			depth--
		case depth == 0 && (t.text == "," && t.kind == tPunct || t.kind == tWord && clauseWords[upper(t.text)]):
			return toks[j+1 : as], -1
		}
	}
	return toks[:as], -1
}

func plainColumn(expr []token) bool {
	for k, t := range expr {
		if (k%2 == 0 && t.kind != tWord) || (k%2 == 1 && t.text != ".") {
			return false
		}
	}
	return true
}

func usesColumn(expr []token, name string) bool {
	for k := 0; k+2 < len(expr); k++ {
		if expr[k].text == name && expr[k+1].text == "-" && expr[k+2].text == ">" {
			return false // a lambda parameter (x -> …) of that name, not the column
		}
	}
	for k, t := range expr {
		if t.kind != tWord || t.text != name {
			continue
		}
		if k+1 < len(expr) && expr[k+1].text == "(" {
			continue // a function of that name
		}
		if k > 0 && expr[k-1].text == "." {
			continue // tbl.name is the table's column whatever the alias
		}
		return true
	}
	return false
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 32
		}
	}
	return string(b)
}
