package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dvcindex/dvcindex/cmd/portalsim/simulator"
	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/load/chtest"
)

// The cluster's tests run on the 2 shards × 2 replicas that
// scripts/clickhouse-cluster.sh starts (DVC_TEST_CLICKHOUSE_CLUSTER; make
// test sets it). Nodes 1 and 2 are shard 1's replicas, nodes 3 and 4 shard 2's.

// clusterNode stops or starts node n of the test cluster with the script
// that started it (the same CLUSTER_DIR and ports, from the environment).
func clusterNode(t *testing.T, action string, n int) {
	t.Helper()
	script, err := filepath.Abs("../../scripts/clickhouse-cluster.sh")
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(script, action, fmt.Sprint(n)).CombinedOutput()
	if err != nil {
		t.Fatalf("clickhouse-cluster.sh %s %d: %v\n%s", action, n, err, out)
	}
}

// demoData is the demo's portal (seed 7, 2024, ward 21640 syncing late) at
// the size of a test.
func demoData(n int) simulator.Options {
	o := simOptions(n)
	o.Seed = 7
	o.From = time.Date(2024, 1, 1, 0, 0, 0, 0, simulator.Location)
	o.To = time.Date(2024, 12, 31, 0, 0, 0, 0, simulator.Location)
	o.LateSyncUnit = "21640"
	return o
}

// TestClusterComputesWhatOneServerComputes loads the demo's data into one
// server and into the cluster, computes 2024-Q2 on both, and requires the
// same v_indicator_metrics, v_indicator_scores and findings, the same
// explain, and the dossiers really spread over both shards.
func TestClusterComputesWhatOneServerComputes(t *testing.T) {
	o := demoData(2500)
	one := newHarnessOn(t, o, chtest.Options(t))
	cl := newHarnessOn(t, o, chtest.ClusterOptions(t))
	for _, h := range []*harness{one, cl} {
		if code, out, errs := h.run(nil, "migrate"); code != 0 {
			t.Fatalf("migrate exit %d: %s %s", code, out, errs)
		}
		h.syncAll()
		if code, out, errs := h.run(nil, "compute", "--period", "2024-Q2"); code != 0 {
			t.Fatalf("compute exit %d: %s %s", code, out, errs)
		}
	}
	for _, q := range []string{
		`SELECT period, unit_code, indicator, metric, numerator, denominator, ratio, score, max_score, points_lost, scope
		 FROM {db}.v_indicator_metrics ORDER BY period, unit_code, indicator, metric`,
		`SELECT period, unit_code, indicator, score, max_score FROM {db}.v_indicator_scores ORDER BY period, unit_code, indicator`,
		`SELECT unit_code, metric, finding, count() FROM {db}.v_dossier_findings GROUP BY unit_code, metric, finding
		 ORDER BY unit_code, metric, finding`,
		`SELECT unit_code, count(), sum(cityHash64(dossier_id, version)) FROM {db}.v_dossiers GROUP BY unit_code ORDER BY unit_code`,
	} {
		want, got := rowsOf(t, one.store, q), rowsOf(t, cl.store, q)
		if len(want) == 0 {
			t.Fatalf("no rows on one server: the comparison would prove nothing\n%s", q)
		}
		if !reflect.DeepEqual(want, got) {
			t.Errorf("the cluster differs from one server (%d rows against %d)\n%s\nfirst difference: %s",
				len(got), len(want), q, firstDifference(want, got))
		}
	}
	if a, b := explainJSON(t, one, nil), explainJSON(t, cl, nil); !reflect.DeepEqual(a, b) {
		t.Errorf("explain differs on the cluster:\none server %+v\ncluster    %+v", a, b)
	}
	if a, b := reportMD(t, one), reportMD(t, cl); a != b {
		t.Errorf("the report differs on the cluster: %s", firstDifference(strings.Split(a, "\n"), strings.Split(b, "\n")))
	}
	assertSpread(t, cl)
}

