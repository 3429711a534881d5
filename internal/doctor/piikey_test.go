package doctor

import (
	"strings"
	"testing"

	"github.com/dvcindex/dvcindex/config"
	"github.com/dvcindex/dvcindex/internal/pipeline"
)

// TestCheckPIIKey: each state of the personal-data key prints exactly its
// line(s); the key itself is never printed.
func TestCheckPIIKey(t *testing.T) {
	good := strings.Repeat("k", config.MinPIIKeyBytes)
	tests := []struct {
		name     string
		key      string
		want     []string
		problems int
	}{
		{"unset", "", []string{
			"  PROBLEM  pii.key: not set: sync refuses to load personal data without it",
			"           fix: set DVC_PII_KEY (or pii.key) to a long random secret kept outside the repository, e.g. the output of `openssl rand -hex 32`, and never change it afterwards (hashes would no longer match).",
		}, 1},
		{"the public development key", pipeline.DevPIIKey, []string{
			"  PROBLEM  pii.key: is the public development key",
			"           fix: set DVC_PII_KEY to a random secret of your own: hashes made with the public key can be reversed by guessing.",
		}, 1},
		{"too short", "s3cr", []string{
			"  PROBLEM  pii.key: is only 4 bytes long",
			"           fix: use at least 32 random bytes (e.g. `openssl rand -hex 32`): a short key can be guessed, and with it every ID number.",
		}, 1},
		{"one byte too short", good[1:], []string{
			"  PROBLEM  pii.key: is only 31 bytes long",
			"           fix: use at least 32 random bytes (e.g. `openssl rand -hex 32`): a short key can be guessed, and with it every ID number.",
		}, 1},
		{"good", good, []string{"  ok       set (32 bytes, env DVC_PII_KEY)"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := config.Load("", []string{"DVC_PII_KEY=" + tt.key})
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			r := &report{w: &b}
			New(Options{Config: cfg}).checkPIIKey(r)
			want := "\npersonal-data key\n" + strings.Join(tt.want, "\n") + "\n"
			if b.String() != want {
				t.Errorf("printed\n%s\nwant\n%s", b.String(), want)
			}
			if r.problems != tt.problems {
				t.Errorf("problems %d, want %d", r.problems, tt.problems)
			}
			if tt.key != "" && strings.Contains(b.String(), tt.key) {
				t.Errorf("the key was printed")
			}
		})
	}
}
