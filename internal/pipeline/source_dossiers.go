package pipeline

import (
	"context"
	"net/url"
	"time"

	"github.com/dvcindex/dvcindex/extract"
	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
)

// The dossiers source (portal-api.md §1): dossiers by windows on
// NgayCapNhat. Personal data is hashed with pii.key before it is loaded.
const dossiersPath = "/api/v1/dossiers"

func init() {
	Register(Source{Name: "dossiers", Rank: 10, Kind: Windowed, Host: PortalHost, Paths: []string{dossiersPath},
		Summary: "dossiers, by windows on NgayCapNhat", Probe: windowProbe(dossiersPath),
		runner: windowed{path: dossiersPath, key: []string{"NgayCapNhat", "MaHoSo"}, parser: dossierParser}, reparse: dossierParser})
}

// dossierParser normalizes dossier pages (as read, or as archived); it
// refuses to run without a personal-data key (Options.UnsafeDevKey aside).
func dossierParser(e *Engine, source string, archived bool) (pageNormalizer, error) {
	norm, err := e.normalizer(source, archived)
	if err != nil {
		return nil, err
	}
	return recordParser[transform.Dossier]{parse: norm.Dossier, reject: norm.Reject,
		updated: func(d *transform.Dossier) time.Time { return d.UpdatedAt },
		add:     func(ctx context.Context, w *load.Writer, d *transform.Dossier) error { return w.AddDossier(ctx, *d) },
	}.page, nil
}

// windowProbe reads one record of the last day of a windowed source.
func windowProbe(path string) func(ProbeRequest) (string, url.Values) {
	return func(pr ProbeRequest) (string, url.Values) {
		loc := transform.HoChiMinh()
		return path, url.Values{"updated_from": {pr.Now.Add(-24 * time.Hour).In(loc).Format(extract.TimeLayout)},
			"updated_to": {pr.Now.In(loc).Format(extract.TimeLayout)}}
	}
}
