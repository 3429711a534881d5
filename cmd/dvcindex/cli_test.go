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
			[]string{"migrate", "sync", "backfill", "compute", "explain", "watch", "report", "serve", "doctor", "refdata", "version", "--config"}, nil},
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
		{"watch needs a unit", []string{"watch"}, nil, exitUsage, nil, []string{"unit"}},
		{"watch rejects a bad format", []string{"watch", "--unit", "21640", "--format", "xml"}, nil, exitUsage, nil, []string{"--format"}},
		{"watch rejects a bad moment", []string{"watch", "--unit", "21640", "--as-of", "tomorrow"}, nil, exitUsage, nil, []string{"--as-of", "RFC 3339"}},
		{"watch rejects a bad period", []string{"watch", "--unit", "21640", "--period", "2024-Q5"}, nil, exitUsage, nil, []string{"2024-Q5"}},
		{"explain rejects a bad indicator", []string{"explain", "--unit", "21637", "--period", "2024", "--indicator", "speed"}, nil, exitUsage, nil, []string{"unknown indicator"}},
		{"report rejects a bad format", []string{"report", "--period", "2024", "--format", "pdf", "--out", "x.pdf"}, nil, exitUsage, nil, []string{"--format"}},
		{"serve refuses to start without a personal-data key", []string{"serve"}, []string{"DVC_PII_KEY="}, exitUsage, nil, []string{"pii.key"}},
		{"sync refuses a short personal-data key", []string{"sync", "--source", "procedures"}, []string{"DVC_PII_KEY=0123456789abcdef0123456789abcde"},
			exitUsage, nil, []string{"pii.key is only 31 bytes long"}},
		{"serve refuses a short personal-data key", []string{"serve"}, []string{"DVC_PII_KEY=0123456789abcdef0123456789abcde"},
			exitUsage, nil, []string{"pii.key is only 31 bytes long"}},
		{"serve rejects a bad schedule", []string{"serve"}, []string{"DVC_SCHEDULE_SYNC=@often"}, exitUsage, nil, []string{"schedule.sync"}},
		{"serve help", []string{"serve", "--help"}, nil, exitOK, []string{"/metrics", "/readyz", "grace_period", "CRON_TZ"}, nil},
		{"doctor reports problems with exit 1", []string{"doctor"}, []string{"DVC_CLICKHOUSE_ADDR=127.0.0.1:1", "DVC_PORTAL_BASE_URL=http://127.0.0.1:1", "DVC_PORTAL_MAX_RETRIES=0"},
			exitFailure, []string{"PROBLEM  clickhouse.addr", "PROBLEM  pii.key", "fix:"}, []string{"doctor found"}},
		{"backfill needs its flags", []string{"backfill", "--source", "dossiers"}, nil, exitUsage, nil, []string{"from"}},
		{"backfill rejects a bad date", []string{"backfill", "--source", "dossiers", "--from", "2024-13-01", "--to", "2024-02-01"}, nil, exitUsage, nil, []string{"--from"}},
		{"backfill rejects an open window", []string{"backfill", "--source", "dossiers", "--from", "2024-01-01", "--to", "2999-01-01"}, nil, exitUsage, nil, []string{"closed window"}},
		{"backfill rejects procedures", []string{"backfill", "--source", "procedures", "--from", "2024-01-01", "--to", "2024-02-01"}, nil, exitUsage, nil, []string{"whole catalogue"}},
		// Said before any connection: the ClickHouse here is unreachable.
		{"files needs an inbox", []string{"sync", "--source", "files"}, []string{"DVC_CLICKHOUSE_ADDR=127.0.0.1:1", "DVC_CLICKHOUSE_DIAL_TIMEOUT=100ms", "DVC_FILES_INBOX="},
			exitUsage, nil, []string{"files.inbox is not set", "DVC_FILES_INBOX"}},
		{"bad source override", []string{"migrate"}, []string{"DVC_SOURCES_BCQG_PAGE_SIZE=5000"}, exitUsage, nil, []string{"sources.bcqg.page_size"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expectCLI(t, tt.env, tt.args, tt.wantCode, tt.wantOut, tt.wantErr)
		})
	}
}

// expectCLI runs a command line and requires its exit code and the
// substrings of its stdout and stderr.
func expectCLI(t *testing.T, env, args []string, wantCode int, wantOut, wantErr []string) {
	t.Helper()
	code, out, errs := runCLI(t, env, args...)
	if code != wantCode {
		t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, wantCode, out, errs)
	}
	for _, s := range wantOut {
		if !strings.Contains(out, s) {
			t.Errorf("stdout lacks %q:\n%s", s, out)
		}
	}
	for _, s := range wantErr {
		if !strings.Contains(errs, s) {
			t.Errorf("stderr lacks %q:\n%s", s, errs)
		}
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
