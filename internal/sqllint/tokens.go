package sqllint

import (
	"strings"
	"unicode"
)

type tokenKind int

const (
	tWord   tokenKind = iota // keyword, identifier, {db}, @param, `quoted`
	tString                  // 'literal' (text keeps the quotes)
	tNumber
	tPunct
)

type token struct {
	kind tokenKind
	text string
	line int
}

func (t token) isWord(w string) bool { return t.kind == tWord && strings.EqualFold(t.text, w) }

// tokenize splits SQL into tokens, dropping comments and white space. It is
// lenient: anything it does not recognise becomes a one-character token.
func tokenize(sql string) []token {
	var out []token
	line := 1
	r := []rune(sql)
	for i := 0; i < len(r); {
		c := r[i]
		start := i
		switch {
		case c == '\n':
			line++
			i++
			continue
		case unicode.IsSpace(c):
			i++
			continue
		case c == '-' && i+1 < len(r) && r[i+1] == '-':
			for i < len(r) && r[i] != '\n' {
				i++
			}
			continue
		case c == '/' && i+1 < len(r) && r[i+1] == '*':
			i += 2
			for i+1 < len(r) && !(r[i] == '*' && r[i+1] == '/') {
				if r[i] == '\n' {
					line++
				}
				i++
			}
			i += 2
			continue
		case c == '\'':
			i = skipQuoted(r, i, '\'')
			out = append(out, token{tString, string(r[start:min(i, len(r))]), line})
		case c == '`' || c == '"':
			i = skipQuoted(r, i, c)
			out = append(out, token{tWord, strings.Trim(string(r[start:min(i, len(r))]), string(c)), line})
		case c == '{':
			for i < len(r) && r[i] != '}' {
				i++
			}
			i++
			out = append(out, token{tWord, string(r[start:min(i, len(r))]), line})
		case c == '@' || c == '_' || unicode.IsLetter(c):
			i++
			for i < len(r) && (r[i] == '_' || unicode.IsLetter(r[i]) || unicode.IsDigit(r[i])) {
				i++
			}
			out = append(out, token{tWord, string(r[start:i]), line})
		case unicode.IsDigit(c):
			for i < len(r) && (unicode.IsDigit(r[i]) || r[i] == '.' || unicode.IsLetter(r[i])) {
				i++
			}
			out = append(out, token{tNumber, string(r[start:i]), line})
		default:
			i++
			out = append(out, token{tPunct, string(c), line})
		}
		line += strings.Count(string(r[start:min(i, len(r))]), "\n")
	}
	return out
}

// skipQuoted returns the index after the closing quote q of the literal that
// opens at i, honouring backslash escapes and doubled quotes.
func skipQuoted(r []rune, i int, q rune) int {
	for i++; i < len(r); i++ {
		switch r[i] {
		case '\\':
			i++
		case q:
			if i+1 < len(r) && r[i+1] == q {
				i++
				continue
			}
			return i + 1
		}
	}
	return i
}
