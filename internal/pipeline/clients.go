package pipeline

import (
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/dvcindex/dvcindex/config"
	"github.com/dvcindex/dvcindex/extract"
	"github.com/dvcindex/dvcindex/transform"
)

// portalClient returns the extraction client of one source: the portal:
// settings with the source's sources.<name> overrides (config.Source).
func (e *Engine) portalClient(source string, log zerolog.Logger) *extract.Client {
	p := e.cfg.Source(source)
	return extract.New(extract.Options{
		BaseURL: p.BaseURL, Username: p.Username, Password: p.Password.Reveal(),
		Timeout: p.Timeout.D(), RateLimit: p.RateLimit, MaxRetries: p.MaxRetries,
		RetryWait: p.RetryWait.D(), RetryMaxWait: p.RetryMaxWait.D(), MaxBodyBytes: p.MaxBodyBytes,
		Concurrency: p.Concurrency, Logger: log, OnRetry: e.onPortalRetry,
	})
}

// onPortalRetry is extract.Options.OnRetry: it attributes the retry to the
// source whose endpoint path was requested.
func (e *Engine) onPortalRetry(path string, _ int, _ time.Duration, _ error) {
	if e.opts.Observer != nil {
		e.opts.Observer.Retried(SourceOfPath(path))
	}
}

// DevPIIKey is the well-known key of --unsafe-dev-pii-key. Hashes made with
// it are not secret: anyone can recompute them from a guessed ID number.
const DevPIIKey = "dvcindex-development-key-NOT-SECRET"

// CheckPIIKeyLength refuses a personal-data key shorter than
// config.MinPIIKeyBytes (sync and serve; doctor reports it as a problem).
func CheckPIIKeyLength(key string) error {
	if key != "" && len(key) < config.MinPIIKeyBytes {
		return Usagef("pii.key is only %d bytes long: use at least %d random bytes (e.g. `openssl rand -hex 32`); a short key can be guessed, and with it every hashed ID number", len(key), config.MinPIIKeyBytes)
	}
	return nil
}

// scrubber returns the Pseudonymizer that scrubs the raw records of the
// sources that do not require pii.key (petitions, procedures, bcqg,
// evaluation); nil when no key is set, so that their values outside the
// allow-list are dropped instead of hashed (transform.Dropped).
func (e *Engine) scrubber() *transform.Pseudonymizer {
	key := e.cfg.PII.Key.Reveal()
	if key == "" {
		return nil
	}
	p, err := transform.NewPseudonymizer([]byte(key))
	if err != nil {
		return nil
	}
	return p
}

// CheckDossierKey fails as a dossier sync would without a usable
// personal-data key: serve refuses to start a daemon whose every dossier
// sync would fail.
func (e *Engine) CheckDossierKey() error {
	_, err := e.normalizer("dossiers", false)
	return err
}

// normalizer builds the dossier normalizer of a source, refusing to run
// without a personal-data key unless Options.UnsafeDevKey says otherwise.
// archived reads records from the archive, whose personal fields are
// already hashed (transform.NormalizerOptions.Prehashed).
func (e *Engine) normalizer(source string, archived bool) (*transform.Normalizer, error) {
	key := e.cfg.PII.Key.Reveal()
	if key == "" {
		if !e.opts.UnsafeDevKey {
			return nil, Usagef("pii.key is not set: personal data (names, ID numbers, phones, emails) must be hashed with a secret key before it reaches ClickHouse; set DVC_PII_KEY or pii.key, or pass --unsafe-dev-pii-key for a throwaway development database")
		}
		e.log.Warn().Msg("--unsafe-dev-pii-key: hashing personal data with a PUBLIC development key; the hashes can be reversed by guessing — never use this on real data")
		key = DevPIIKey
	}
	if err := CheckPIIKeyLength(key); err != nil {
		return nil, err
	}
	pii, err := transform.NewPseudonymizer([]byte(key))
	if err != nil {
		return nil, fmt.Errorf("personal-data key: %w", err)
	}
	units, err := e.Units()
	if err != nil {
		return nil, fmt.Errorf("load reference units: %w", err)
	}
	return transform.NewNormalizer(transform.NormalizerOptions{
		Units: units, PII: pii, Location: transform.HoChiMinh(), Now: e.now, Source: source, Prehashed: archived,
	})
}
