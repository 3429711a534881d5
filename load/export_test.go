package load

import "context"

// MigrateWith applies a given migration list (tests add one of their own).
func MigrateWith(ctx context.Context, s *Store, all []Migration) ([]Migration, error) {
	return s.migrate(ctx, all)
}
