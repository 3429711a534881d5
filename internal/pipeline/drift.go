package pipeline

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
)

// Schema drift: every key of every record read is counted per source and
// JSON type (shape); at the end of a run the counts are added to
// schema_fields and compared with what came before. A key seen for the
// first time that the contract (transform.KnownFields) does not name, a
// key most records had that none of a run's records has, and a key whose
// usual type changed are recorded in v_schema_drift and logged once; the
// drift resolves itself when the contract learns the key, the key comes
// back, or its type returns.

// Thresholds of the removed and retyped checks: small runs and rare keys
// prove nothing.
const (
	driftMinRecords = 100 // records a run (and the history) must have
	driftUsualShare = 0.5 // share of records a key must have had to be missed
	maxExampleBytes = 200
)

// shape counts the keys of the records of one page or run.
type shape struct {
	records uint64
	fields  map[fieldType]*fieldCount
}

type fieldType struct{ field, typ string }

type fieldCount struct {
	n       uint64
	example string // the first value, as archived (scrubbed)
}

func newShape() *shape { return &shape{fields: map[fieldType]*fieldCount{}} }

// visit is a transform.FieldVisit.
func (s *shape) visit(field, jsonType string, scrubbed []byte) {
	k := fieldType{field, jsonType}
	c := s.fields[k]
	if c == nil {
		ex := scrubbed
		if len(ex) > maxExampleBytes {
			ex = ex[:maxExampleBytes]
		}
		c = &fieldCount{example: string(ex)}
		s.fields[k] = c
	}
	c.n++
}

// add merges o into s.
func (s *shape) add(o *shape) {
	if o == nil {
		return
	}
	s.records += o.records
	for k, c := range o.fields {
		if have := s.fields[k]; have != nil {
			have.n += c.n
		} else {
			s.fields[k] = &fieldCount{n: c.n, example: c.example}
		}
	}
}

// byField is the run's counts per key: per type, and the most common type
// other than null.
func (s *shape) byField() map[string]map[string]uint64 {
	out := map[string]map[string]uint64{}
	for k, c := range s.fields {
		if out[k.field] == nil {
			out[k.field] = map[string]uint64{}
		}
		out[k.field][k.typ] += c.n
	}
	return out
}

func (s *shape) example(field string) string {
	best := ""
	for k, c := range s.fields {
		if k.field == field && k.typ != "null" && (best == "" || c.example < best) {
			best = c.example
		}
	}
	return best
}

// usualType is the type (not null) most of the counts have; "" if none.
func usualType(types map[string]uint64) string {
	best, n := "", uint64(0)
	for t, c := range types {
		if t != "null" && (c > n || c == n && t < best) {
			best, n = t, c
		}
	}
	return best
}

// recordDrift adds a run's shape to schema_fields and records what changed.
// A failure is logged: drift must not fail a run that loaded its data.
func (e *Engine) recordDrift(ctx context.Context, r *run, source string, sh *shape) {
	if r.dryRun || sh == nil || sh.records == 0 {
		return
	}
	if err := e.writeDrift(ctx, r, source, sh); err != nil {
		r.log.Error().Err(err).Msg("could not record the schema of the records read (v_schema_drift)")
	}
}

func (e *Engine) writeDrift(ctx context.Context, r *run, source string, sh *shape) error {
	prev, err := r.store.SchemaFields(ctx, source)
	if err != nil {
		return err
	}
	old, err := r.store.SchemaDrift(ctx, source)
	if err != nil {
		return err
	}
	now := e.now()
	d := driftCheck{source: source, now: now, runID: r.row.ID, run: sh, runFields: sh.byField(),
		prev: map[string]map[string]load.SchemaField{}, open: map[string]*load.Drift{},
		known: transform.KnownFields(source)}
	for _, f := range prev {
		if d.prev[f.Field] == nil {
			d.prev[f.Field] = map[string]load.SchemaField{}
		}
		d.prev[f.Field][f.Type] = f
	}
	for i := range old {
		if old[i].ResolvedAt == nil {
			d.open[old[i].Field+"\x00"+old[i].Change] = &old[i]
		}
	}
	changes := d.check()
	for _, c := range changes {
		if c.fresh {
			r.log.Warn().Str("field", c.d.Field).Str("change", c.d.Change).Str("detail", c.d.Detail).
				Uint64("records", c.d.Records).Msg("schema drift: the records of the source changed shape (v_schema_drift)")
		}
	}
	if err := r.store.WriteSchemaFields(ctx, d.fields()); err != nil {
		return err
	}
	var rows []load.Drift
	for _, c := range changes {
		rows = append(rows, c.d)
	}
	if len(rows) == 0 {
		return nil
	}
	return r.store.WriteSchemaDrift(ctx, rows)
}

