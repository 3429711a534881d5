package main

import (
	"context"
	"fmt"
	"net/http"

	"github.com/spf13/cobra"

	"github.com/dvcindex/dvcindex/internal/pipeline"
	"github.com/dvcindex/dvcindex/internal/ward"
	"github.com/dvcindex/dvcindex/internal/web"
	"github.com/dvcindex/dvcindex/load"
)

func newWebCmd(a *app) *cobra.Command {
	addr := "127.0.0.1:9109"
	cmd := &cobra.Command{
		Use:   "web",
		Short: "Serve the units' page (read-only) until interrupted",
		Long: `Serves the units' page (docs/web.md) on --addr until SIGTERM or SIGINT; it only
reads. With serve.web.users_file: basic auth, each user sees its units only;
without it no login, so keep --addr on loopback or behind a TLS reverse proxy.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.web(cmd.Context(), addr) },
	}
	cmd.Flags().StringVar(&addr, "addr", addr, "listen address (host:port)")
	return cmd
}

// web serves the units' page until ctx is cancelled.
func (a *app) web(ctx context.Context, addr string) error {
	var store *load.Store // opened once the users file proved good; the page asks after that
	h, err := a.webHandler(func(context.Context) (*load.Store, error) { return store, nil })
	if err != nil {
		return err
	}
	if store, err = a.openStore(ctx); err != nil {
		return err
	}
	defer store.Close()
	return web.Serve(ctx, addr, h, func(addr string) { fmt.Fprintf(a.stdout, "trang đơn vị: http://%s/\n", addr) })
}

// webHandler is the units' page over the store open returns (called on
// first use, again after a failure), behind serve.web.users_file's basic
// auth when set (loaded now: a bad file fails the start).
func (a *app) webHandler(open func(context.Context) (*load.Store, error)) (http.Handler, error) {
	var users *web.Users
	if f := a.cfg.Serve.Web.UsersFile; f != "" {
		u, err := web.LoadUsers(f)
		if err != nil {
			return nil, pipeline.Usagef("serve.web.users_file: %v", err)
		}
		users = u
	}
	set := a.engine(false).IndicatorSettings()
	src := web.OpenOnUse(func(ctx context.Context) (ward.Source, error) {
		st, err := open(ctx)
		if err != nil {
			return nil, err
		}
		return ward.NewStore(st, set), nil
	})
	return web.New(web.Options{Source: src, Users: users, Log: a.log}), nil
}
