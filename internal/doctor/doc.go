// Package doctor owns the checks of `dvcindex doctor`: the configuration
// (every key with its origin, every problem at once), the reference data
// files (refdata:, loaded as every run loads them), the schedules, the
// personal-data key, ClickHouse (reachable, version, rights, schema,
// freshness of every source), one read of each registered source (portal
// probes, the file inbox, the national reporting API) and, instead of all
// that, the ClickHouse self-test (load/selftest).
//
// A Doctor is built from Options (New) and prints its report as the checks
// run (Run); the command line only loads the configuration and wires the
// Doctor.
//
// Invariants:
//   - Doctor never prints a secret: passwords and the personal-data key are
//     printed as [redacted] or by length, staff accounts by count, URLs
//     through internal/redact.
//   - Every problem names the key concerned and its fix in one sentence;
//     Run returns a Problems error exactly when it printed a problem.
//   - Doctor writes nothing to ClickHouse but a probe table (doctor_probe_*,
//     Memory engine) that it drops, and the self-test's scratch database
//     (dropped by load/selftest).
//   - The package holds no mutable state; the sources come from the
//     pipeline registry, read-only after init.
package doctor
