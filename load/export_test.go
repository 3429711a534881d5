package load

import "context"

// MigrateWith applies a given migration list (tests add one of their own).
func MigrateWith(ctx context.Context, s *Store, all []Migration) ([]Migration, error) {
	return s.migrate(ctx, all)
}

// SetStatementHook makes every compute statement of s (and the compute's
// start and commit markers) call h first; an error from h fails the
// statement. Tests use it to interrupt a compute at a chosen point.
func SetStatementHook(s *Store, h func(stmt string) error) { s.beforeStatement = h }

// RoundScoreSQL is the SQL that rounds a metric's raw_score.
const RoundScoreSQL = roundScoreSQL
