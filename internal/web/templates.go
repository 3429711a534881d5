package web

import "html/template"

// templates parses the page's templates: html/template escapes every
// value by its context (text, attribute, URL), SVG included.
func templates() *template.Template {
	return template.Must(template.New("web").Parse(layoutTmpl + indexTmpl + unitTmpl + chartsTmpl + dossiersTmpl + errorTmpl))
}

const layoutTmpl = `{{define "head"}}<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{{.Title}}</title>
<style>
  body { font-family: "Noto Sans", "DejaVu Sans", Arial, sans-serif; margin: 0 auto; max-width: 1100px; padding: 12px; color: #222; line-height: 1.4; }
  nav.top { font-size: 0.9em; margin-bottom: 0.6em; }
  a { color: #2f4fa8; }
  h1 { font-size: 1.4em; margin: 0.2em 0 0.3em; }
  h2 { font-size: 1.15em; margin-top: 1.6em; border-bottom: 2px solid #5470c6; padding-bottom: 4px; }
  h3 { font-size: 1em; margin: 1.2em 0 0.4em; }
  p.meta { margin: 0.2em 0; }
  p.rel { margin: 0.3em 0 0.8em; font-size: 0.95em; }
  p.note { color: #555; font-size: 0.9em; margin: 0.3em 0 0.6em; }
  .scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
  table { border-collapse: collapse; font-size: 0.85em; min-width: 100%; }
  th, td { border: 1px solid #ccc; padding: 4px 6px; text-align: right; vertical-align: top; }
  th { background: #eef1f8; text-align: center; }
  td.text { text-align: left; }
  tr:nth-child(even) td { background: #fafafa; }
  tr.total td { font-weight: bold; }
  td.met { color: #2e7d32; } td.unmet { color: #c62828; font-weight: bold; }
  ul.findings { margin: 0.2em 0 0.4em; padding-left: 1.3em; }
  .charts { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start; }
  figure { margin: 1em 0; }
  figure.bars { flex: 1 1 320px; max-width: 560px; } figure.trend { flex: 1 1 260px; max-width: 420px; }
  figure svg { width: 100%; height: auto; display: block; }
  figure.bars svg { max-width: 560px; } figure.trend svg { max-width: 420px; }
  figcaption { font-size: 0.85em; color: #555; }
  svg text { font-family: "Noto Sans", "DejaVu Sans", Arial, sans-serif; font-size: 13px; fill: #222; }
  svg text.small { font-size: 11px; fill: #555; }
  svg .track { fill: #e6e9f0; } svg .score { fill: #5470c6; } svg .score.met { fill: #91cc75; } svg .score.unmet { fill: #ee6666; }
  svg .target { stroke: #222; stroke-width: 3; } svg .axis { stroke: #bbb; stroke-width: 1; }
  svg .line { fill: none; stroke: #5470c6; stroke-width: 2; } svg .dot { fill: #5470c6; }
  .pager { margin: 0.8em 0; } .pager a, .pager span { margin-right: 1em; }
  footer { margin-top: 2em; font-size: 0.8em; color: #666; }
  @media (max-width: 600px) { body { padding: 6px; } table { font-size: 0.75em; } h1 { font-size: 1.2em; } }
  @page { size: A4; margin: 12mm; }
  @media print {
    nav, .pager, p.rel { display: none; }
    a { color: inherit; text-decoration: none; }
    body { max-width: none; padding: 0; font-size: 10pt; }
    .scroll { overflow: visible; }
    table { font-size: 8pt; page-break-inside: auto; }
    tr, figure, section.metric { page-break-inside: avoid; break-inside: avoid; }
    h2, h3 { page-break-after: avoid; }
  }
</style>
</head>
<body>
{{end}}
{{define "foot"}}<footer>dvcindex — Bộ chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg) tính lại từ dữ liệu hồ sơ. Trang chỉ đọc số liệu đã tính.</footer>
</body>
</html>
{{end}}`

const indexTmpl = `{{define "index"}}{{template "head" .}}
<h1>{{.Title}}</h1>
<p class="note">Chọn đơn vị và kỳ để xem điểm, chỉ tiêu, điểm có thể lấy lại và hồ sơ làm mất điểm.</p>
{{range .Groups}}<section>
<h2>{{.Title}}</h2>
<div class="scroll"><table>
<thead><tr><th>Đơn vị</th><th>Mã</th><th>Các kỳ có số liệu</th></tr></thead>
<tbody>{{range .Units}}<tr><td class="text">{{.Name}}</td><td>{{.Code}}</td><td class="text">{{range $i, $p := .Periods}}{{if $i}} · {{end}}<a href="{{$p.Href}}">{{$p.Text}}</a>{{end}}</td></tr>
{{end}}</tbody>
</table></div>
</section>
{{else}}<p>Chưa có đơn vị nào có số liệu đã tính (chạy dvcindex compute), hoặc tài khoản này chưa được giao đơn vị nào.</p>
{{end}}{{template "foot"}}{{end}}`

