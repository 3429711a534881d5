package pipeline

import (
	"context"
	"fmt"
	"sort"

	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
)

// A reprocess dry run says what it would change: for the records it
// re-normalized, how many have each field set before (in ClickHouse now)
// and after (today's rules), and the rejects per field before (of the
// archived runs) and after.

// Diff is a dry run's comparison.
type Diff struct {
	Records uint64     // records re-normalized into rows
	Fields  []DiffLine // per field: rows with the field set
	Rejects []DiffLine // per field at fault
}

// DiffLine is one count before and after.
type DiffLine struct {
	Name          string
	Before, After uint64
}

// diffField is one dossier field the diff counts: set in Go, set in SQL.
type diffField struct {
	name  string
	set   func(d *transform.Dossier) bool
	isSet string // SQL over v_dossiers
}

// diffFields are the dossier fields the dry run compares: the ones rules
// derive (hashes, dates, flags, counts), not the identity.
var diffFields = []diffField{
	{"owner_hash", func(d *transform.Dossier) bool { return d.OwnerHash != "" }, "owner_hash != ''"},
	{"id_hash", func(d *transform.Dossier) bool { return d.IDHash != "" }, "id_hash != ''"},
	{"phone_hash", func(d *transform.Dossier) bool { return d.PhoneHash != "" }, "phone_hash != ''"},
	{"email_hash", func(d *transform.Dossier) bool { return d.EmailHash != "" }, "email_hash != ''"},
	{"account_hash", func(d *transform.Dossier) bool { return d.AccountHash != "" }, "account_hash != ''"},
	{"channel_online", func(d *transform.Dossier) bool { return d.Channel == transform.ChannelOnline }, "channel = 'online'"},
	{"received_at", func(d *transform.Dossier) bool { return d.ReceivedAt != nil }, "received_at IS NOT NULL"},
	{"due_at", func(d *transform.Dossier) bool { return d.DueAt != nil }, "due_at IS NOT NULL"},
	{"finished_at", func(d *transform.Dossier) bool { return d.FinishedAt != nil }, "finished_at IS NOT NULL"},
	{"has_digitized", func(d *transform.Dossier) bool { return d.HasDigitized }, "has_digitized = 1"},
	{"vneid", func(d *transform.Dossier) bool { return d.VNeID }, "vneid = 1"},
	{"paid_online", func(d *transform.Dossier) bool { return d.PaidOnline > 0 }, "paid_online > 0"},
	{"rating", func(d *transform.Dossier) bool { return d.Rating > 0 }, "rating > 0"},
	{"doc_digitized", func(d *transform.Dossier) bool { return d.DocDigitized > 0 }, "doc_digitized > 0"},
	{"doc_reused", func(d *transform.Dossier) bool { return d.DocReused > 0 }, "doc_reused > 0"},
	{"result_links", func(d *transform.Dossier) bool { return d.ResultLinks > 0 }, "result_links > 0"},
	{"synced", func(d *transform.Dossier) bool { return d.Synced }, "synced = 1"},
	{"steps", func(d *transform.Dossier) bool { return len(d.Steps) > 0 }, "step_count > 0"},
}

// diffSink counts like a dry run and keeps what the comparison needs.
type diffSink struct {
	dry     *dryRunSink
	ids     []string
	after   map[string]uint64
	rejects map[string]uint64
}

func newDiffSink(stats *syncStats) *diffSink {
	return &diffSink{dry: &dryRunSink{stats: stats, max: maxDryRunRejects}, after: map[string]uint64{}, rejects: map[string]uint64{}}
}

func (s *diffSink) add(ctx context.Context, n normalized) error {
	for _, r := range n.rejects {
		s.rejects[r.Field]++
	}
	for i := range n.dossiers {
		d := &n.dossiers[i]
		s.ids = append(s.ids, d.DossierID)
		for _, f := range diffFields {
			if f.set(d) {
				s.after[f.name]++
			}
		}
	}
	return s.dry.add(ctx, n)
}

func (s *diffSink) done(context.Context) error { return nil }

// diff reads the before side and pairs it with what the sink counted.
func (s *diffSink) diff(ctx context.Context, store *load.Store, source string, runs []load.ArchivedRun) (*Diff, error) {
	out := &Diff{Records: uint64(len(s.ids))}
	if len(s.ids) > 0 {
		exprs := make([]string, len(diffFields))
		for i, f := range diffFields {
			exprs[i] = f.isSet
		}
		before, err := store.CountSet(ctx, s.ids, exprs)
		if err != nil {
			return nil, err
		}
		for i, f := range diffFields {
			out.Fields = append(out.Fields, DiffLine{Name: f.name, Before: before[i], After: s.after[f.name]})
		}
	}
	ids := make([]string, len(runs))
	for i, r := range runs {
		ids[i] = r.RunID
	}
	before, err := store.RejectsByField(ctx, source, ids)
	if err != nil {
		return nil, err
	}
	for f := range s.rejects {
		if _, ok := before[f]; !ok {
			before[f] = 0
		}
	}
	for f := range before {
		out.Rejects = append(out.Rejects, DiffLine{Name: f, Before: before[f], After: s.rejects[f]})
	}
	sort.Slice(out.Rejects, func(i, j int) bool { return out.Rejects[i].Name < out.Rejects[j].Name })
	return out, nil
}

// String is the diff as a table.
func (d *Diff) String() string {
	s := fmt.Sprintf("%d records re-normalized\n", d.Records)
	s += fmt.Sprintf("%-16s %10s %10s\n", "FIELD SET", "BEFORE", "AFTER")
	for _, l := range d.Fields {
		s += fmt.Sprintf("%-16s %10d %10d\n", l.Name, l.Before, l.After)
	}
	s += fmt.Sprintf("%-16s %10s %10s\n", "REJECTS BY FIELD", "BEFORE", "AFTER")
	for _, l := range d.Rejects {
		s += fmt.Sprintf("%-16s %10d %10d\n", l.Name, l.Before, l.After)
	}
	return s
}
