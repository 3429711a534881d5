// Package web is the ward's own page: a read-only HTML view of
// internal/ward for the one-stop office staff, served by `dvcindex serve`
// on serve.addr and by `dvcindex web` (docs/web.md).
//
// Contract:
//   - GET and HEAD only (anything else 405); every answer is server-side
//     HTML from html/template (data is escaped, never concatenated into
//     markup), with no script; charts are inline SVG drawn from templates.
//   - Every answer carries a strict Content-Security-Policy, nosniff,
//     Referrer-Policy no-referrer and Cache-Control no-store.
//   - With Users: HTTP basic auth (401 without or with wrong credentials),
//     and a user sees only the units it is allowed (403 on any other).
//     Without Users there is no login: bind to loopback or put the page
//     behind the province's reverse proxy with TLS and auth.
//   - It only reads, through ward.Source: an unknown unit or period is 404,
//     a malformed period or parameter 400, a failing source 500 with a
//     generic message (the cause only in the log).
package web

import (
	"bytes"
	"context"
	"errors"
	"html/template"
	"net/http"
	"runtime"
	"time"

	"github.com/rs/zerolog"

	"github.com/dvcindex/dvcindex/internal/ward"
)

// Options configure the page.
type Options struct {
	Source ward.Source
	// Users, if set, turns on HTTP basic auth; nil = no login.
	Users *Users
	Log   zerolog.Logger
	// Timeout bounds the source's reading for one request (default 30 s).
	Timeout time.Duration
	// PageSize is the number of items of a dossier list page (default 50).
	PageSize int
}

func (o *Options) setDefaults() {
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.PageSize <= 0 {
		o.PageSize = 50
	}
}

// securityHeaders are set on every answer.
var securityHeaders = [][2]string{
	{"Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"},
	{"X-Content-Type-Options", "nosniff"},
	{"Referrer-Policy", "no-referrer"},
	{"Cache-Control", "no-store"},
	{"X-Frame-Options", "DENY"},
}

// handler serves the page.
type handler struct {
	opts Options
	log  zerolog.Logger
	mux  *http.ServeMux
	tmpl *template.Template
	// hashing bounds the bcrypt comparisons running at once, so requests
	// with wrong passwords cannot take every CPU.
	hashing chan struct{}
}

// New returns the page's handler. It panics if Source is nil.
func New(opts Options) http.Handler {
	opts.setDefaults()
	if opts.Source == nil {
		panic("web.New: Options.Source is nil")
	}
	h := &handler{opts: opts, log: opts.Log.With().Str("component", "web").Logger(),
		tmpl: templates(), hashing: make(chan struct{}, runtime.GOMAXPROCS(0))}
	mux := http.NewServeMux()
	mux.HandleFunc("/{$}", h.index)
	mux.HandleFunc("/units/{code}/{period}", h.unit)
	mux.HandleFunc("/units/{code}/{period}/dossiers", h.dossiers)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		h.fail(w, r, http.StatusNotFound, nil)
	})
	h.mux = mux
	if opts.Users == nil {
		h.log.Info().Msg("the units' page has no login (serve.web.users_file unset): keep it on loopback or behind the reverse proxy")
	} else {
		h.log.Info().Int("users", opts.Users.Len()).Msg("the units' page asks for a login (serve.web.users_file)")
	}
	return h
}

type accessKey struct{}

// ServeHTTP sets the headers, refuses other methods, authenticates and
// routes.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	for _, kv := range securityHeaders {
		w.Header().Set(kv[0], kv[1])
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		h.fail(w, r, http.StatusMethodNotAllowed, nil)
		return
	}
	acc := access{all: true}
	if h.opts.Users != nil {
		var ok bool
		if acc, ok = h.authenticate(r); !ok {
			w.Header().Set("WWW-Authenticate", `Basic realm="dvcindex", charset="UTF-8"`)
			h.fail(w, r, http.StatusUnauthorized, nil)
			return
		}
	}
	h.mux.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), accessKey{}, acc)))
}

// authenticate checks the request's basic auth credentials.
func (h *handler) authenticate(r *http.Request) (access, bool) {
	user, pass, ok := r.BasicAuth()
	if !ok {
		return access{}, false
	}
	select {
	case h.hashing <- struct{}{}:
	case <-r.Context().Done():
		return access{}, false
	}
	defer func() { <-h.hashing }()
	return h.opts.Users.authenticate(user, pass)
}

// accessOf is the request's access (set by ServeHTTP).
func accessOf(r *http.Request) access {
	a, _ := r.Context().Value(accessKey{}).(access)
	return a
}

// render executes a template into a buffer first, so a failing template
// answers 500 rather than half a page.
func (h *handler) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	var buf bytes.Buffer
	if err := h.tmpl.ExecuteTemplate(&buf, name, data); err != nil {
		h.log.Error().Err(err).Str("template", name).Msg("page template failed")
		if name != "error" {
			h.fail(w, r, http.StatusInternalServerError, nil)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte("Lỗi máy chủ.\n"))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(buf.Bytes())
	}
}

// errorView is the error page.
type errorView struct {
	Title  string
	Status int
	Text   string
}

// errorTexts are the error pages' words, per status.
var errorTexts = map[int][2]string{
	http.StatusBadRequest:          {"Yêu cầu không hợp lệ", "Địa chỉ trang không đúng dạng (kỳ: 2025, 2025-Q2 hoặc 2025-07)."},
	http.StatusUnauthorized:        {"Cần đăng nhập", "Trang này cần tên đăng nhập và mật khẩu."},
	http.StatusForbidden:           {"Không có quyền xem", "Tài khoản này không được xem số liệu của đơn vị này."},
	http.StatusNotFound:            {"Không tìm thấy", "Không có số liệu cho đơn vị và kỳ này (hoặc trang không tồn tại)."},
	http.StatusMethodNotAllowed:    {"Phương thức không được hỗ trợ", "Trang chỉ cho xem (GET, HEAD)."},
	http.StatusInternalServerError: {"Lỗi máy chủ", "Không đọc được số liệu lúc này. Xin thử lại sau; quản trị viên xem nhật ký của máy chủ."},
}

// fail answers an error page; err, if any, goes to the log only.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, status int, err error) {
	if err != nil {
		h.log.Error().Err(err).Str("path", r.URL.Path).Int("status", status).Msg("page failed")
	}
	t := errorTexts[status]
	h.render(w, r, status, "error", errorView{Title: t[0], Status: status, Text: t[1]})
}

// sourceFailed maps a source error: no figures → 404, else 500.
func (h *handler) sourceFailed(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, ward.ErrNoFigures) {
		h.fail(w, r, http.StatusNotFound, nil)
		return
	}
	h.fail(w, r, http.StatusInternalServerError, err)
}
