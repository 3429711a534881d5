package web

import (
	"strconv"

	"github.com/dvcindex/dvcindex/internal/ward"
)

// dossiersView is a page of a metric's dossier list.
type dossiersView struct {
	Title      string
	Unit       ward.UnitRef
	Period     string
	UnitPage   string
	Metric     string
	Label      string
	Total      int
	From, To   int
	Page       int
	Pages      int
	PageText   string // "trang N/M"
	Prev, Next string // links; "" at the ends
	Rows       []dossierRow
}

// dossierRow is one item: never a personal value, never a hash (a
// ward.Dossier carries neither).
type dossierRow struct {
	ID, Procedure, Received, Due, Finished, Words, Evidence string
}

func buildDossiersView(p ward.Page, code, period, metric string, items []ward.Dossier, total, page, pages, size int) dossiersView {
	name := p.Report.UnitName
	if name == "" {
		name = code
	}
	label := metric
	for _, wb := range p.Winback {
		if wb.Metric == metric && wb.Label != "" {
			label = wb.Label
		}
	}
	v := dossiersView{Title: label + " — " + name + " — kỳ " + period,
		Unit: ward.UnitRef{Code: code, Name: name}, Period: period, UnitPage: unitPath(code, period),
		Metric: metric, Label: label, Total: total, Page: page, Pages: pages, PageText: pageOf(page, pages)}
	if len(items) > 0 {
		v.From = (page-1)*size + 1
		v.To = v.From + len(items) - 1
	}
	if page > 1 {
		v.Prev = dossiersPath(code, period, metric, page-1)
	}
	if page < pages {
		v.Next = dossiersPath(code, period, metric, page+1)
	}
	for _, d := range items {
		v.Rows = append(v.Rows, dossierRowOf(d))
	}
	return v
}

func dossierRowOf(d ward.Dossier) dossierRow {
	proc := d.ProcedureCode
	if d.ProcedureName != "" {
		if proc != "" {
			proc += " — "
		}
		proc += d.ProcedureName
	}
	words := d.Words
	if words == "" {
		words = findingWords(d.Finding, "")
	}
	return dossierRow{ID: d.ID, Procedure: proc, Received: d.Received, Due: d.Due, Finished: d.Finished,
		Words: words, Evidence: d.Evidence}
}

// pageOf says "trang N/M".
func pageOf(page, pages int) string {
	return "trang " + strconv.Itoa(page) + "/" + strconv.Itoa(pages)
}
