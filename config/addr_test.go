package config

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestClickHouseAddrList: clickhouse.addr takes one address, several
// separated by commas, or a YAML list, from the file or the environment.
func TestClickHouseAddrList(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name, yaml string
		env        []string
		want       AddrList
	}{
		{"default", "", nil, AddrList{"127.0.0.1:9000"}},
		{"one", "clickhouse:\n  addr: ch1:9000\n", nil, AddrList{"ch1:9000"}},
		{"commas", "clickhouse:\n  addr: ch1:9000, ch2:9000\n", nil, AddrList{"ch1:9000", "ch2:9000"}},
		{"list", "clickhouse:\n  addr:\n    - ch1:9000\n    - ch2:9440\n", nil, AddrList{"ch1:9000", "ch2:9440"}},
		{"env", "", []string{"DVC_CLICKHOUSE_ADDR=ch3:9000,ch4:9000"}, AddrList{"ch3:9000", "ch4:9000"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := ""
			if c.yaml != "" {
				path = filepath.Join(dir, c.name+".yml")
				if err := os.WriteFile(path, []byte(c.yaml), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			cfg, err := Load(path, c.env)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(cfg.ClickHouse.Addr, c.want) {
				t.Fatalf("addr %v; want %v", cfg.ClickHouse.Addr, c.want)
			}
			if v, _ := cfg.Value("clickhouse.addr"); v != c.want.String() {
				t.Errorf("printed as %q; want %q", v, c.want.String())
			}
		})
	}
	if _, err := Load("", []string{"DVC_CLICKHOUSE_ADDR=ch1:9000,nohost"}); err == nil {
		t.Error("an address without a port in the list was accepted")
	}
}
