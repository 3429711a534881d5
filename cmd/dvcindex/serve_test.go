package main

import "github.com/dvcindex/dvcindex/internal/syncio"

// syncBuffer is a buffer safe for the concurrent writers of serve.
type syncBuffer = syncio.Buffer
