// Package syncio has the writers that several goroutines share: the
// daemon's jobs printing to one stdout, the pipeline's stages logging to
// one sink, tests reading what they wrote. It owns no state of its own.
package syncio

import (
	"bytes"
	"io"
	"sync"
)

// Writer serializes writes to W: one Write is written whole before the
// next starts.
type Writer struct {
	mu sync.Mutex
	W  io.Writer
}

// Write writes p to W under the lock.
func (l *Writer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.W.Write(p)
}

// Buffer is a bytes.Buffer safe for concurrent writers and readers.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (s *Buffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String is what was written so far.
func (s *Buffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
