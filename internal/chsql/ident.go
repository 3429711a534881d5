// Package chsql holds the parts of the ClickHouse dialect that config and
// load share: which names may stand as identifiers and how they are quoted.
// Identifiers are validated, never escaped: a name that passes ValidIdentifier
// needs no escaping inside backquotes, and values are always bound parameters.
package chsql

// MaxIdentifier is the longest identifier accepted (ClickHouse allows more;
// dvcindex's database and table names stay well below it).
const MaxIdentifier = 64

// ValidIdentifier reports whether name is safe as a ClickHouse identifier:
// ASCII letters, digits and '_', not starting with a digit, at most
// MaxIdentifier bytes.
func ValidIdentifier(name string) bool {
	if name == "" || len(name) > MaxIdentifier {
		return false
	}
	for i, r := range name {
		switch {
		case r == '_', r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// QuoteIdent quotes a name that passed ValidIdentifier.
func QuoteIdent(name string) string { return "`" + name + "`" }
