//go:build !race

// The Prometheus tests run in make test's race-free step (scripts/test.sh):
// they start serve, a private ClickHouse and a private Prometheus, and under
// the race detector would lengthen the slowest package by minutes; serve's
// code is race-tested by its own tests.

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/load/chtest"
)

// The Prometheus tests run Debian's prometheus and promtool (2.42,
// scripts/prometheus-test.sh install): promtool lints serve's /metrics,
// and a private Prometheus (its own data dir and port, never the system
// service) scrapes serve and evaluates docs/deploy/alerts.yml.

// alertsFile is the shipped rule file, relative to this package.
const alertsFile = "../../docs/deploy/alerts.yml"

// promTool returns the path of a Prometheus binary (prometheus, promtool).
// It is called after the test ClickHouse is known to be configured, so a
// missing binary fails the test instead of skipping it.
func promTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is not installed: run scripts/prometheus-test.sh install as root (make test does), or apt-get install -y prometheus", name)
	}
	return p
}

// TestMetricsPassPromtool: serve's /metrics, after a sync job and the
// watch after it ran, passes `promtool check metrics` (names, units, suffixes, help texts).
func TestMetricsPassPromtool(t *testing.T) {
	h := newHarness(t, simOptions(300))
	promtool := promTool(t, "promtool")
	env := append(append([]string{}, h.env...), "DVC_SERVE_ADDR=127.0.0.1:0", "DVC_SCHEDULE_SYNC=@every 1s",
		"DVC_SCHEDULE_COMPUTE=", "DVC_SCHEDULE_REPORT=")
	s := startServe(t, env, serveHooks{})
	// Every family has samples: a finished run (the histogram), the last
	// success, and a readiness probe that reached ClickHouse.
	waitFor(t, 3*time.Minute, "a successful dossier sync, a readiness probe and a watch", func() bool {
		m := scrape(t, s.addr)
		return m[`dvcindex_sync_run_duration_seconds_count{source="dossiers",status="success"}`] >= 1 &&
			m[`dvcindex_ready{check="clickhouse"}`] == 1 &&
			hasSeries(m, "dvcindex_at_risk_items{") && hasSeries(m, "dvcindex_points_at_risk{")
	})
	code, body := httpGet(t, "http://"+s.addr+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d %s", code, body)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, promtool, "check", "metrics")
	cmd.Stdin = strings.NewReader(body)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("promtool check metrics: %v; its complaints:\n%s", err, out)
	}
	t.Logf("promtool check metrics: exit 0 on %d lines", strings.Count(body, "\n"))
}

