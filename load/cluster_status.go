package load

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
)

// What doctor reports of a cluster: every node of it, each node's replicas
// of this database, and ZooKeeper.

const (
	clusterNodesSQL = `SELECT shard_num, replica_num, host_name, port FROM system.clusters
WHERE cluster = @cluster ORDER BY shard_num, replica_num`
	replicasSQL = `SELECT table, is_readonly, queue_size, absolute_delay, active_replicas, total_replicas
FROM system.replicas WHERE database = @db ORDER BY table`
	zookeeperSQL = `SELECT count() FROM system.zookeeper WHERE path = '/'`
)

// ClusterNode is one server of the cluster as its configuration names it,
// and what it answered.
type ClusterNode struct {
	Shard, Replica uint32
	Addr           string
	Err            error // the node did not answer, or could not list its replicas
	Version        string
	Replicas       []ReplicaStatus
}

// ReplicaStatus is one replicated table of the database on one node
// (system.replicas).
type ReplicaStatus struct {
	Table         string
	ReadOnly      bool   // lost its ZooKeeper session: takes no insert
	Queue         uint32 // fetches and merges it has still to do
	Delay         uint64 // seconds behind the most recent part of its shard
	Active, Total uint8  // replicas of the table alive in ZooKeeper
}

// ClusterNodes lists the cluster's nodes (system.clusters) and asks each of
// them, with a short timeout, its version and its replicas.
func (s *Store) ClusterNodes(ctx context.Context) ([]ClusterNode, error) {
	rows, err := s.conn.Query(ctx, clusterNodesSQL, clickhouse.Named("cluster", s.Cluster()))
	if err != nil {
		return nil, fmt.Errorf("list the nodes of cluster %s: %w", s.Cluster(), err)
	}
	var nodes []ClusterNode
	for rows.Next() {
		var n ClusterNode
		var host string
		var port uint16
		if err := rows.Scan(&n.Shard, &n.Replica, &host, &port); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list the nodes of cluster %s: %w", s.Cluster(), err)
		}
		n.Addr = net.JoinHostPort(host, strconv.Itoa(int(port)))
		nodes = append(nodes, n)
	}
	rows.Close()
	if len(nodes) == 0 {
		return nil, fmt.Errorf("cluster %s is not in the server's remote_servers", s.Cluster())
	}
	for i := range nodes {
		nodes[i].Version, nodes[i].Replicas, nodes[i].Err = s.askNode(ctx, nodes[i].Addr)
	}
	return nodes, nil
}

// askNode opens one node and reads its version and replicas.
func (s *Store) askNode(ctx context.Context, addr string) (string, []ReplicaStatus, error) {
	opts := s.opts
	opts.Addr, opts.Addrs, opts.DialTimeout = addr, []string{addr}, min(opts.DialTimeout, 3*time.Second)
	node, err := Open(ctx, opts)
	if err != nil {
		return "", nil, err
	}
	defer node.Close()
	version, err := node.ServerVersion(ctx)
	if err != nil {
		return "", nil, err
	}
	rows, err := node.conn.Query(ctx, replicasSQL, clickhouse.Named("db", s.Database()))
	if err != nil {
		return version, nil, fmt.Errorf("read system.replicas: %w", err)
	}
	defer rows.Close()
	var out []ReplicaStatus
	for rows.Next() {
		var r ReplicaStatus
		var ro uint8
		if err := rows.Scan(&r.Table, &ro, &r.Queue, &r.Delay, &r.Active, &r.Total); err != nil {
			return version, nil, fmt.Errorf("read system.replicas: %w", err)
		}
		r.ReadOnly = ro == 1
		out = append(out, r)
	}
	return version, out, rows.Err()
}

// ZooKeeperReachable asks the connected node to list ZooKeeper's root.
func (s *Store) ZooKeeperReachable(ctx context.Context) error {
	if _, err := s.Count(ctx, zookeeperSQL); err != nil {
		return fmt.Errorf("read ZooKeeper through system.zookeeper: %w", err)
	}
	return nil
}
