// Package redact owns the one way dvcindex prints a URL: user info and
// query string replaced, so credentials or tokens embedded in a configured
// base URL never reach a log line, an error, doctor's output or a report.
// It has no state.
package redact

import (
	"net/url"
	"strings"
)

// Mask replaces whatever was removed.
const Mask = "[redacted]"

// URL returns raw with its user info and query (and fragment) replaced by
// Mask: scheme, host and path stay, as they are needed to act on an error.
// A string that does not parse as a URL is replaced whole.
func URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL " + Mask + ")"
	}
	return Parsed(u)
}

// Parsed is URL for an already parsed URL; u is not modified.
func Parsed(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	hadUser := c.User != nil
	hadQuery := c.RawQuery != "" || c.ForceQuery
	hadFragment := c.Fragment != "" || c.RawFragment != ""
	c.User, c.RawQuery, c.ForceQuery, c.Fragment, c.RawFragment = nil, "", false, "", ""
	s := c.String()
	if hadUser {
		s = strings.Replace(s, "//", "//"+Mask+"@", 1)
	}
	if hadQuery {
		s += "?" + Mask
	}
	if hadFragment {
		s += "#" + Mask
	}
	return s
}