// hasSeries reports whether a scrape has a series whose name and labels
// start with prefix.
func hasSeries(m map[string]float64, prefix string) bool {
	for k := range m {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

// TestPrometheusScrapesServe runs a private Prometheus against serve (with
// @every schedules, on a private ClickHouse of its own, ports 19210/18310)
// with the shipped alert rules. Through Prometheus' HTTP API: up is 1; the
// labels are what docs/deploy/alerts_test.yml assumes; the loaded counter
// summed equals v_runs; no alert fires while all is well; with ClickHouse
// stopped the readiness expression of DvcindexClickHouseUnreachable holds
// and that alert and DvcindexJobFailing fire; with it back, the expression
// clears.
func TestPrometheusScrapesServe(t *testing.T) {
	chtest.Addr(t) // integration test: skipped without a test ClickHouse
	bin := promTool(t, "prometheus")
	rules, unreachable := alertRulesForTest(t)
	addr, ctl := startPrivateClickHouse(t, 19210, 18310)
	chOpts := load.Options{Addr: addr, Database: chtest.NewDatabaseName(), DialTimeout: 2 * time.Second, RetryWait: 50 * time.Millisecond}
	h := newHarnessOn(t, simOptions(300), chOpts)
	// Sync every 10s: the runs leave quiet spans in which Prometheus' last
	// scrape and v_runs can agree.
	env := append(append([]string{}, h.env...), "DVC_SERVE_ADDR=127.0.0.1:0", "DVC_SCHEDULE_SYNC=@every 10s",
		"DVC_SCHEDULE_COMPUTE=", "DVC_SCHEDULE_REPORT=", "DVC_CLICKHOUSE_DIAL_TIMEOUT=1s",
		"DVC_CLICKHOUSE_MAX_RETRIES=1", "DVC_CLICKHOUSE_RETRY_WAIT=100ms",
		// The evaluation source (every period since sync.since from the
		// reporting API) takes half a minute and adds nothing to what is
		// checked here: it stays disabled.
		"DVC_EVALUATION_ROOT_DEPARTMENT_ID=")
	s := startServe(t, env, serveHooks{})
	p := startPrometheus(t, bin, s.addr, rules)
	begin := time.Now()

	waitFor(t, 3*time.Minute, "a successful sync run of every source", func() bool {
		for _, src := range []string{"dossiers", "petitions", "procedures", "bcqg"} {
			if !h.hasSuccess(src) {
				return false
			}
		}
		return true
	})
	t.Logf("every source synced %s after serve started", time.Since(begin).Round(100*time.Millisecond))
	p.assertHealthy(t, h, unreachable)

	stopping := time.Now()
	ctl("stop")
	// The probe runs every 15s, then a scrape and an evaluation (1s each).
	waitFor(t, 2*time.Minute, unreachable+" with ClickHouse stopped", func() bool { return len(p.query(t, unreachable)) == 1 })
	t.Logf("%s held %s after the stop began", unreachable, time.Since(stopping).Round(100*time.Millisecond))
	waitFor(t, time.Minute, "DvcindexClickHouseUnreachable and DvcindexJobFailing firing", func() bool {
		firing := p.alerts(t, "firing")
		// The summary names the failed job: the rule reads exported_job. A
		// watch cut short by the stop may fail too: a sync must be among them.
		return firing["DvcindexClickHouseUnreachable"] != "" && strings.Contains(firing["DvcindexJobFailing"], "dvcindex job sync ")
	})
	if up := p.value(t, `up{job="dvcindex"}`); up != 1 {
		t.Errorf(`up{job="dvcindex"} = %v with ClickHouse stopped: /metrics must not depend on it`, up)
	}

	ctl("start")
	started := time.Now()
	waitFor(t, 2*time.Minute, unreachable+" to clear with ClickHouse back", func() bool { return len(p.query(t, unreachable)) == 0 })
	t.Logf("%s cleared %s after the restart", unreachable, time.Since(started).Round(100*time.Millisecond))
	if _, err := s.stop(); err != nil {
		t.Fatal(err)
	}
}

// assertHealthy, with serve synced and ClickHouse up: after two scrapes up
// is 1; the series carry the labels docs/deploy/alerts_test.yml assumes;
// the loaded counter summed equals v_runs; the readiness expression
// unreachable does not hold and no alert fires.
func (p *privateProm) assertHealthy(t *testing.T, h *harness, unreachable string) {
	t.Helper()
	waitFor(t, time.Minute, "two scrapes of serve", func() bool { return p.value(t, `count_over_time(up{job="dvcindex"}[1m])`) >= 2 })
	if up := p.value(t, `up{job="dvcindex"}`); up != 1 {
		t.Fatalf(`up{job="dvcindex"} = %v, want 1`, up)
	}
	// The daemon's job label clashes with the target's: Prometheus keeps it
	// as exported_job, the shape the alert rules and their tests use.
	const runs = `dvcindex_job_runs_total{job="dvcindex",exported_job="sync dossiers"}`
	if v := p.query(t, runs); len(v) != 1 {
		t.Fatalf("%s: %d series, want 1", runs, len(v))
	}
	p.assertLoadedMatchesRuns(t, h)
	// The rules run on their own 1s clock: wait for an evaluation that saw
	// what the query just saw (every source's last success).
	p.waitEvaluation(t, time.Now())
	if v := p.query(t, unreachable); len(v) != 0 {
		t.Fatalf("%s holds with ClickHouse up: %v", unreachable, v)
	}
	if firing := p.alerts(t, "firing"); len(firing) != 0 {
		t.Fatalf("alerts firing while all is well: %v", firing)
	}
}

// alertRulesForTest returns docs/deploy/alerts.yml with every `for:`
// shortened to 1s, and the expression of DvcindexClickHouseUnreachable.
// Only the copy is changed: Prometheus holds an alert pending for its
// `for:` (5m to 2h in production), which a test cannot wait; the durations
// themselves are tested by promtool test rules (alerts_test.yml).
func alertRulesForTest(t *testing.T) (rules []byte, unreachableExpr string) {
	t.Helper()
	src, err := os.ReadFile(alertsFile)
	if err != nil {
		t.Fatal(err)
	}
	rules = regexp.MustCompile(`(?m)^(\s+for:\s*)\S+\s*$`).ReplaceAll(src, []byte("${1}1s"))
	var f struct {
		Groups []struct {
			Rules []struct {
				Alert, Expr, For string
			}
		}
	}
	if err := yaml.Unmarshal(rules, &f); err != nil {
		t.Fatalf("%s: %v", alertsFile, err)
	}
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			if r.For != "" && r.For != "1s" {
				t.Fatalf("rule %s: for %q left unshortened in the copy", r.Alert, r.For)
			}
			if r.Alert == "DvcindexClickHouseUnreachable" {
				unreachableExpr = strings.TrimSpace(r.Expr)
			}
		}
	}
	if unreachableExpr == "" {
		t.Fatalf("%s has no DvcindexClickHouseUnreachable rule", alertsFile)
	}
	return rules, unreachableExpr
}

