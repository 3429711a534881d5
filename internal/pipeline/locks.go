package pipeline

import (
	"context"
	"fmt"
	"sync"
)

// Locks serializes, inside one serve process, the runs that fetch one
// source: the scheduled sync of bcqg and the compute that reads the BCQG
// counts it misses must not fetch the same units and periods at once (twice
// the portal's load, two runs writing the same rows). A run takes its
// source's lock for as long as it fetches; one that finds it taken waits,
// then sees what the other loaded. Locks are per process: a CLI command
// run beside the daemon does not take them. The zero of *Locks (nil)
// locks nothing, for commands run once.
type Locks struct {
	mu     sync.Mutex
	held   map[string]chan struct{} // closed when released
	onWait func(source string)      // called when a run must wait (SetOnWait)
}

// NewLocks returns an empty set of source locks.
func NewLocks() *Locks { return &Locks{held: map[string]chan struct{}{}} }

// Lock takes source's lock, waiting while another run holds it, until ctx
// ends. The returned function releases it (once).
func (l *Locks) Lock(ctx context.Context, source string) (unlock func(), err error) {
	if l == nil {
		return func() {}, nil
	}
	for {
		l.mu.Lock()
		busy, ok := l.held[source]
		if !ok {
			mine := make(chan struct{})
			l.held[source] = mine
			l.mu.Unlock()
			var once sync.Once
			return func() {
				once.Do(func() {
					l.mu.Lock()
					delete(l.held, source)
					l.mu.Unlock()
					close(mine)
				})
			}, nil
		}
		wait := l.onWait
		l.mu.Unlock()
		if wait != nil {
			wait(source)
		}
		select {
		case <-busy:
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for the running fetch of %s: %w", source, ctx.Err())
		}
	}
}

// SetOnWait sets a function called whenever a run must wait for another
// run's lock (tests use it to know a run is waiting).
func (l *Locks) SetOnWait(f func(source string)) {
	l.mu.Lock()
	l.onWait = f
	l.mu.Unlock()
}
