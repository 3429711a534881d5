package web

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/dvcindex/dvcindex/internal/ward"
)

// OpenOnUse is a Source opened on its first use (serve starts while
// ClickHouse is down): a failed open is retried by the next request; the
// first success is kept.
func OpenOnUse(open func(ctx context.Context) (ward.Source, error)) ward.Source {
	return &lazySource{open: open}
}

type lazySource struct {
	open func(ctx context.Context) (ward.Source, error)
	mu   sync.Mutex
	src  ward.Source
}

func (l *lazySource) get(ctx context.Context) (ward.Source, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.src != nil {
		return l.src, nil
	}
	src, err := l.open(ctx)
	if err != nil {
		return nil, fmt.Errorf("web: open the source: %w", err)
	}
	l.src = src
	return src, nil
}

func (l *lazySource) Units(ctx context.Context) ([]ward.UnitPeriods, error) {
	src, err := l.get(ctx)
	if err != nil {
		return nil, err
	}
	return src.Units(ctx)
}

func (l *lazySource) Page(ctx context.Context, unit, period string) (ward.Page, error) {
	src, err := l.get(ctx)
	if err != nil {
		return ward.Page{}, err
	}
	return src.Page(ctx, unit, period)
}

func (l *lazySource) Dossiers(ctx context.Context, unit, period, metric string, offset, limit int) ([]ward.Dossier, int, error) {
	src, err := l.get(ctx)
	if err != nil {
		return nil, 0, err
	}
	return src.Dossiers(ctx, unit, period, metric, offset, limit)
}

// Serve serves h on addr until ctx is cancelled, then shuts down within
// five seconds; listening, if set, is told the address once it listens.
// It returns nil after a shutdown asked by ctx.
func Serve(ctx context.Context, addr string, h http.Handler, listening func(addr string)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("web: listen on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10}
	if listening != nil {
		listening(ln.Addr().String())
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("web: HTTP server on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("web: shut down %s: %w", ln.Addr(), err)
	}
	return nil
}
