package load

import (
	"fmt"
	"sort"

	"github.com/ClickHouse/clickhouse-go/v2"
)

// PortableSettings is the allow-list of ClickHouse settings dvcindex may send
// on a connection or name in a SETTINGS clause: integer or boolean settings
// that exist, with the same meaning, on 18.16 (CI's server) and on current
// releases (24.x, 25.x). clickhouse-go sends connection settings as
// "important", so a server that does not know one refuses every query while
// ping still succeeds; that is why nothing outside this list is ever sent.
// insert_distributed_sync is an alias of distributed_foreground_insert on
// current releases. An Int64 setting (distributed_ddl_task_timeout) reaches
// 18.16 zigzag-decoded from the unsigned varint clickhouse-go sends (3
// arrives as -2): send one only as ddlTimeoutValue does, read back. The SQL lint (internal/sqllint) checks SETTINGS clauses
// against the same list.
func PortableSettings() map[string]bool {
	return map[string]bool{
		"join_use_nulls":                     true,
		"max_threads":                        true,
		"max_memory_usage":                   true,
		"max_execution_time":                 true,
		"max_block_size":                     true,
		"max_insert_block_size":              true,
		"max_bytes_before_external_group_by": true,
		"max_bytes_before_external_sort":     true,
		"insert_distributed_sync":            true,
		"insert_quorum":                      true,
		"insert_deduplicate":                 true,
		"select_sequential_consistency":      true,
		"distributed_ddl_task_timeout":       true,
	}
}

// connectionSettings are sent with every query. join_use_nulls is pinned to
// its 18.16 default, which is also the current default, so that a server
// profile that changes it cannot change what an unmatched LEFT JOIN column
// holds (every query is written for 0: defaults, not NULLs). On a cluster,
// insert_distributed_sync makes an insert into a Distributed table return
// only once every shard it touched has stored its rows: a batch is
// acknowledged, and a watermark moves, only after that.
func connectionSettings(cluster bool) clickhouse.Settings {
	set := clickhouse.Settings{"join_use_nulls": 0}
	if cluster {
		set["insert_distributed_sync"] = 1
	}
	return set
}

// checkSettings reports the settings that are not in PortableSettings, so
// that Open refuses them before a server does.
func checkSettings(set clickhouse.Settings) error {
	allowed := PortableSettings()
	var bad []string
	for name, v := range set {
		if !allowed[name] {
			bad = append(bad, name)
			continue
		}
		switch v.(type) {
		case int, int64, uint64, bool:
		default:
			bad = append(bad, fmt.Sprintf("%s (value %T is not an integer or boolean)", name, v))
		}
	}
	if len(bad) == 0 {
		return nil
	}
	sort.Strings(bad)
	return fmt.Errorf("clickhouse connection settings outside the portable allow-list: %v", bad)
}
