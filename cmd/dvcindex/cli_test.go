package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func runCLI(t *testing.T, env []string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb, env)
	return code, out.String(), errb.String()
}

func TestCLIContract(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		env      []string
		wantCode int
		wantOut  []string // substrings of stdout
		wantErr  []string // substrings of stderr
	}{
		{"help lists every command", []string{"--help"}, nil, exitOK,
			[]string{"migrate", "sync", "backfill", "compute", "explain", "report", "serve", "doctor", "version", "--config"}, nil},
		{"sync help", []string{"sync", "--help"}, nil, exitOK, []string{"--source", "--once", "--dry-run", "--unsafe-dev-pii-key", "safety_lag"}, nil},
		{"version", []string{"version"}, nil, exitOK, []string{"dvcindex", "schema migrations"}, nil},
		{"unknown command is usage", []string{"frobnicate"}, nil, exitUsage, nil, []string{"unknown command"}},
		{"unknown flag is usage", []string{"sync", "--nope"}, nil, exitUsage, nil, []string{"unknown flag"}},
		{"unknown source is usage", []string{"sync", "--source", "tweets"}, nil, exitUsage, nil, []string{"unknown source"}},
		{"bad config is usage", []string{"migrate"}, []string{"DVC_CLICKHOUSE_ADDR=nohost"}, exitUsage, nil, []string{"clickhouse.addr"}},
		{"unknown env key", []string{"migrate"}, []string{"DVC_CLICKHOUSE_ADRESS=x:1"}, exitUsage, nil, []string{"DVC_CLICKHOUSE_ADRESS"}},
		{"compute needs a period", []string{"compute"}, nil, exitUsage, nil, []string{"period"}},
		{"compute rejects a bad period", []string{"compute", "--period", "2024-Q5"}, nil, exitUsage, nil, []string{"2024-Q5"}},
		{"explain rejects a bad format", []string{"explain", "--unit", "21637", "--period", "2024", "--format", "xml"}, nil, exitUsage, nil, []string{"--format"}},
		{"explain rejects a bad indicator", []string{"explain", "--unit", "21637", "--period", "2024", "--indicator", "speed"}, nil, exitUsage, nil, []string{"unknown indicator"}},
		{"report not implemented", []string{"report", "--period", "2024", "--format", "md", "--out", "x.md"}, nil, exitFailure, nil, []string{"not implemented yet"}},
		{"serve not implemented", []string{"serve"}, nil, exitFailure, nil, []string{"not implemented yet"}},
		{"doctor not implemented", []string{"doctor"}, nil, exitFailure, nil, []string{"not implemented yet"}},
		{"backfill not implemented", []string{"backfill", "--source", "dossiers", "--from", "2024-01-01", "--to", "2024-02-01"}, nil, exitFailure, nil, []string{"not implemented yet"}},
		{"other sources not implemented", []string{"sync", "--source", "files"}, nil, exitFailure, nil, []string{"not implemented yet"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCLI(t, tt.env, tt.args...)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.wantCode, out, errs)
			}
			for _, s := range tt.wantOut {
				if !strings.Contains(out, s) {
					t.Errorf("stdout lacks %q:\n%s", s, out)
				}
			}
			for _, s := range tt.wantErr {
				if !strings.Contains(errs, s) {
					t.Errorf("stderr lacks %q:\n%s", s, errs)
				}
			}
		})
	}
}

func TestSecretsNeverInErrors(t *testing.T) {
	env := []string{"DVC_CLICKHOUSE_PASSWORD=ch-s3cret", "DVC_PORTAL_PASSWORD=portal-s3cret", "DVC_PII_KEY=pii-s3cret",
		"DVC_CLICKHOUSE_ADDR=127.0.0.1:1", "DVC_CLICKHOUSE_DIAL_TIMEOUT=200ms"}
	code, out, errs := runCLI(t, env, "migrate")
	if code != exitFailure {
		t.Fatalf("exit %d; %s", code, errs)
	}
	for _, s := range []string{"ch-s3cret", "portal-s3cret", "pii-s3cret"} {
		if strings.Contains(out+errs, s) {
			t.Fatalf("secret %q printed:\n%s%s", s, out, errs)
		}
	}
}