// reportMD runs report --format md for 2024-Q2 and returns it.
func reportMD(t *testing.T, h *harness) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "report.md")
	if code, out, errs := h.run(nil, "report", "--period", "2024-Q2", "--format", "md", "--out", path); code != 0 {
		t.Fatalf("report exit %d: %s %s", code, out, errs)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// assertSpread: both shards hold dossiers, and the shards' local tables
// add up to the Distributed table.
func assertSpread(t *testing.T, h *harness) {
	t.Helper()
	total := h.count("SELECT count() FROM {db}.dossiers")
	var sum uint64
	for _, node := range []int{1, 3} {
		n := nodeCount(t, h, node, "SELECT count() FROM {db}.dossiers_local")
		if n == 0 {
			t.Errorf("node %d (shard %d) holds no dossier: nothing is sharded", node, (node+1)/2)
		}
		sum += n
	}
	if sum != total {
		t.Errorf("the shards hold %d dossier rows, the Distributed table %d", sum, total)
	}
}

// nodeCount runs a count on one node of the test cluster.
func nodeCount(t *testing.T, h *harness, node int, q string) uint64 {
	t.Helper()
	c := chtest.Cluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := load.Open(ctx, load.Options{Addr: c.Addrs[node-1], Database: h.store.Database()})
	if err != nil {
		t.Fatalf("node %d: %v", node, err)
	}
	defer s.Close()
	n, err := s.Count(ctx, q)
	if err != nil {
		t.Fatalf("node %d: %s: %v", node, q, err)
	}
	return n
}

// rowsOf reads every row of q as text.
func rowsOf(t *testing.T, s *load.Store, q string) []string {
	t.Helper()
	rows, err := s.Conn().Query(context.Background(), s.SQL(q))
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		vals := make([]any, len(rows.ColumnTypes()))
		for i, ct := range rows.ColumnTypes() {
			vals[i] = reflect.New(ct.ScanType()).Interface()
		}
		if err := rows.Scan(vals...); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, v := range vals {
			e := reflect.ValueOf(v).Elem()
			for e.Kind() == reflect.Pointer && !e.IsNil() {
				e = e.Elem()
			}
			fmt.Fprintf(&b, "%v|", e.Interface())
		}
		out = append(out, b.String())
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func firstDifference(want, got []string) string {
	for i := range min(len(want), len(got)) {
		if want[i] != got[i] {
			return fmt.Sprintf("row %d: one server %s, cluster %s", i, want[i], got[i])
		}
	}
	return fmt.Sprintf("one server has %d rows, the cluster %d", len(want), len(got))
}

// heldPortal serves sim and holds the first request of the third dossier
// window until release is closed; reached is closed when it arrives.
func heldPortal(t *testing.T, sim *simulator.Simulator) (url string, reached, release chan struct{}) {
	var mu sync.Mutex
	windows := map[string]bool{}
	reached, release = make(chan struct{}), make(chan struct{})
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v1/dossiers" {
			from := r.URL.Query().Get("updated_from")
			mu.Lock()
			first := !windows[from]
			windows[from] = true
			n := len(windows)
			mu.Unlock()
			if first && n == 3 {
				close(reached)
				<-release
			}
		}
		sim.Handler().ServeHTTP(w, r)
	})
	return newTestServer(t, handler), reached, release
}

// clusterHarness is a harness on a fresh database of the test cluster whose
// portal holds the third window (heldPortal); sync windows of 10 days.
func clusterHarness(t *testing.T, n int) (h *harness, reached, release chan struct{}) {
	o := simOptions(n)
	h = newHarnessOn(t, o, chtest.ClusterOptions(t))
	url, reached, release := heldPortal(t, h.sim)
	h.env = append(h.env, "DVC_PORTAL_BASE_URL="+url, "DVC_PORTAL_PAGE_SIZE=100", "DVC_SYNC_WINDOW=240h",
		"DVC_CLICKHOUSE_MAX_RETRIES=3", "DVC_CLICKHOUSE_RETRY_WAIT=200ms", "DVC_CLICKHOUSE_DIAL_TIMEOUT=1s")
	if code, out, errs := h.run(nil, "migrate"); code != 0 {
		t.Fatalf("migrate exit %d: %s %s", code, out, errs)
	}
	return h, reached, release
}

// syncWhile runs a dossier sync, and when its third window is requested,
// calls during (with the watermark of the two windows before it) and then
// lets the sync go on. It returns the sync's exit code and stderr.
func syncWhile(t *testing.T, h *harness, reached, release chan struct{}, during func(before time.Time)) (int, string) {
	t.Helper()
	type result struct {
		code int
		errs string
	}
	done := make(chan result, 1)
	go func() {
		code, _, errs := h.run(nil, "sync", "--source", "dossiers", "--once")
		done <- result{code, errs}
	}()
	select {
	case <-reached:
	case r := <-done:
		t.Fatalf("sync ended (exit %d) before its third window: %s", r.code, r.errs)
	case <-time.After(3 * time.Minute): // a hang guard, not a speed limit
		t.Fatal("the third window was never requested within 3 minutes")
	}
	before, ok := h.watermark("dossiers")
	if !ok {
		t.Fatal("no watermark after two windows")
	}
	during(before)
	close(release)
	select {
	case r := <-done:
		return r.code, r.errs
	case <-time.After(5 * time.Minute): // a hang guard
		t.Fatal("sync did not end within 5 minutes")
	}
	return 0, ""
}

