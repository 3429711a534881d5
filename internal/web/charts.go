package web

import (
	"math"
	"strconv"
	"strings"

	"github.com/dvcindex/dvcindex/internal/ward"
)

// The page's two charts are inline SVG drawn by html/template from the
// geometry computed here, so every label is escaped like the rest of the
// page and the markup is the same on every run (the report's chart
// library writes generated ids and would have to be trusted as raw HTML).
// Colours and fonts follow the report's (transform/report).

// Bar chart geometry (SVG user units): each indicator is a line of text
// (label left, value right) over its bar, so the chart stays readable when
// a phone scales it down.
const (
	barWidth = 440
	barRowH  = 42
	barTextH = 14 // baseline of the text line within a row
	barH     = 14
	barTop   = 4
)

// barChart draws each indicator's score as a bar scaled to its maximum,
// with the target as a dark tick across it.
type barChart struct {
	Width, Height int
	Right         string // the value's anchor (text-anchor end)
	LegendY       string // the legend's top
	TickY1        string // the legend's target tick
	TickY2        string
	Rows          []barRow
}

type barRow struct {
	Label     string
	TextY     string
	BarY      string
	ScoreW    string
	Class     string // "score", with "met" or "unmet" when there is a target
	HasTarget bool
	TargetX   string
	TargetY1  string
	TargetY2  string
	Value     string
}

func newBarChart(ins []ward.Indicator) barChart {
	c := barChart{Width: barWidth, Right: f1(barWidth)}
	for i, in := range ins {
		y := float64(barTop + i*barRowH)
		barY := y + barTextH + 5
		r := barRow{Label: in.Label, TextY: f1(y + barTextH), BarY: f1(barY),
			ScoreW: f1(barWidth * frac(in.Score, in.Max)), Value: num(in.Score) + "/" + num(in.Max)}
		if r.Label == "" {
			r.Label = in.Code
		}
		if in.Target != nil {
			r.HasTarget = true
			r.TargetX = f1(math.Min(barWidth-1.5, math.Max(1.5, barWidth*frac(*in.Target, in.Max))))
			r.TargetY1, r.TargetY2 = f1(barY-2), f1(barY+barH+3)
			r.Value += " · chỉ tiêu " + num(*in.Target)
		}
		r.Class = "score"
		if in.Met != nil {
			r.Class = "score unmet"
			if *in.Met {
				r.Class = "score met"
			}
		}
		c.Rows = append(c.Rows, r)
	}
	ly := barTop + len(ins)*barRowH + 4
	c.LegendY, c.TickY1, c.TickY2 = strconv.Itoa(ly), strconv.Itoa(ly-2), strconv.Itoa(ly+14)
	c.Height = ly + 20
	return c
}

// frac is v/max within [0, 1].
func frac(v, maxV float64) float64 {
	if maxV <= 0 || math.IsNaN(v) {
		return 0
	}
	return math.Max(0, math.Min(1, v/maxV))
}

// Trend chart geometry.
const (
	trendWidth  = 360
	trendHeight = 130
	trendLeft   = 40
	trendRight  = 326
	trendTop    = 14
	trendBottom = 96
)

// trendChart is a small line of the unit's totals, oldest first.
type trendChart struct {
	Width, Height int
	Points        string // the polyline; "" for one point
	Dots          []trendDot
	YTop, YBottom string // the y-axis' extremes, labelled
	Top, Bottom   string
	Left, Right   string
	LabelY        string
	Label         string // what the chart says, for screen readers
}

type trendDot struct {
	X, Y, LabelX  string
	Period, Value string
	ShowPeriod    bool
}

func newTrendChart(pts []ward.Point) trendChart {
	c := trendChart{Width: trendWidth, Height: trendHeight, Top: f1(trendTop), Bottom: f1(trendBottom),
		Left: f1(trendLeft), Right: f1(trendRight), LabelY: f1(trendBottom + 18)}
	if len(pts) == 0 {
		return c
	}
	lo, hi := trendRange(pts)
	c.YTop, c.YBottom = num(hi), num(lo)
	var coords, words []string
	n := len(pts)
	for i, p := range pts {
		x := float64(trendLeft+trendRight) / 2
		if n > 1 {
			x = trendLeft + float64(i)*float64(trendRight-trendLeft)/float64(n-1)
		}
		y := trendBottom - (p.Total-lo)/(hi-lo)*float64(trendBottom-trendTop)
		coords = append(coords, f1(x)+","+f1(y))
		words = append(words, p.Period+": "+num(p.Total))
		c.Dots = append(c.Dots, trendDot{X: f1(x), Y: f1(y), LabelX: f1(x), Period: p.Period, Value: num(p.Total),
			ShowPeriod: n <= 6 || i == 0 || i == n-1})
	}
	if n > 1 {
		c.Points = strings.Join(coords, " ")
	}
	c.Label = "Tổng điểm qua các kỳ: " + strings.Join(words, "; ")
	return c
}

// trendRange is the y-axis: the totals with a margin, within [0, 100],
// at least 10 points tall.
func trendRange(pts []ward.Point) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, p := range pts {
		lo, hi = math.Min(lo, p.Total), math.Max(hi, p.Total)
	}
	lo, hi = math.Max(0, math.Floor(lo-5)), math.Min(100, math.Ceil(hi+5))
	if hi-lo < 10 {
		if lo+10 <= 100 {
			hi = lo + 10
		} else {
			lo = hi - 10
		}
	}
	return lo, hi
}

// f1 prints an SVG coordinate.
func f1(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }
