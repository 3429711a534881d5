package load

import (
	"context"
	"fmt"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
)

// Schema drift (migration 0012): what keys the records of each source
// carried, and the changes a run saw.

const (
	schemaFieldsSQL = `SELECT field, json_type, first_seen, last_seen, records
FROM {db}.schema_fields FINAL WHERE source = @source`
	insertSchemaFieldsSQL = `INSERT INTO {db}.schema_fields (source, field, json_type, first_seen, last_seen, records, version)`
	schemaDriftSQL        = `SELECT source, field, change, detail, first_seen, last_seen, records, example, run_id, resolved_at
FROM {db}.schema_drift FINAL WHERE source = @source OR @source = ''
ORDER BY source, field, change`
	insertSchemaDriftSQL = `INSERT INTO {db}.schema_drift (source, field, change, detail, first_seen, last_seen, records, example,
run_id, resolved_at, version)`
)

// SchemaField is how many records of a source carried a key with a JSON
// type (Field "" counts every record).
type SchemaField struct {
	Source, Field, Type string
	FirstSeen, LastSeen time.Time
	Records             uint64
}

// Drift is one change of a source's records (v_schema_drift).
type Drift struct {
	Source, Field, Change, Detail string
	FirstSeen, LastSeen           time.Time
	Records                       uint64
	Example                       string // as archived: scrubbed
	RunID                         string
	ResolvedAt                    *time.Time
}

// Drift changes.
const (
	DriftAdded   = "added"
	DriftRemoved = "removed"
	DriftRetyped = "retyped"
)

// SchemaFields reads what the records of source have carried so far.
func (s *Store) SchemaFields(ctx context.Context, source string) ([]SchemaField, error) {
	rows, err := s.conn.Query(ctx, s.SQL(schemaFieldsSQL), clickhouse.Named("source", source))
	if err != nil {
		return nil, fmt.Errorf("read the schema of %s: %w", source, err)
	}
	defer rows.Close()
	var out []SchemaField
	for rows.Next() {
		f := SchemaField{Source: source}
		if err := rows.Scan(&f.Field, &f.Type, &f.FirstSeen, &f.LastSeen, &f.Records); err != nil {
			return nil, fmt.Errorf("read the schema of %s: %w", source, err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// WriteSchemaFields replaces the rows of the given fields.
func (s *Store) WriteSchemaFields(ctx context.Context, fields []SchemaField) error {
	version := uint64(time.Now().UnixNano())
	err := s.insertRows(ctx, s.opts.Logger, insertSchemaFieldsSQL, len(fields), func(i int) []any {
		f := &fields[i]
		return []any{f.Source, f.Field, f.Type, f.FirstSeen, f.LastSeen, f.Records, version}
	})
	if err != nil {
		return fmt.Errorf("write the schema fields: %w", err)
	}
	return nil
}

// SchemaDrift reads the drift of source ("" for every source).
func (s *Store) SchemaDrift(ctx context.Context, source string) ([]Drift, error) {
	rows, err := s.conn.Query(ctx, s.SQL(schemaDriftSQL), clickhouse.Named("source", source))
	if err != nil {
		return nil, fmt.Errorf("read the schema drift: %w", err)
	}
	defer rows.Close()
	var out []Drift
	for rows.Next() {
		var d Drift
		if err := rows.Scan(&d.Source, &d.Field, &d.Change, &d.Detail, &d.FirstSeen, &d.LastSeen, &d.Records, &d.Example,
			&d.RunID, &d.ResolvedAt); err != nil {
			return nil, fmt.Errorf("read the schema drift: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// WriteSchemaDrift replaces the rows of the given changes.
func (s *Store) WriteSchemaDrift(ctx context.Context, drift []Drift) error {
	version := uint64(time.Now().UnixNano())
	err := s.insertRows(ctx, s.opts.Logger, insertSchemaDriftSQL, len(drift), func(i int) []any {
		d := &drift[i]
		return []any{d.Source, d.Field, d.Change, d.Detail, d.FirstSeen, d.LastSeen, d.Records, d.Example, d.RunID,
			d.ResolvedAt, version}
	})
	if err != nil {
		return fmt.Errorf("write the schema drift: %w", err)
	}
	return nil
}