// hasSuccess reports whether v_runs holds a successful run of source.
func (h *harness) hasSuccess(source string) bool {
	return h.count("SELECT count() FROM {db}.v_runs WHERE source = ? AND status = ?", source, load.RunSuccess) > 0
}

// privateProm is a Prometheus server of the test's own.
type privateProm struct {
	base string // http://127.0.0.1:port
	log  *syncBuffer
}

// startPrometheus runs bin with its own data dir, a free loopback port,
// the rules given and one scrape job, dvcindex, of target (scrape and
// evaluation every 1s), until the test ends.
func startPrometheus(t *testing.T, bin, target string, rules []byte) *privateProm {
	t.Helper()
	dir := t.TempDir()
	cfg := fmt.Sprintf(`global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files: [alerts.yml]
scrape_configs:
  - job_name: dvcindex
    static_configs:
      - targets: [%q]
`, target)
	for name, body := range map[string][]byte{"prometheus.yml": []byte(cfg), "alerts.yml": rules} {
		if err := os.WriteFile(filepath.Join(dir, name), body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	listen := ln.Addr().String()
	_ = ln.Close()
	p := &privateProm{base: "http://" + listen, log: &syncBuffer{}}
	cmd := exec.Command(bin, "--config.file="+filepath.Join(dir, "prometheus.yml"), "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+listen, "--log.level=warn")
	cmd.Stdout, cmd.Stderr = p.log, p.log
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() { stopProcess(t, cmd, exited) })
	deadline := time.After(time.Minute) // a hang guard, not a speed limit
	for {
		if code, _ := httpGet(t, p.base+"/-/ready"); code == http.StatusOK {
			return p
		}
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("prometheus exited (%v) before it was ready:\n%s", err, p.log)
		case <-deadline:
			t.Fatalf("prometheus not ready on %s within a minute:\n%s", listen, p.log)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// stopProcess sends SIGTERM and waits up to 30s, then kills.
func stopProcess(t *testing.T, cmd *exec.Cmd, exited chan error) {
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		<-exited
		t.Errorf("prometheus did not stop within 30s of SIGTERM: killed")
	}
}

// promSample is one element of an instant vector of /api/v1/query.
type promSample struct {
	Metric map[string]string `json:"metric"`
	Value  [2]any            `json:"value"` // [unix time, "value"]
}

// query evaluates q now and returns the instant vector.
func (p *privateProm) query(t *testing.T, q string) []promSample {
	t.Helper()
	var r struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			ResultType string       `json:"resultType"`
			Result     []promSample `json:"result"`
		} `json:"data"`
	}
	p.get(t, "/api/v1/query?query="+url.QueryEscape(q), &r)
	if r.Status != "success" || r.Data.ResultType != "vector" {
		t.Fatalf("query %s: status %s, result type %q: %s", q, r.Status, r.Data.ResultType, r.Error)
	}
	return r.Data.Result
}

// value is the value of q's single sample, or -1 if q has none.
func (p *privateProm) value(t *testing.T, q string) float64 {
	t.Helper()
	v := p.query(t, q)
	if len(v) == 0 {
		return -1
	}
	if len(v) > 1 {
		t.Fatalf("query %s: %d samples, want one", q, len(v))
	}
	s, _ := v[0].Value[1].(string)
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("query %s: value %v: %v", q, v[0].Value, err)
	}
	return f
}