const unitTmpl = `{{define "unit"}}{{template "head" .}}
<nav class="top"><a href="/">← Danh sách đơn vị</a></nav>
<header>
<h1>{{.Unit.Name}}</h1>
<p class="meta">Mã đơn vị {{.Unit.Code}}{{with .Level}} · {{.}}{{end}} · Kỳ <strong>{{.Period}}</strong> · Tổng điểm <strong>{{.Score}}/{{.Max}}</strong></p>
<p class="rel">{{with .Previous}}{{if .Href}}<a href="{{.Href}}">← {{.Text}}</a>{{end}}{{end}}{{if and .Previous.Href .Parent.Text}} · {{end}}{{with .Parent}}{{if .Href}}<a href="{{.Href}}">{{.Text}}</a>{{else}}{{.Text}}{{end}}{{end}}</p>
</header>
<section id="indicators">
<h2>Bảy chỉ số</h2>
<div class="scroll"><table>
<thead><tr><th>Chỉ số</th><th>Điểm</th><th>Kỳ trước</th><th>Chỉ tiêu</th><th>Đạt chỉ tiêu</th><th>Còn thiếu</th></tr></thead>
<tbody>{{range .Indicators}}<tr{{if .Total}} class="total"{{end}}><td class="text">{{.Label}}</td><td>{{.Score}}</td><td>{{.Previous}}</td><td>{{.Target}}</td><td class="{{.MetClass}}">{{.Met}}</td><td>{{.Gap}}</td></tr>
{{end}}</tbody>
</table></div>
<div class="charts">{{template "bars" .Bars}}{{template "trend" .Trend}}</div>
</section>
<section id="winback">
<h2>Điểm có thể lấy lại</h2>
<p class="note">Xếp theo công sức: chỉ số cần sửa ít hồ sơ nhất cho mỗi điểm đứng trước.</p>
{{if .Own}}{{template "winback" .Own}}{{else}}<p>Đơn vị không mất điểm nào ở các chỉ số do đơn vị tự khắc phục.</p>{{end}}
{{if .Province}}<h3>Cấp tỉnh — xã không khắc phục được</h3>
{{with .ProvinceNote}}<p class="note">{{.}}</p>{{end}}
{{template "winback" .Province}}{{end}}
</section>
{{if .Findings}}<section id="findings">
<h2>Nguyên nhân mất điểm theo chỉ số</h2>
{{range .Findings}}<section class="metric">
<h3>{{.Label}} <small>({{.Metric}}, mất {{.Lost}} điểm)</small></h3>
{{if .Findings}}<ul class="findings">{{range .Findings}}<li>{{.Words}}: {{.Count}}</li>{{end}}</ul>{{end}}
{{if .Risks}}<p class="note">Rủi ro, chưa trừ điểm:</p><ul class="findings">{{range .Risks}}<li>{{.Words}}: {{.Count}}</li>{{end}}</ul>{{end}}
<p><a href="{{.Dossiers}}">Danh sách hồ sơ của chỉ số này</a></p>
</section>
{{end}}</section>{{end}}
{{template "foot"}}{{end}}
{{define "winback"}}<div class="scroll"><table>
<thead><tr><th>Hạng</th><th>Chỉ số thành phần</th><th>Điểm bị mất</th><th>Cần sửa để lấy lại 1 điểm</th><th>Số mục có vấn đề</th><th>Ghi chú</th></tr></thead>
<tbody>{{range .}}<tr><td>{{.Rank}}</td><td class="text">{{.Label}}</td><td>{{.Lost}}</td><td>{{.PerPoint}}</td><td>{{.Items}}</td><td class="text">{{.Note}}</td></tr>
{{end}}</tbody>
</table></div>{{end}}`

