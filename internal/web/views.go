package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/dvcindex/dvcindex/internal/ward"
	"github.com/dvcindex/dvcindex/transform"
)

// metricRe is a metric code as the dossier list's query carries it.
var metricRe = regexp.MustCompile(`^[A-Za-z0-9_]{1,64}$`)

// levelGroups are the index's sections, in order.
var levelGroups = []struct{ level, title string }{
	{transform.LevelProvince, "Tỉnh"},
	{transform.LevelDistrict, "Huyện, thị xã, thành phố"},
	{transform.LevelWard, "Xã, phường, thị trấn"},
}

// indexView is the list of units.
type indexView struct {
	Title  string
	Groups []unitGroup
}

type unitGroup struct {
	Title string
	Units []unitEntry
}

type unitEntry struct {
	Name, Code string
	Periods    []link
}

func unitEntryOf(u ward.UnitPeriods) unitEntry {
	e := unitEntry{Name: u.Unit.Name, Code: u.Unit.Code}
	if e.Name == "" {
		e.Name = e.Code
	}
	for _, p := range u.Periods {
		e.Periods = append(e.Periods, link{Text: p, Href: unitPath(u.Unit.Code, p)})
	}
	return e
}

// index lists the units the request may see, grouped by level and sorted
// by name, with their periods.
func (h *handler) index(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), h.opts.Timeout)
	defer cancel()
	units, err := h.opts.Source.Units(ctx)
	if err != nil {
		h.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	acc := accessOf(r)
	byLevel := map[string][]ward.UnitPeriods{}
	for _, u := range units {
		if acc.may(u.Unit.Code) && len(u.Periods) > 0 {
			lvl := u.Unit.Level
			if lvl != transform.LevelProvince && lvl != transform.LevelDistrict {
				lvl = transform.LevelWard
			}
			byLevel[lvl] = append(byLevel[lvl], u)
		}
	}
	col := collate.New(language.Vietnamese)
	v := indexView{Title: "Bộ chỉ số 766 — các đơn vị"}
	for _, g := range levelGroups {
		us := byLevel[g.level]
		if len(us) == 0 {
			continue
		}
		sort.SliceStable(us, func(i, j int) bool {
			if c := col.CompareString(us[i].Unit.Name, us[j].Unit.Name); c != 0 {
				return c < 0
			}
			return us[i].Unit.Code < us[j].Unit.Code
		})
		grp := unitGroup{Title: g.title}
		for _, u := range us {
			grp.Units = append(grp.Units, unitEntryOf(u))
		}
		v.Groups = append(v.Groups, grp)
	}
	h.render(w, r, http.StatusOK, "index", v)
}

// pageArgs reads and checks the unit and period of the path: 403 for a
// unit the request may not see, 404 for a code that is no GSO code, 400
// for a malformed period. ok false: the answer is written.
func (h *handler) pageArgs(w http.ResponseWriter, r *http.Request) (code, period string, ok bool) {
	code, period = r.PathValue("code"), r.PathValue("period")
	switch {
	case !accessOf(r).may(code):
		h.fail(w, r, http.StatusForbidden, nil)
	case !unitCodeRe.MatchString(code):
		h.fail(w, r, http.StatusNotFound, nil)
	default:
		if _, err := transform.ParsePeriod(period); err != nil {
			h.fail(w, r, http.StatusBadRequest, nil)
			return "", "", false
		}
		return code, period, true
	}
	return "", "", false
}

// unit is the unit's page for a period.
func (h *handler) unit(w http.ResponseWriter, r *http.Request) {
	code, period, ok := h.pageArgs(w, r)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), h.opts.Timeout)
	defer cancel()
	p, err := h.opts.Source.Page(ctx, code, period)
	if err != nil {
		h.sourceFailed(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "unit", buildUnitView(p, code, period, accessOf(r)))
}

// dossiers is the list of the items behind one metric, a page at a time.
func (h *handler) dossiers(w http.ResponseWriter, r *http.Request) {
	code, period, ok := h.pageArgs(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	metric := q.Get("metric")
	pageNo, err := strconv.Atoi(q.Get("page"))
	if q.Get("page") == "" {
		pageNo, err = 1, nil
	}
	if !metricRe.MatchString(metric) || err != nil || pageNo < 1 {
		h.fail(w, r, http.StatusBadRequest, nil)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), h.opts.Timeout)
	defer cancel()
	p, err := h.opts.Source.Page(ctx, code, period)
	if err != nil {
		h.sourceFailed(w, r, err)
		return
	}
	if _, found := findMetric(p.Report, metric); !found {
		h.fail(w, r, http.StatusNotFound, nil)
		return
	}
	size := h.opts.PageSize
	items, total, err := h.opts.Source.Dossiers(ctx, code, period, metric, (pageNo-1)*size, size)
	if err != nil {
		h.sourceFailed(w, r, err)
		return
	}
	pages := max(1, (total+size-1)/size)
	if pageNo > pages {
		h.fail(w, r, http.StatusNotFound, nil)
		return
	}
	h.render(w, r, http.StatusOK, "dossiers", buildDossiersView(p, code, period, metric, items, total, pageNo, pages, size))
}

func findMetric(rep ward.Report, metric string) (ward.Metric, bool) {
	for _, m := range rep.Metrics {
		if m.Metric == metric {
			return m, true
		}
	}
	return ward.Metric{}, false
}

// unitPath is the unit's page for a period.
func unitPath(code, period string) string {
	return "/units/" + url.PathEscape(code) + "/" + url.PathEscape(period)
}

// dossiersPath is a page of a metric's dossier list.
func dossiersPath(code, period, metric string, page int) string {
	q := url.Values{"metric": {metric}}
	if page > 1 {
		q.Set("page", strconv.Itoa(page))
	}
	return unitPath(code, period) + "/dossiers?" + q.Encode()
}
