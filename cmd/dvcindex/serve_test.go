package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dvcindex/dvcindex/internal/syncio"
)

// syncBuffer is a buffer safe for the concurrent writers of serve.
type syncBuffer = syncio.Buffer

// TestServeRefusesABadWebhooksFile: serve does not start on a bad
// watch.webhooks_file; the usage error names the key, the file, the line
// and the column, and shows no webhook URL beyond its host. (No ClickHouse
// is needed: the file is read before serve connects.)
func TestServeRefusesABadWebhooksFile(t *testing.T) {
	const secret = "s3cret-t0ken"
	for _, c := range []struct {
		name, file, want string
	}{
		{"relative URL", "unit_code,url\n21637,https://chat.example.vn/h/" + secret + "\n21640,/h/" + secret + "\n", ":3:7: url is relative"},
		{"unit not in the reference units", "unit_code,url\n99999,https://chat.example.vn/h/" + secret + "\n", `:2:1: unit_code "99999" is not a unit`},
		{"unknown header", "unit,url\n", `:1:1: header column 1 is "unit"`},
		{"ftp", "unit_code,url\n52,ftp://files.example.vn/" + secret + "\n", `:2:4: url scheme "ftp"`},
		{"duplicate unit", "unit_code,url\n52,https://a.example/1\n52,https://a.example/2\n", `:3:1: unit_code "52" already has a webhook on line 2`},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "webhooks.csv")
			if err := os.WriteFile(path, []byte(c.file), 0o600); err != nil {
				t.Fatal(err)
			}
			env := []string{"DVC_PII_KEY=integration-test-key-0123456789abcdef", "DVC_SERVE_ADDR=127.0.0.1:0",
				"DVC_CLICKHOUSE_ADDR=127.0.0.1:1", "DVC_WATCH_WEBHOOKS_FILE=" + path}
			code, _, errs := runCLI(t, env, "serve")
			if code != exitUsage {
				t.Fatalf("exit %d, want %d (usage)\n%s", code, exitUsage, errs)
			}
			if want := "watch.webhooks_file: " + path + c.want; !strings.Contains(errs, want) {
				t.Errorf("stderr lacks %q:\n%s", want, errs)
			}
			if strings.Contains(errs, secret) {
				t.Errorf("stderr shows the URL's token:\n%s", errs)
			}
		})
	}
}