const chartsTmpl = `{{define "bars"}}<figure class="bars">
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {{.Width}} {{.Height}}" role="img" aria-label="Điểm và chỉ tiêu của bảy chỉ số">
{{$right := .Right}}{{$w := .Width}}{{range .Rows}}<text x="0" y="{{.TextY}}">{{.Label}}</text><text class="small" x="{{$right}}" y="{{.TextY}}" text-anchor="end">{{.Value}}</text>
<rect class="track" x="0" y="{{.BarY}}" width="{{$w}}" height="14"/>
<rect class="{{.Class}}" x="0" y="{{.BarY}}" width="{{.ScoreW}}" height="14"/>
{{if .HasTarget}}<line class="target" x1="{{.TargetX}}" x2="{{.TargetX}}" y1="{{.TargetY1}}" y2="{{.TargetY2}}"/>
{{end}}{{end}}<rect class="score" x="0" y="{{.LegendY}}" width="14" height="12"/><text class="small" x="20" y="{{.LegendY}}" dy="11">Điểm (cả thanh = điểm tối đa)</text>
<line class="target" x1="206" x2="206" y1="{{.TickY1}}" y2="{{.TickY2}}"/><text class="small" x="214" y="{{.LegendY}}" dy="11">Chỉ tiêu · xanh lá: đạt · đỏ: chưa đạt</text>
</svg>
<figcaption>Điểm so với chỉ tiêu</figcaption>
</figure>{{end}}
{{define "trend"}}{{if .Dots}}<figure class="trend">
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {{.Width}} {{.Height}}" role="img" aria-label="{{.Label}}">
<line class="axis" x1="{{.Left}}" x2="{{.Right}}" y1="{{.Bottom}}" y2="{{.Bottom}}"/>
<line class="axis" x1="{{.Left}}" x2="{{.Right}}" y1="{{.Top}}" y2="{{.Top}}"/>
<text class="small" x="0" y="{{.Top}}" dy="4">{{.YTop}}</text>
<text class="small" x="0" y="{{.Bottom}}" dy="4">{{.YBottom}}</text>
{{with .Points}}<polyline class="line" points="{{.}}"/>{{end}}
{{$ly := .LabelY}}{{range .Dots}}<circle class="dot" cx="{{.X}}" cy="{{.Y}}" r="3.5"><title>{{.Period}}: {{.Value}}</title></circle>
<text class="small" x="{{.X}}" y="{{.Y}}" dy="-7" text-anchor="middle">{{.Value}}</text>
{{if .ShowPeriod}}<text class="small" x="{{.LabelX}}" y="{{$ly}}" text-anchor="middle">{{.Period}}</text>
{{end}}{{end}}</svg>
<figcaption>Tổng điểm qua các kỳ</figcaption>
</figure>{{end}}{{end}}`

const dossiersTmpl = `{{define "dossiers"}}{{template "head" .}}
<nav class="top"><a href="/">Danh sách đơn vị</a> · <a href="{{.UnitPage}}">← {{.Unit.Name}}, kỳ {{.Period}}</a></nav>
<h1>{{.Label}}</h1>
<p class="meta">{{.Unit.Name}} (mã {{.Unit.Code}}) · Kỳ {{.Period}} · Chỉ số {{.Metric}}</p>
<p class="meta">{{.Total}} mục{{if .Rows}}, đang xem {{.From}}–{{.To}}{{end}} · {{.PageText}}</p>
{{template "pager" .}}
{{if .Rows}}<div class="scroll"><table>
<thead><tr><th>Mã hồ sơ</th><th>Thủ tục</th><th>Ngày tiếp nhận</th><th>Hẹn trả</th><th>Ngày kết thúc</th><th>Vấn đề</th><th>Chi tiết</th></tr></thead>
<tbody>{{range .Rows}}<tr><td class="text">{{.ID}}</td><td class="text">{{.Procedure}}</td><td>{{.Received}}</td><td>{{.Due}}</td><td>{{.Finished}}</td><td class="text">{{.Words}}</td><td class="text">{{.Evidence}}</td></tr>
{{end}}</tbody>
</table></div>{{else}}<p>Không có hồ sơ nào.</p>{{end}}
{{template "pager" .}}
{{template "foot"}}{{end}}
{{define "pager"}}{{if gt .Pages 1}}<p class="pager">{{if .Prev}}<a href="{{.Prev}}" rel="prev">← Trang trước</a>{{end}}<span>{{.PageText}}</span>{{if .Next}}<a href="{{.Next}}" rel="next">Trang sau →</a>{{end}}</p>{{end}}{{end}}`

const errorTmpl = `{{define "error"}}{{template "head" .}}
<nav class="top"><a href="/">Danh sách đơn vị</a></nav>
<h1>{{.Title}}</h1>
<p>{{.Text}}</p>
<p class="note">Mã lỗi HTTP {{.Status}}.</p>
{{template "foot"}}{{end}}`
