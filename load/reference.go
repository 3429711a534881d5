package load

import (
	"context"
	"fmt"
	"time"

	"github.com/dvcindex/dvcindex/transform"
)

const (
	insertUnitsSQL = `INSERT INTO {db}.units (code, valid_from, valid_to, name, type, district_code, district_name,
province_code, province_name, merged_into, version)`
	insertSuccessorsSQL = `INSERT INTO {db}.unit_successors (from_code, to_code, effective_from, version)`
	insertProceduresSQL = `INSERT INTO {db}.procedures (national_code, name, field_code, levels, time_limit_days, has_fees,
online_level, result_is_document, decision_no, decision_date, legal_basis_date, public_date, content_full, group_code,
e_certified_copy, raw, synced_at, run_id, version)`
	insertTimeLimitsSQL = `INSERT INTO {db}.procedure_time_limits (national_code, valid_from, days, decision, version)`
)

// RefreshUnits writes the reference units and their successors. It is run by
// migrate, so the tables always match the reference data of the binary.
func (s *Store) RefreshUnits(ctx context.Context, units []transform.Unit, successors []transform.UnitSuccessor) error {
	v := uint64(time.Now().UnixNano())
	err := s.insertRows(ctx, s.opts.Logger, insertUnitsSQL, len(units), func(i int) []any {
		u := units[i]
		return []any{u.Code, civil(u.ValidFrom), civilPtr(u.ValidTo), u.Name, u.Type, u.DistrictCode, u.DistrictName,
			u.ProvinceCode, u.ProvinceName, u.MergedInto, v}
	})
	if err != nil {
		return fmt.Errorf("load units: %w", err)
	}
	err = s.insertRows(ctx, s.opts.Logger, insertSuccessorsSQL, len(successors), func(i int) []any {
		su := successors[i]
		return []any{su.From, su.To, civil(su.Date), v}
	})
	if err != nil {
		return fmt.Errorf("load unit_successors: %w", err)
	}
	return nil
}

// CatalogueEntry is a normalized procedure with its raw record.
type CatalogueEntry struct {
	Procedure transform.Procedure
	Raw       string
}

// WriteCatalogue writes one catalogue snapshot: the procedures and their
// time-limit history, all with the same version, so v_procedure_time_limits
// shows exactly this snapshot's history.
func (s *Store) WriteCatalogue(ctx context.Context, runID string, entries []CatalogueEntry) error {
	now := time.Now()
	v := uint64(now.UnixNano())
	for start := 0; start < len(entries); start += s.opts.BatchRows {
		batch := entries[start:min(start+s.opts.BatchRows, len(entries))]
		err := s.insertRows(ctx, s.opts.Logger, insertProceduresSQL, len(batch), func(i int) []any {
			p := &batch[i].Procedure
			levels := p.Levels
			if levels == nil {
				levels = []string{}
			}
			return []any{p.NationalCode, p.Name, p.FieldCode, levels, p.TimeLimitDays, b2u(p.HasFees),
				p.OnlineLevel, b2u(p.ResultIsDocument), p.DecisionNo, civilPtr(p.DecisionDate), civilPtr(p.LegalBasisDate), civilPtr(p.PublicDate),
				b2u(p.ContentFull), p.Group, b2u(p.ECertifiedCopy), batch[i].Raw, now, runID, v}
		})
		if err != nil {
			return fmt.Errorf("load procedures batch at %d: %w", start, err)
		}
		type row struct {
			code string
			tl   transform.TimeLimit
		}
		var limits []row
		for _, e := range batch {
			for _, tl := range e.Procedure.TimeLimits {
				limits = append(limits, row{e.Procedure.NationalCode, tl})
			}
		}
		err = s.insertRows(ctx, s.opts.Logger, insertTimeLimitsSQL, len(limits), func(i int) []any {
			return []any{limits[i].code, civil(limits[i].tl.ValidFrom), limits[i].tl.Days, limits[i].tl.Decision, v}
		})
		if err != nil {
			return fmt.Errorf("load procedure_time_limits batch at %d: %w", start, err)
		}
	}
	return nil
}

// civil turns a local date into the UTC midnight of the same calendar day:
// a ClickHouse Date is a day number, and the driver derives it from the
// instant, so a local midnight east of UTC would land on the day before.
func civil(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func civilPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	c := civil(*t)
	return &c
}
