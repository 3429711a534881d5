package doctor

import (
	"context"
	"fmt"

	"github.com/dvcindex/dvcindex/load"
)

// maxReplicaDelay is how far (seconds) a replica may trail its shard before
// doctor calls it a problem: reads through the Distributed tables may be
// served by it.
const maxReplicaDelay = 300

// checkCluster reports, on a cluster (clickhouse.cluster), ZooKeeper as the
// connected node sees it, then every node of the cluster: whether it
// answers, and its replicas of the database (read-only, queue, delay,
// replicas alive).
func (d *Doctor) checkCluster(ctx context.Context, r *report, store *load.Store) {
	name := d.cfg.ClickHouse.Cluster
	if err := store.ZooKeeperReachable(ctx); err != nil {
		r.problem("clickhouse.cluster", err.Error(), "check the servers' <zookeeper> section and that ZooKeeper is running: replicated tables take no insert without it.")
	} else {
		r.ok("ZooKeeper reachable from the connected node")
	}
	nodes, err := store.ClusterNodes(ctx)
	if err != nil {
		r.problem("clickhouse.cluster", err.Error(), fmt.Sprintf("set clickhouse.cluster to a cluster of the servers' remote_servers (SELECT DISTINCT cluster FROM system.clusters), not %q.", name))
		return
	}
	for _, n := range nodes {
		label := fmt.Sprintf("node shard %d replica %d (%s)", n.Shard, n.Replica, n.Addr)
		if n.Err != nil {
			r.problem("clickhouse.cluster", fmt.Sprintf("%s: %v", label, n.Err),
				"start the node: its shard is served by its other replicas meanwhile; with every replica of a shard down, syncs fail and keep their watermark.")
			continue
		}
		d.reportReplicas(r, label, n)
	}
}

// reportReplicas reports one node's replicas of the database.
func (d *Doctor) reportReplicas(r *report, label string, n load.ClusterNode) {
	var queue uint32
	missing := 0
	for _, rep := range n.Replicas {
		queue += rep.Queue
		if rep.Active < rep.Total {
			missing++
		}
		switch {
		case rep.ReadOnly:
			r.problem("clickhouse.cluster", fmt.Sprintf("%s: table %s is read-only (no ZooKeeper session)", label, rep.Table),
				"check the node's connection to ZooKeeper; inserts routed to this replica fail until it is back.")
		case rep.Delay > maxReplicaDelay:
			r.problem("clickhouse.cluster", fmt.Sprintf("%s: table %s is %d s behind its shard (queue %d)", label, rep.Table, rep.Delay, rep.Queue),
				"look at system.replication_queue on the node (last_exception) and its server log.")
		}
	}
	if missing > 0 {
		r.info("%s: %d tables miss a replica that ZooKeeper does not see alive (a node is down)", label, missing)
	}
	r.ok("%s: up, version %s, %d replicated tables, replication queue %d", label, n.Version, len(n.Replicas), queue)
}
