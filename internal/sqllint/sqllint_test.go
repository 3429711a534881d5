package sqllint

import (
	"slices"
	"testing"
)

func TestCheckRules(t *testing.T) {
	allowed := map[string]bool{"join_use_nulls": true}
	cases := []struct {
		name, sql string
		want      []string // rules, in order
	}{
		{"minute as %M", `SELECT formatDateTime(x, '%Y-%m-%d %H:%M') FROM t`, []string{"date-format-minute"}},
		{"hour:minute as %R", `SELECT formatDateTime(x, '%Y-%m-%d %R') FROM t`, nil},
		{"%M in a comment is fine", "-- '%M'\nSELECT 1", nil},
		{"view with *", `CREATE VIEW IF NOT EXISTS {db}.v AS SELECT * FROM {db}.t FINAL`, []string{"view-select-star"}},
		{"view with t.*", "CREATE VIEW v AS\nSELECT a.* FROM t AS a", []string{"view-select-star"}},
		{"view with columns", `CREATE VIEW v AS SELECT a, b FROM t FINAL`, nil},
		{"select * outside a view", `SELECT * FROM t; CREATE VIEW v AS SELECT a FROM t`, nil},
		{"count(*) in a view", `CREATE VIEW v AS SELECT count(*) AS n FROM t`, nil},
		{"bare join", `SELECT a FROM t JOIN u USING a`, []string{"join-strictness"}},
		{"bare left join", `SELECT a FROM t LEFT JOIN u USING a`, []string{"join-strictness"}},
		{"any left join", `SELECT a FROM t ANY LEFT JOIN u USING a`, nil},
		{"all inner join", `SELECT a FROM t ALL INNER JOIN u USING a`, nil},
		{"global all left join", `SELECT a FROM t GLOBAL ALL LEFT JOIN u USING a`, nil},
		{"any inner join", `SELECT a FROM t ANY INNER JOIN u USING a`, []string{"any-inner-join"}},
		{"array join", `SELECT a FROM t ARRAY JOIN arr AS a2`, nil},
		{"left array join", `SELECT a FROM t LEFT ARRAY JOIN arr AS a2`, nil},
		{"cross join", `SELECT a FROM t CROSS JOIN u`, nil},
		{"arrayJoin function", `SELECT arrayJoin(x) AS y FROM t`, nil},
		{"alias wraps its column", `SELECT max(version) AS version FROM t`, []string{"alias-shadows-column"}},
		{"alias wraps its column deep", `SELECT a, ifNull(b, 0) + 1 AS b FROM t`, []string{"alias-shadows-column"}},
		{"alias of another name", `SELECT max(version) AS v FROM t`, nil},
		{"table made like another", "CREATE TABLE {db}.t ON CLUSTER c AS {db}.t_local ENGINE = Distributed(c, db, t_local, cityHash64(db))", nil},
		{"rename", `SELECT version AS v, t.version AS version FROM t`, nil},
		{"qualified inside", `SELECT max(t.version) AS version FROM t`, nil},
		{"cast", `SELECT CAST(x AS String) AS s FROM t`, nil},
		{"lambda", `SELECT arrayMap(x -> x + 1, arr) AS x FROM t`, nil},
		{"create view as select", `CREATE VIEW v AS SELECT a FROM t`, nil},
		{"setting allowed", `SELECT a FROM t SETTINGS join_use_nulls = 0`, nil},
		{"setting not allowed", `SELECT a FROM t SETTINGS join_use_nulls = 0, allow_experimental_low_cardinality_type = 1`, []string{"setting-not-portable"}},
		{"string with quotes", `SELECT 'it''s %R' AS s, 'a\'b' AS c FROM t`, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, f := range Check(c.sql, allowed) {
				got = append(got, f.Rule)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("Check(%q) = %v; want %v", c.sql, Check(c.sql, allowed), c.want)
			}
		})
	}
}

func TestFindingLine(t *testing.T) {
	f := Check("SELECT a\nFROM t\n\nJOIN u USING a", nil)
	if len(f) != 1 || f[0].Line != 4 {
		t.Fatalf("findings %v; want one on line 4", f)
	}
}

func TestLooksLikeSQL(t *testing.T) {
	for s, want := range map[string]bool{
		"SELECT 1":                        true,
		"  insert into {db}.t (a)":        true,
		"-- comment\nCREATE TABLE x":      true,
		"WITH a AS (SELECT 1) SELECT a":   true,
		"select the period (2024-Q2)":     true,
		"ping clickhouse %s: %w":          false,
		"Creates the database":            false,
		"DROP DATABASE IF EXISTS {db}":    true,
		"dropped: the file moved to done": false,
	} {
		if got := LooksLikeSQL(s); got != want {
			t.Errorf("LooksLikeSQL(%q) = %v; want %v", s, got, want)
		}
	}
}