// driftCheck compares one run's shape with the history.
type driftCheck struct {
	source    string
	now       time.Time
	runID     string
	run       *shape
	runFields map[string]map[string]uint64
	prev      map[string]map[string]load.SchemaField // by field, type ("" counts the records)
	open      map[string]*load.Drift                 // unresolved, by field "\x00" change
	known     []string
}

type driftChange struct {
	d     load.Drift
	fresh bool // first recorded now: logged
}

// check returns the drift rows to write: new ones, updated open ones and
// the ones resolved by this run.
func (d *driftCheck) check() []driftChange {
	var out []driftChange
	fields := map[string]bool{}
	for f := range d.runFields {
		fields[f] = true
	}
	for f := range d.prev {
		if f != "" {
			fields[f] = true
		}
	}
	names := make([]string, 0, len(fields))
	for f := range fields {
		names = append(names, f)
	}
	slices.Sort(names)
	for _, f := range names {
		out = append(out, d.added(f)...)
		out = append(out, d.removed(f)...)
		out = append(out, d.retyped(f)...)
	}
	return out
}

// update records a drift seen again by this run, or a new one.
func (d *driftCheck) update(field, change, detail string, records uint64) driftChange {
	if o := d.open[field+"\x00"+change]; o != nil {
		o.LastSeen, o.Records, o.RunID = d.now, o.Records+records, d.runID
		return driftChange{d: *o}
	}
	return driftChange{fresh: true, d: load.Drift{Source: d.source, Field: field, Change: change, Detail: detail,
		FirstSeen: d.now, LastSeen: d.now, Records: records, Example: d.run.example(field), RunID: d.runID}}
}

// resolve closes an open drift, if there is one.
func (d *driftCheck) resolve(field, change string) []driftChange {
	o := d.open[field+"\x00"+change]
	if o == nil {
		return nil
	}
	at := d.now
	o.ResolvedAt, o.RunID = &at, d.runID
	return []driftChange{{d: *o}}
}

func (d *driftCheck) added(f string) []driftChange {
	n := sum(d.runFields[f])
	switch {
	case n == 0:
		return nil
	case slices.Contains(d.known, f):
		return d.resolve(f, load.DriftAdded)
	case d.prev[f] == nil || d.open[f+"\x00"+load.DriftAdded] != nil:
		return []driftChange{d.update(f, load.DriftAdded, "a key the contract does not name", n)}
	}
	return nil // an unknown key already accepted (its drift resolved)
}

func (d *driftCheck) removed(f string) []driftChange {
	if sum(d.runFields[f]) > 0 {
		return d.resolve(f, load.DriftRemoved)
	}
	total := d.prev[""][""].Records
	had := uint64(0)
	for _, sf := range d.prev[f] {
		had += sf.Records
	}
	if d.run.records < driftMinRecords || total < driftMinRecords || float64(had) < driftUsualShare*float64(total) {
		return nil
	}
	detail := fmt.Sprintf("%d of %d earlier records had it; none of this run's %d", had, total, d.run.records)
	return []driftChange{d.update(f, load.DriftRemoved, detail, d.run.records)}
}

func (d *driftCheck) retyped(f string) []driftChange {
	now := usualType(d.runFields[f])
	if now == "" {
		return nil
	}
	if o := d.open[f+"\x00"+load.DriftRetyped]; o != nil {
		if from, _, _ := strings.Cut(o.Detail, " → "); now == from {
			return d.resolve(f, load.DriftRetyped)
		}
		return []driftChange{d.update(f, load.DriftRetyped, o.Detail, d.runFields[f][now])}
	}
	before := map[string]uint64{}
	for t, sf := range d.prev[f] {
		before[t] = sf.Records
	}
	was := usualType(before)
	if was == "" || was == now || d.run.records < driftMinRecords {
		return nil
	}
	return []driftChange{d.update(f, load.DriftRetyped, was+" → "+now, d.runFields[f][now])}
}

// fields are the schema_fields rows after this run.
func (d *driftCheck) fields() []load.SchemaField {
	out := []load.SchemaField{d.merge("", "", d.run.records)}
	for k, c := range d.run.fields {
		out = append(out, d.merge(k.field, k.typ, c.n))
	}
	return out
}

func (d *driftCheck) merge(field, typ string, n uint64) load.SchemaField {
	f, ok := d.prev[field][typ]
	if !ok {
		f = load.SchemaField{Source: d.source, Field: field, Type: typ, FirstSeen: d.now}
	}
	f.LastSeen, f.Records = d.now, f.Records+n
	return f
}

func sum(m map[string]uint64) uint64 {
	var n uint64
	for _, c := range m {
		n += c
	}
	return n
}