// TestClusterReplicaStoppedMidSync stops one replica of shard 2 while a sync
// runs: the sync finishes on the other replica, and once the stopped one
// is back, both replicas of each shard hold every row.
func TestClusterReplicaStoppedMidSync(t *testing.T) {
	h, reached, release := clusterHarness(t, 900)
	t.Cleanup(func() { clusterNode(t, "start-node", 3) })
	code, errs := syncWhile(t, h, reached, release, func(time.Time) { clusterNode(t, "stop-node", 3) })
	if code != exitOK {
		t.Fatalf("sync with one replica of shard 2 stopped: exit %d\n%.3000s", code, errs)
	}
	assertExactDossiers(t, h.store, h.sim)
	clusterNode(t, "start-node", 3)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := h.store.SyncReplicas(ctx); err != nil {
		t.Fatal(err)
	}
	for _, shard := range [][2]int{{1, 2}, {3, 4}} {
		a := nodeCount(t, h, shard[0], "SELECT count() FROM {db}.dossiers_local")
		b := nodeCount(t, h, shard[1], "SELECT count() FROM {db}.dossiers_local")
		if a != b || a == 0 {
			t.Errorf("replicas of one shard differ: node %d holds %d rows, node %d %d", shard[0], a, shard[1], b)
		}
	}
}

// TestClusterShardDownFailsTheRun stops both replicas of shard 2 while a
// sync runs: the run fails with its watermark where the last window fully
// loaded left it, and the next run, with the shard back, is exact.
func TestClusterShardDownFailsTheRun(t *testing.T) {
	h, reached, release := clusterHarness(t, 900)
	t.Cleanup(func() {
		clusterNode(t, "start-node", 3)
		clusterNode(t, "start-node", 4)
	})
	var before time.Time
	code, errs := syncWhile(t, h, reached, release, func(wm time.Time) {
		before = wm
		clusterNode(t, "stop-node", 3)
		clusterNode(t, "stop-node", 4)
	})
	if code != exitFailure {
		t.Fatalf("sync with shard 2 down: exit %d, want %d\n%.3000s", code, exitFailure, errs)
	}
	if after, _ := h.watermark("dossiers"); !after.Equal(before) {
		t.Fatalf("watermark moved from %s to %s although shard 2 was down", before, after)
	}
	code, out, _ := h.run(nil, "doctor")
	for _, want := range []string{"ZooKeeper reachable", "node shard 1 replica 1", "node shard 1 replica 2",
		"PROBLEM  clickhouse.cluster: node shard 2 replica 1", "PROBLEM  clickhouse.cluster: node shard 2 replica 2"} {
		if !strings.Contains(out, want) {
			t.Errorf("doctor with shard 2 down (exit %d) does not say %q:\n%s", code, want, out)
		}
	}
	clusterNode(t, "start-node", 3)
	clusterNode(t, "start-node", 4)
	if code, out, errs := h.run(nil, "sync", "--source", "dossiers", "--once"); code != exitOK {
		t.Fatalf("next run exit %d: %s %.3000s", code, out, errs)
	}
	assertExactDossiers(t, h.store, h.sim)
}

// TestClusterMigrateWithANodeDown: migrate while node 4 is stopped fails
// once the ON CLUSTER statements time out on it, records nothing it did not
// finish, and run again after node 4 returns it completes, with node 4
// holding every table node 1 holds and no migration applied twice.
func TestClusterMigrateWithANodeDown(t *testing.T) {
	chOpts := chtest.ClusterOptions(t)
	h := &harness{t: t, env: append(chtest.Env(chOpts), "DVC_CLICKHOUSE_DDL_TIMEOUT=3s", "DVC_LOG_FORMAT=json")}
	t.Cleanup(func() { clusterNode(t, "start-node", 4) })
	clusterNode(t, "stop-node", 4)
	code, _, errs := h.run(nil, "migrate")
	if code == exitOK {
		t.Fatal("migrate succeeded with node 4 down: its statements cannot have reached node 4")
	}
	if !strings.Contains(errs, "distributed_ddl_task_timeout") {
		t.Errorf("migrate with node 4 down does not say it timed out waiting for a node:\n%.2000s", errs)
	}
	clusterNode(t, "start-node", 4)
	if code, out, errs := h.run(nil, "migrate"); code != exitOK {
		t.Fatalf("migrate after node 4 returned: exit %d: %s %.2000s", code, out, errs)
	}
	h.store = chtest.StoreWith(t, chOpts) // migrated: opens, finds nothing pending, drops the database at the end
	const tables = "SELECT count() FROM system.tables WHERE database = '%s'"
	one, four := nodeCount(t, h, 1, fmt.Sprintf(tables, chOpts.Database)), nodeCount(t, h, 4, fmt.Sprintf(tables, chOpts.Database))
	if one < 40 || four != one {
		t.Errorf("node 1 holds %d tables and views, node 4 %d", one, four)
	}
	all, err := load.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	if n := h.count("SELECT count() FROM {db}.schema_migrations"); n != uint64(len(all)) {
		t.Errorf("schema_migrations holds %d rows for %d migrations: one was recorded twice or not at all", n, len(all))
	}
}
