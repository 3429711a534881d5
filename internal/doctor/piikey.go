package doctor

import (
	"fmt"

	"github.com/dvcindex/dvcindex/config"
	"github.com/dvcindex/dvcindex/internal/pipeline"
	"github.com/dvcindex/dvcindex/transform"
)

// checkPIIKey checks the personal-data key: set, accepted by the
// pseudonymizer, not the public development key and at least
// config.MinPIIKeyBytes long. It prints the key's length, never the key.
func (d *Doctor) checkPIIKey(r *report) {
	r.section("personal-data key")
	key := d.cfg.PII.Key.Reveal()
	if key == "" {
		r.problem("pii.key", "not set: sync refuses to load personal data without it",
			"set DVC_PII_KEY (or pii.key) to a long random secret kept outside the repository, e.g. the output of `openssl rand -hex 32`, and never change it afterwards (hashes would no longer match).")
		return
	}
	if _, err := transform.NewPseudonymizer([]byte(key)); err != nil {
		r.problem("pii.key", err.Error(), "set DVC_PII_KEY (or pii.key) to a longer random secret, e.g. the output of `openssl rand -hex 32`.")
		return
	}
	if key == pipeline.DevPIIKey {
		r.problem("pii.key", "is the public development key", "set DVC_PII_KEY to a random secret of your own: hashes made with the public key can be reversed by guessing.")
		return
	}
	if len(key) < config.MinPIIKeyBytes {
		r.problem("pii.key", fmt.Sprintf("is only %d bytes long", len(key)),
			fmt.Sprintf("use at least %d random bytes (e.g. `openssl rand -hex 32`): a short key can be guessed, and with it every ID number.", config.MinPIIKeyBytes))
		return
	}
	r.ok("set (%d bytes, %s)", len(key), d.cfg.Origin("pii.key"))
}
