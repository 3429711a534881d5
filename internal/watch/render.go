package watch

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/dvcindex/dvcindex/transform"
)

// timeLayout is how a deadline is shown.
const timeLayout = "02/01/2006 15:04"

// WriteJSON writes the digests as one JSON document (the webhook body is
// one digest).
func WriteJSON(w io.Writer, ds []Digest) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(ds)
}

// WriteTable writes a digest in plain Vietnamese: the projected scores,
// then what to do first, the threats, the overdue items and the risks, each
// list cut at top items (0: all) with a line saying how many more there are.
func WriteTable(w io.Writer, d Digest, top int) error {
	fmt.Fprintf(w, "CẢNH BÁO SỚM — %s (%s), kỳ %s, tính đến %s\n\n", d.UnitName, d.UnitCode, d.Period,
		d.AsOf.In(transform.HoChiMinh()).Format(timeLayout))
	t := d.Total()
	fmt.Fprintf(w, "Điểm dự kiến của kỳ: %.2f/%.0f nếu không làm gì thêm; %.2f nếu xử lý xong %d việc dưới đây (+%.2f điểm).\n",
		t.Secured, t.Max, t.IfDone, len(d.Act), d.AtStake)
	if d.LostPoints > 0 {
		fmt.Fprintf(w, "%d hồ sơ, phản ánh đã quá hạn làm mất %.2f điểm dù xử lý lúc nào.\n", len(d.Lost), d.LostPoints)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "Chỉ số\tNếu không làm gì\tNếu xử lý hết\tĐã mất (quá hạn)\tTối đa")
	for _, s := range d.Scores {
		fmt.Fprintf(tw, "%s\t%.2f\t%.2f\t%.2f\t%.0f\n", s.Label, s.Secured, s.IfDone, s.Lost, s.Max)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	sections := []struct {
		title string
		items []Item
	}{
		{"VIỆC CẦN LÀM TRƯỚC (nhiều điểm nhất trên mỗi giờ còn lại)", d.Act},
		{"GIỮ NGUYÊN ĐỂ KHÔNG MẤT ĐIỂM", d.Threats},
		{"ĐÃ QUÁ HẠN (điểm đã mất, vẫn cần xử lý)", d.Lost},
		{"RỦI RO KHÔNG TRỪ ĐIỂM", d.Risks},
	}
	for _, s := range sections {
		if err := writeItems(w, s.title, s.items, top); err != nil {
			return err
		}
	}
	return nil
}

func writeItems(w io.Writer, title string, items []Item, top int) error {
	fmt.Fprintf(w, "\n%s: %d\n", title, len(items))
	if len(items) == 0 {
		return nil
	}
	more := 0
	if top > 0 && len(items) > top {
		items, more = items[:top], len(items)-top
	}
	defer func() {
		if more > 0 {
			fmt.Fprintf(w, "… và %d mục nữa (--top 0 để xem tất cả, --format json cho mọi mục)\n", more)
		}
	}()
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tMã hồ sơ / PAKN\tLoại\tHạn\tCòn (giờ)\tĐiểm\tViệc cần làm")
	for i, it := range items {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%.2f\t%s\n", i+1, it.ItemID, it.RuleLabel, deadline(it), hours(it.HoursLeft), it.Points, it.Detail)
	}
	return tw.Flush()
}

func deadline(it Item) string {
	if it.Deadline == nil {
		return "—"
	}
	return it.Deadline.In(transform.HoChiMinh()).Format(timeLayout)
}

func hours(h float64) string { return strconv.FormatFloat(h, 'f', 1, 64) }

// WriteMarkdown writes a digest as the Markdown file serve leaves in
// serve.report_dir.
func WriteMarkdown(w io.Writer, d Digest) error {
	t := d.Total()
	fmt.Fprintf(w, "# Cảnh báo sớm — %s (%s), kỳ %s\n\nTính đến %s. Điểm dự kiến: **%.2f**/%.0f nếu không làm gì thêm; **%.2f** nếu xử lý xong %d việc dưới đây.\n\n",
		d.UnitName, d.UnitCode, d.Period, d.AsOf.In(transform.HoChiMinh()).Format(timeLayout), t.Secured, t.Max, t.IfDone, len(d.Act))
	fmt.Fprintln(w, "| Chỉ số | Nếu không làm gì | Nếu xử lý hết | Đã mất (quá hạn) | Tối đa |\n|---|---:|---:|---:|---:|")
	for _, s := range d.Scores {
		fmt.Fprintf(w, "| %s | %.2f | %.2f | %.2f | %.0f |\n", s.Label, s.Secured, s.IfDone, s.Lost, s.Max)
	}
	for _, s := range []struct {
		title string
		items []Item
	}{{"Việc cần làm trước", d.Act}, {"Giữ nguyên để không mất điểm", d.Threats}, {"Đã quá hạn", d.Lost}, {"Rủi ro không trừ điểm", d.Risks}} {
		fmt.Fprintf(w, "\n## %s (%d)\n\n", s.title, len(s.items))
		if len(s.items) == 0 {
			continue
		}
		fmt.Fprintln(w, "| # | Mã hồ sơ / PAKN | Loại | Hạn | Còn (giờ) | Điểm | Việc cần làm |\n|---:|---|---|---|---:|---:|---|")
		for i, it := range s.items {
			fmt.Fprintf(w, "| %d | %s | %s | %s | %s | %.2f | %s |\n", i+1, mdCell(it.ItemID), it.RuleLabel, deadline(it), hours(it.HoursLeft), it.Points, mdCell(it.Detail))
		}
	}
	return nil
}

func mdCell(s string) string { return strings.NewReplacer("|", "\\|", "\n", " ").Replace(s) }

// csvHeader is the digest CSV's header.
var csvHeader = []string{"unit_code", "period", "as_of", "item_kind", "item_id", "rule", "kind", "metric", "indicator",
	"procedure_code", "deadline", "hours_left", "points", "detail"}

// WriteCSV writes a digest's items, one row each, in list order.
func WriteCSV(w io.Writer, d Digest) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for _, items := range [][]Item{d.Act, d.Threats, d.Lost, d.Risks} {
		for _, it := range items {
			dl := ""
			if it.Deadline != nil {
				dl = it.Deadline.In(transform.HoChiMinh()).Format(time.RFC3339)
			}
			row := []string{d.UnitCode, d.Period, d.AsOf.In(transform.HoChiMinh()).Format(time.RFC3339), it.ItemKind, it.ItemID, it.Rule,
				it.Kind, it.Metric, it.Indicator, it.Procedure, dl, hours(it.HoursLeft), strconv.FormatFloat(it.Points, 'f', 4, 64), it.Detail}
			if err := cw.Write(row); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
