package redact

import (
	"net/url"
	"strings"
	"testing"
)

func TestURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://portal.example.vn/api", "https://portal.example.vn/api"},
		{"https://user:s3cret@portal.example.vn/api", "https://[redacted]@portal.example.vn/api"},
		{"https://user@portal.example.vn", "https://[redacted]@portal.example.vn"},
		{"https://portal.example.vn/api/v1/dossiers?token=abc&page=2", "https://portal.example.vn/api/v1/dossiers?[redacted]"},
		{"http://u:p@127.0.0.1:8089/x?access_token=t#frag", "http://[redacted]@127.0.0.1:8089/x?[redacted]#[redacted]"},
		{"http://[::1]:8089", "http://[::1]:8089"},
		{"://bad url with s3cret", "(unparsable URL [redacted])"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := URL(tt.in); got != tt.want {
			t.Errorf("URL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	u, err := url.Parse("https://a:b@h/p?q=1")
	if err != nil {
		t.Fatal(err)
	}
	if p := Parsed(u); strings.Contains(p, "a:b") || strings.Contains(p, "q=1") {
		t.Errorf("Parsed(u) = %q shows the credentials or the query", p)
	}
	if u.User == nil || u.RawQuery != "q=1" {
		t.Error("Parsed modified its argument")
	}
}
