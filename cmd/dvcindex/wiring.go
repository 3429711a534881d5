package main

import (
	"context"
	"fmt"

	"github.com/rs/zerolog"

	"github.com/dvcindex/dvcindex/config"
	"github.com/dvcindex/dvcindex/extract"
	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
)

// openStore connects to the configured ClickHouse.
func (a *app) openStore(ctx context.Context) (*load.Store, error) {
	opts, err := a.storeOptions()
	if err != nil {
		return nil, err
	}
	return load.Open(ctx, opts)
}

// storeOptions are the configured ClickHouse connection's options.
func (a *app) storeOptions() (load.Options, error) {
	c := a.cfg.ClickHouse
	tlsCfg, err := c.TLSConfig()
	if err != nil {
		return load.Options{}, err
	}
	return load.Options{
		Addrs: c.Addr, Database: c.Database, Username: c.Username, Password: c.Password.Reveal(),
		DialTimeout: c.DialTimeout.D(), ReadTimeout: c.ReadTimeout.D(), BatchRows: c.BatchRows,
		Retries: c.MaxRetries, RetryWait: c.RetryWait.D(), Logger: a.log, TLS: tlsCfg,
	}, nil
}

// portalClient returns the extraction client for the configured portal.
func (a *app) portalClient(log zerolog.Logger) *extract.Client { return a.sourceClient("", log) }

// sourceClient returns the extraction client of one source: the portal:
// settings with the source's sources.<name> overrides (config.Source).
func (a *app) sourceClient(source string, log zerolog.Logger) *extract.Client {
	p := a.cfg.Source(source)
	return extract.New(extract.Options{
		BaseURL: p.BaseURL, Username: p.Username, Password: p.Password.Reveal(),
		Timeout: p.Timeout.D(), RateLimit: p.RateLimit, MaxRetries: p.MaxRetries,
		RetryWait: p.RetryWait.D(), RetryMaxWait: p.RetryMaxWait.D(), MaxBodyBytes: p.MaxBodyBytes,
		Concurrency: p.Concurrency, Logger: log, OnRetry: a.onPortalRetry,
	})
}

// devPIIKey is the well-known key of --unsafe-dev-pii-key. Hashes made with
// it are not secret: anyone can recompute them from a guessed ID number.
const devPIIKey = "dvcindex-development-key-NOT-SECRET"

// checkPIIKeyLength refuses a personal-data key shorter than
// config.MinPIIKeyBytes (sync and serve; doctor reports it as a problem).
func checkPIIKeyLength(key string) error {
	if key != "" && len(key) < config.MinPIIKeyBytes {
		return usagef("pii.key is only %d bytes long: use at least %d random bytes (e.g. `openssl rand -hex 32`); a short key can be guessed, and with it every hashed ID number", len(key), config.MinPIIKeyBytes)
	}
	return nil
}

// scrubber returns the Pseudonymizer that scrubs the raw records of the
// sources that do not require pii.key (petitions, procedures, bcqg,
// evaluation); nil when no key is set, so that their values outside the
// allow-list are dropped instead of hashed (transform.Dropped).
func (a *app) scrubber() *transform.Pseudonymizer {
	key := a.cfg.PII.Key.Reveal()
	if key == "" {
		return nil
	}
	p, err := transform.NewPseudonymizer([]byte(key))
	if err != nil {
		return nil
	}
	return p
}

// normalizer builds the dossier normalizer, refusing to run without a
// personal-data key unless the development flag says otherwise.
func (a *app) normalizer(source string, unsafeDevKey bool) (*transform.Normalizer, error) {
	key := a.cfg.PII.Key.Reveal()
	if key == "" {
		if !unsafeDevKey {
			return nil, usagef("pii.key is not set: personal data (names, ID numbers, phones, emails) must be hashed with a secret key before it reaches ClickHouse; set DVC_PII_KEY or pii.key, or pass --unsafe-dev-pii-key for a throwaway development database")
		}
		a.log.Warn().Msg("--unsafe-dev-pii-key: hashing personal data with a PUBLIC development key; the hashes can be reversed by guessing — never use this on real data")
		key = devPIIKey
	}
	if err := checkPIIKeyLength(key); err != nil {
		return nil, err
	}
	pii, err := transform.NewPseudonymizer([]byte(key))
	if err != nil {
		return nil, fmt.Errorf("personal-data key: %w", err)
	}
	units, err := transform.DefaultUnits()
	if err != nil {
		return nil, fmt.Errorf("load reference units: %w", err)
	}
	return transform.NewNormalizer(transform.NormalizerOptions{
		Units: units, PII: pii, Location: transform.HoChiMinh(), Now: a.now, Source: source,
	})
}