// alerts returns the alerts in state ("firing", "pending"), name → summary
// (the summaries of an alert that fires for several series, e.g. two
// failed jobs, sorted and joined by " | ").
func (p *privateProm) alerts(t *testing.T, state string) map[string]string {
	t.Helper()
	var r struct {
		Data struct {
			Alerts []struct {
				Labels      map[string]string `json:"labels"`
				Annotations map[string]string `json:"annotations"`
				State       string            `json:"state"`
			} `json:"alerts"`
		} `json:"data"`
	}
	p.get(t, "/api/v1/alerts", &r)
	all := map[string][]string{}
	for _, a := range r.Data.Alerts {
		if a.State == state {
			all[a.Labels["alertname"]] = append(all[a.Labels["alertname"]], a.Annotations["summary"])
		}
	}
	out := map[string]string{}
	for name, sums := range all {
		sort.Strings(sums)
		out[name] = strings.Join(sums, " | ")
	}
	return out
}

// waitEvaluation waits until every rule group was evaluated after since.
func (p *privateProm) waitEvaluation(t *testing.T, since time.Time) {
	t.Helper()
	waitFor(t, time.Minute, "a rule evaluation after "+since.Format(time.RFC3339Nano), func() bool {
		var r struct {
			Data struct {
				Groups []struct {
					LastEvaluation time.Time `json:"lastEvaluation"`
				} `json:"groups"`
			} `json:"data"`
		}
		p.get(t, "/api/v1/rules", &r)
		for _, g := range r.Data.Groups {
			if !g.LastEvaluation.After(since) {
				return false
			}
		}
		return len(r.Data.Groups) > 0
	})
}

// get decodes the JSON answer of the API path into v.
func (p *privateProm) get(t *testing.T, path string, v any) {
	t.Helper()
	code, body := httpGet(t, p.base+path)
	if code != http.StatusOK {
		t.Fatalf("GET %s: %d %s\nprometheus log:\n%s", path, code, body, p.log)
	}
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("GET %s: %v: %s", path, err, body)
	}
}

// runTotalsSQL sums the rows the daemon's runs loaded, and counts its runs
// and the ones still running.
const runTotalsSQL = "SELECT sum(loaded), count(), countIf(status = ?) FROM {db}.v_runs"

type runTotals struct{ loaded, runs, running uint64 }

func (h *harness) runTotals() runTotals {
	h.t.Helper()
	var r runTotals
	row := h.store.Conn().QueryRow(context.Background(), h.store.SQL(runTotalsSQL), load.RunRunning)
	if err := row.Scan(&r.loaded, &r.runs, &r.running); err != nil {
		h.t.Fatalf("%s: %v", runTotalsSQL, err)
	}
	return r
}

// assertLoadedMatchesRuns: sum(dvcindex_sync_records_loaded_total) in
// Prometheus equals sum(loaded) of v_runs. Runs finish every 10s, so the
// two are compared when v_runs is the same before and after the query and
// no run is in progress.
func (p *privateProm) assertLoadedMatchesRuns(t *testing.T, h *harness) {
	t.Helper()
	const q = "sum(dvcindex_sync_records_loaded_total)"
	var last string
	deadline := time.Now().Add(2 * time.Minute) // a hang guard
	for time.Now().Before(deadline) {
		before := h.runTotals()
		got := p.value(t, q)
		after := h.runTotals()
		if before == after && before.running == 0 && got == float64(before.loaded) {
			if before.loaded == 0 {
				t.Fatal("v_runs holds no loaded row: nothing was compared")
			}
			t.Logf("%s = %v = sum(loaded) of %d runs in v_runs", q, got, before.runs)
			return
		}
		last = fmt.Sprintf("%s = %v; v_runs before %+v, after %+v", q, got, before, after)
		time.Sleep(300 * time.Millisecond)
	}
	t.Fatalf("Prometheus never agreed with v_runs within 2 minutes; last: %s", last)
}
