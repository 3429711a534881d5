// Package pipeline is the run engine of dvcindex: it owns every run that
// moves data from a source into ClickHouse (extract → transform → load) and
// the compute run that recomputes the index from what was loaded.
//
// Ownership: a source is a registered value (registry.go; one file per
// source, source_*.go) of one of four kinds — windowed (incremental windows
// on a cursor), keyed (per unit and period), snapshot (a whole catalogue)
// and file (an inbox of exports). The kinds are small types over one run
// lifecycle (run.go): a row in v_runs when the run starts, the work, the
// final row with its counts and status, and the observer told about it.
// Backfill is a runner over the windowed and keyed kinds. The command line
// (cmd/dvcindex) keeps flags, printing and wiring; the daemon only
// schedules Engine calls.
//
// Invariants:
//   - A run is success only when it proved it read everything the source
//     reported (extract's completeness checks); otherwise it fails and its
//     watermark stays where the last proved window left it.
//   - A watermark moves only after every batch of a window was
//     acknowledged by ClickHouse, and never past the portal's own clock.
//   - A record that fails normalization becomes a reject with its scrubbed
//     payload and the field that failed; it never stops the run.
//   - A dry run reads and normalizes but writes nothing, not even v_runs.
//   - The engine holds no package-level mutable state: the registry is
//     written only by init functions, before main runs.
package pipeline
