package watch

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
)

// webhooksHeader is the first line of watch.webhooks_file.
var webhooksHeader = []string{"unit_code", "url"}

// Webhook is one line of watch.webhooks_file: the address a unit's digest
// is posted to after each watch. Its URL is kept unexported and its String
// shows scheme and host only: a webhook address often carries a token in
// its path or query, so it is never logged, returned or printed in full.
type Webhook struct {
	Unit string // the unit's code
	Line int    // line of the file, for messages
	url  *url.URL
}

// Target is the webhook's address as it may be shown: scheme://host.
func (w Webhook) Target() string { return target(w.url) }

// String is "unit CODE → scheme://host".
func (w Webhook) String() string { return "unit " + w.Unit + " → " + w.Target() }

func target(u *url.URL) string {
	if u == nil || u.Host == "" {
		return "(no host)"
	}
	return u.Scheme + "://" + u.Host
}

// LoadWebhooks reads watch.webhooks_file (ParseWebhooks).
func LoadWebhooks(path string, known func(unit string) bool) ([]Webhook, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("webhooks file: %w", err)
	}
	defer f.Close()
	return ParseWebhooks(f, path, known)
}

// ParseWebhooks reads a webhooks file from r: CSV whose first line is the
// header unit_code,url, then one webhook a line: a unit that known accepts
// (a code of the reference units), at most one line per unit, and an
// absolute http or https URL with a host. Blank lines and lines starting
// with '#' are skipped; a file with the header only has no webhook. Every
// error is "name:line:column: what is wrong" and shows no URL beyond its
// scheme and host.
func ParseWebhooks(r io.Reader, name string, known func(unit string) bool) ([]Webhook, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	var out []Webhook
	seen := map[string]int{}
	for first := true; ; first = false {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			if first {
				return nil, fmt.Errorf("%s:1:1: empty: the first line must be the header %s", name, strings.Join(webhooksHeader, ","))
			}
			return out, nil
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%s:%d:%d: not CSV: %w", name, pe.Line, pe.Column, pe.Err)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: read: %w", name, err)
		}
		if first {
			if field, err := checkWebhooksHeader(rec); err != nil {
				return nil, fieldError(cr, name, field, err)
			}
			continue
		}
		w, field, err := parseWebhook(rec, known, seen)
		if err != nil {
			return nil, fieldError(cr, name, field, err)
		}
		w.Line, _ = cr.FieldPos(0)
		seen[w.Unit] = w.Line
		out = append(out, w)
	}
}

// fieldError places err at the start of field of the record just read.
func fieldError(cr *csv.Reader, name string, field int, err error) error {
	line, col := cr.FieldPos(field)
	return fmt.Errorf("%s:%d:%d: %w", name, line, col, err)
}

func checkWebhooksHeader(rec []string) (field int, err error) {
	want := strings.Join(webhooksHeader, ",")
	for i, h := range rec {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if i >= len(webhooksHeader) || h != webhooksHeader[i] {
			return i, fmt.Errorf("header column %d is %q: the header must be %s", i+1, h, want)
		}
	}
	if len(rec) < len(webhooksHeader) {
		return 0, fmt.Errorf("header %q: the header must be %s", strings.Join(rec, ","), want)
	}
	return 0, nil
}

// parseWebhook checks one line; field is the index of the field at fault.
func parseWebhook(rec []string, known func(string) bool, seen map[string]int) (w Webhook, field int, err error) {
	if len(rec) != len(webhooksHeader) {
		if len(rec) > len(webhooksHeader) {
			field = len(webhooksHeader)
		}
		return w, field, fmt.Errorf("%d fields, want 2 (unit_code,url)", len(rec))
	}
	w.Unit = strings.TrimSpace(rec[0])
	switch prev, dup := seen[w.Unit]; {
	case w.Unit == "":
		return w, 0, errors.New("unit_code is empty")
	case !known(w.Unit):
		return w, 0, fmt.Errorf("unit_code %q is not a unit of the reference units (refdata.units_file)", w.Unit)
	case dup:
		return w, 0, fmt.Errorf("unit_code %q already has a webhook on line %d", w.Unit, prev)
	}
	u, err := parseWebhookURL(strings.TrimSpace(rec[1]))
	if err != nil {
		return w, 1, err
	}
	w.url = u
	return w, 0, nil
}

// parseWebhookURL accepts an absolute http(s) URL with a host. Its errors
// quote no more than the scheme and host: the rest may be a token.
func parseWebhookURL(raw string) (*url.URL, error) {
	if raw == "" {
		return nil, errors.New("url is empty")
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return nil, errors.New("url is not a URL (want https://host/path)")
	case u.Scheme == "":
		return nil, errors.New("url is relative (want an absolute https://host/path)")
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("url scheme %q: want http or https", u.Scheme)
	case u.Opaque != "" || u.Hostname() == "":
		return nil, errors.New("url has no host (want https://host/path)")
	}
	return u, nil
}
