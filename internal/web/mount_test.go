package web

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/dvcindex/dvcindex/config"
	"github.com/dvcindex/dvcindex/internal/daemon"
	"github.com/dvcindex/dvcindex/load"
)

// TestServeMountsThePage runs the daemon with the page mounted: /metrics
// and /healthz keep priority and need no login, every other path is the
// page's (behind its basic auth).
func TestServeMountsThePage(t *testing.T) {
	users, err := LoadUsers("testdata/users/good.csv")
	if err != nil {
		t.Fatal(err)
	}
	var cfg config.Config
	cfg.Serve.Addr = "127.0.0.1:0"
	addrc := make(chan string, 1)
	d, err := daemon.New(daemon.Options{Config: cfg, Log: zerolog.Nop(),
		OpenStore: func(context.Context) (*load.Store, error) { return nil, errors.New("no ClickHouse in this test") },
		Web:       New(Options{Source: newFixture(), Users: users, Log: zerolog.Nop()}),
		Listening: func(addr string) { addrc <- addr }})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	var addr string
	select {
	case addr = <-addrc:
	case err := <-done:
		t.Fatalf("serve stopped: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not listen")
	}
	cases := []struct {
		path, user, pass string
		status           int
		contains         string
	}{
		{"/healthz", "", "", 200, "ok"},
		{"/metrics", "", "", 200, "# HELP"},
		{"/", "", "", 401, "Cần đăng nhập"},
		{"/", "bongson", "bs-pass", 200, "Phường Bồng Sơn"},
		{"/units/21664/2025-Q2", "bongson", "bs-pass", 200, "Điểm có thể lấy lại"},
		{"/units/21670/2025-Q2", "bongson", "bs-pass", 403, "Không có quyền xem"},
	}
	client := &http.Client{Timeout: 15 * time.Second}
	for _, c := range cases {
		req, err := http.NewRequest("GET", "http://"+addr+c.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if c.user != "" {
			req.SetBasicAuth(c.user, c.pass)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.status || !strings.Contains(string(b), c.contains) {
			t.Errorf("%s as %q: %d, want %d with %q", c.path, c.user, resp.StatusCode, c.status, c.contains)
		}
	}
}
