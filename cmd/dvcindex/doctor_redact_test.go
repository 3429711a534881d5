package main

import (
	"strings"
	"testing"
)

// TestDoctorRedactsURLs: credentials and a token embedded in the portal's
// URL (or a source's) appear nowhere in doctor's output or logs, whatever
// fails; the URLs are printed with [redacted] in their place.
func TestDoctorRedactsURLs(t *testing.T) {
	env := []string{
		"DVC_CLICKHOUSE_ADDR=127.0.0.1:1", "DVC_CLICKHOUSE_DIAL_TIMEOUT=200ms", "DVC_PORTAL_MAX_RETRIES=0",
		"DVC_PORTAL_BASE_URL=http://portal-user:url-s3cret@127.0.0.1:1/?token=url-t0ken",
		"DVC_SOURCES_EVALUATION_BASE_URL=https://national:nat-s3cret@dvcqg.example/?key=nat-t0ken",
		"DVC_PII_KEY=doctor-test-key-0123456789abcdefghijkl", "DVC_LOG_FORMAT=json",
	}
	code, out, errs := runCLI(t, env, "doctor")
	if code != exitFailure {
		t.Fatalf("exit %d, want 1 (nothing answers)\n%s", code, out)
	}
	for _, secret := range []string{"url-s3cret", "url-t0ken", "nat-s3cret", "nat-t0ken", "portal-user"} {
		if strings.Contains(out+errs, secret) {
			t.Errorf("doctor printed %q:\n%s\n%s", secret, out, errs)
		}
	}
	for _, want := range []string{"portal (http://[redacted]@127.0.0.1:1/?[redacted])", "https://[redacted]@dvcqg.example/?[redacted]"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
