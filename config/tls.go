package config

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/url"
	"os"

	"github.com/dvcindex/dvcindex/internal/redact"
)

// MinPIIKeyBytes is the shortest pii.key that sync, serve and doctor
// accept: a shorter key can be guessed, and with it every hashed ID number.
const MinPIIKeyBytes = 32

// checkPortalURL returns why raw is not an acceptable portal base URL ("" if
// it is): it must be http(s) with a host, and https unless the host is
// loopback or portal.allow_http is set. The URL is shown redacted.
func (c Config) checkPortalURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Sprintf("%q is not an http(s) URL with a host", redact.URL(raw))
	}
	if u.Scheme == "http" && !IsLoopbackHost(u.Hostname()) && !c.Portal.AllowHTTP {
		return fmt.Sprintf("%q is plain http on a host that is not loopback: credentials and tokens would cross the network in clear; use https, or set portal.allow_http: true for a test portal", redact.URL(raw))
	}
	return ""
}

// IsLoopbackHost reports whether host (no port) names this machine:
// localhost or a loopback address.
func IsLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (c Config) validateTLS() []error {
	var errs []error
	ch := c.ClickHouse
	bad := func(key, msg string) { errs = append(errs, &Error{Key: key, Origin: c.Origin(key), Msg: msg}) }
	if !ch.TLS {
		if ch.CAFile != "" {
			bad("clickhouse.ca_file", "is set but clickhouse.tls is false: set clickhouse.tls: true to use it")
		}
		if ch.TLSServerName != "" {
			bad("clickhouse.tls_server_name", "is set but clickhouse.tls is false: set clickhouse.tls: true to use it")
		}
		return errs
	}
	if ch.CAFile != "" {
		if _, err := loadCAs(ch.CAFile); err != nil {
			bad("clickhouse.ca_file", err.Error())
		}
	}
	return errs
}

// TLSConfig returns the TLS configuration of the ClickHouse connection, or
// nil when clickhouse.tls is false.
func (ch ClickHouse) TLSConfig() (*tls.Config, error) {
	if !ch.TLS {
		return nil, nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: ch.TLSServerName}
	if ch.CAFile != "" {
		pool, err := loadCAs(ch.CAFile)
		if err != nil {
			return nil, fmt.Errorf("clickhouse.ca_file: %w", err)
		}
		cfg.RootCAs = pool
	}
	return cfg, nil
}

func loadCAs(path string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read %q: %v", path, err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%q holds no PEM certificate", path)
	}
	return pool, nil
}
