package pipeline

import (
	"context"
	"time"

	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
)

// The petitions source (portal-api.md §2): citizens' petitions (PAKN) by
// windows on NgayCapNhat.
const petitionsPath = "/api/v1/petitions"

func init() {
	Register(Source{Name: "petitions", Rank: 20, Kind: Windowed, Host: PortalHost, Paths: []string{petitionsPath},
		Summary: "petitions (PAKN), by windows on NgayCapNhat", Probe: windowProbe(petitionsPath),
		runner: windowed{path: petitionsPath, key: []string{"NgayCapNhat", "MaPAKN"}, parser: petitionParser}, reparse: petitionParser})
}

// petitionParser normalizes petition pages (as read, or as archived),
// scrubbing the records of rejects with pii.key when it is set.
func petitionParser(e *Engine, _ string, archived bool) (pageNormalizer, error) {
	units, err := e.Units()
	if err != nil {
		return nil, err
	}
	pp := transform.NewPetitionParser(units).WithPII(e.scrubber())
	if archived {
		pp = pp.Archived()
	}
	return recordParser[transform.Petition]{parse: pp.Petition, reject: pp.Reject,
		updated: func(p *transform.Petition) time.Time { return p.UpdatedAt },
		add:     func(ctx context.Context, w *load.Writer, p *transform.Petition) error { return w.AddPetition(ctx, *p) },
	}.page, nil
}
