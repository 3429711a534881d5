package config

import (
	"fmt"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// hcm is the portal's time zone; dates in the config are local dates there.
var hcm = mustLoadLocation("Asia/Ho_Chi_Minh")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		// No DST in Viet Nam since 1975: a fixed zone is exact.
		return time.FixedZone("ICT", 7*3600)
	}
	return loc
}

// Duration is a time.Duration written as "90s", "5m", "1h" in YAML.
type Duration time.Duration

// D returns the value as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

func (d Duration) String() string { return time.Duration(d).String() }

// UnmarshalYAML accepts Go duration strings.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %q is not a duration (e.g. 90s, 5m, 1h)", n.Line, n.Value)
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML writes the duration string.
func (d Duration) MarshalYAML() (any, error) { return d.String(), nil }

// Date is a calendar date (yyyy-mm-dd) at local midnight in Asia/Ho_Chi_Minh.
type Date time.Time

// T returns the date as a time.Time.
func (d Date) T() time.Time { return time.Time(d) }

func (d Date) String() string { return time.Time(d).Format("2006-01-02") }

// ParseDate parses yyyy-mm-dd in Asia/Ho_Chi_Minh.
func ParseDate(s string) (Date, error) {
	t, err := time.ParseInLocation("2006-01-02", s, hcm)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date (yyyy-mm-dd)", s)
	}
	return Date(t), nil
}

// UnmarshalYAML accepts yyyy-mm-dd.
func (d *Date) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseDate(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	*d = v
	return nil
}

// MarshalYAML writes yyyy-mm-dd.
func (d Date) MarshalYAML() (any, error) { return d.String(), nil }

// Secret is a value that must never reach logs, errors or printed config.
// Its String, GoString and YAML forms are redacted; Reveal returns the value
// for the one place that needs it (a connection, a hash key).
type Secret string

// Redacted is what a set secret prints as.
const Redacted = "[redacted]"

// Reveal returns the secret's value.
func (s Secret) Reveal() string { return string(s) }

// IsSet reports whether the secret has a value.
func (s Secret) IsSet() bool { return s != "" }

func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return Redacted
}

// GoString keeps %#v from printing the value.
func (s Secret) GoString() string { return fmt.Sprintf("%q", s.String()) }

// MarshalYAML redacts.
func (s Secret) MarshalYAML() (any, error) { return s.String(), nil }

// MarshalText redacts, so JSON encoders (zerolog's Interface) never see it.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// AddrList is one or more host:port addresses: a YAML string (one address,
// or several separated by commas), a YAML sequence, or a DVC_* variable
// with commas. The first is tried first; the others are failover.
type AddrList []string

// String joins the addresses with commas, as they are written.
func (a AddrList) String() string { return strings.Join(a, ",") }

// UnmarshalYAML accepts a scalar (comma-separated) or a sequence.
func (a *AddrList) UnmarshalYAML(n *yaml.Node) error {
	var items []string
	switch n.Kind {
	case yaml.ScalarNode:
		items = strings.Split(n.Value, ",")
	case yaml.SequenceNode:
		if err := n.Decode(&items); err != nil {
			return err
		}
	default:
		return fmt.Errorf("line %d: expected host:port or a list of them", n.Line)
	}
	*a = (*a)[:0]
	for _, it := range items {
		if it = strings.TrimSpace(it); it != "" {
			*a = append(*a, it)
		}
	}
	return nil
}

// MarshalYAML writes the list as a sequence.
func (a AddrList) MarshalYAML() (any, error) { return []string(a), nil }
