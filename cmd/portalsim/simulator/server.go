package simulator

import (
	"bufio"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Application error codes of the envelope (error_code); "0" is success.
const (
	CodeOK           = "0"
	CodeBadRequest   = "INVALID_PARAMETER"
	CodeAuthFailed   = "AUTH_FAILED"
	CodeUnauthorized = "TOKEN_INVALID"
	CodeNotFound     = "NOT_FOUND"
	CodeMethod       = "METHOD_NOT_ALLOWED"
)

// DefaultPageSize is used when a request has no page_size.
const DefaultPageSize = 500

// routes builds the mux: one handler per endpoint, auth as a middleware.
// Paths are registered without methods so a wrong method gets a JSON 405.
func (s *Simulator) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/api/v1/auth/token", allow(http.MethodPost, http.HandlerFunc(s.handleToken)))
	mux.Handle("/api/v1/dossiers", allow(http.MethodGet, s.requireAuth(s.withFaults(http.HandlerFunc(s.handleDossiers)))))
	mux.Handle("/api/v1/procedures", allow(http.MethodGet, s.requireAuth(s.withFaults(http.HandlerFunc(s.handleProcedures)))))
	mux.Handle("/api/v1/petitions", allow(http.MethodGet, s.requireAuth(s.withFaults(http.HandlerFunc(s.handlePetitions)))))
	mux.Handle("/api/v1/evaluation", allow(http.MethodGet, s.requireAuth(s.withFaults(http.HandlerFunc(s.handleEvaluation)))))
	// The national reporting API (national766.go): POST, no credentials.
	mux.Handle("/api/v1/reporting/evaluation/", allow(http.MethodPost, http.HandlerFunc(s.handleNational)))
	mux.Handle("/api/v1/bcqg/received", allow(http.MethodGet, s.requireAuth(s.withFaults(http.HandlerFunc(s.handleBCQG)))))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, CodeNotFound, "no such endpoint: "+r.URL.Path)
	})
	// Every response carries the portal's clock (Options.Now) in Date, as a
	// real server's does: clients cap their watermarks at it.
	// In replay mode (Options.AsOf) the request carries its moment.
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r, now := s.requestClocks(r)
		w.Header().Set("Date", now.UTC().Format(http.TimeFormat))
		mux.ServeHTTP(w, r)
	})
}

// allow rejects other methods with a JSON 405.
func allow(method string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != method && !(method == http.MethodGet && r.Method == http.MethodHead) {
			w.Header().Set("Allow", method)
			writeError(w, http.StatusMethodNotAllowed, CodeMethod, "method "+r.Method+" not allowed; use "+method)
			return
		}
		h.ServeHTTP(w, r)
	})
}

type envelope struct {
	ErrorCode string `json:"error_code"`
	Message   string `json:"message"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="portal"`)
	}
	writeJSON(w, status, envelope{ErrorCode: code, Message: msg})
}

// --- auth ---

type tokenRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

type tokenResponse struct {
	ErrorCode   string `json:"error_code"`
	Message     string `json:"message"`
	AccessToken string `json:"access_token"`
	ExpiresIn   int64  `json:"expires_in"`
}

func (s *Simulator) handleToken(w http.ResponseWriter, r *http.Request) {
	var req tokenRequest
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, CodeBadRequest, "body must be JSON {\"username\":\"...\",\"password\":\"...\"}: "+err.Error())
		return
	}
	userOK := subtle.ConstantTimeCompare([]byte(req.Username), []byte(s.opts.Username)) == 1
	passOK := subtle.ConstantTimeCompare([]byte(req.Password), []byte(s.opts.Password)) == 1
	if !userOK || !passOK {
		writeError(w, http.StatusUnauthorized, CodeAuthFailed, "wrong username or password")
		return
	}
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		writeError(w, http.StatusInternalServerError, "INTERNAL", "cannot issue token")
		return
	}
	tok := hex.EncodeToString(b[:])
	now := s.opts.Now()
	s.mu.Lock()
	for k, exp := range s.tokens { // forget expired tokens
		if !now.Before(exp) {
			delete(s.tokens, k)
		}
	}
	s.tokens[tok] = now.Add(s.opts.TokenTTL)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, tokenResponse{ErrorCode: CodeOK, AccessToken: tok,
		ExpiresIn: int64(s.opts.TokenTTL / time.Second)})
}

// ExpireTokens invalidates every issued token: the next call with one gets 401.
func (s *Simulator) ExpireTokens() {
	s.mu.Lock()
	clear(s.tokens)
	s.mu.Unlock()
}

func (s *Simulator) validToken(tok string) bool {
	now := s.opts.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.tokens[tok]
	return ok && now.Before(exp)
}

// requireAuth lets a request through only with a live Bearer token.
func (s *Simulator) requireAuth(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		scheme, tok, ok := strings.Cut(auth, " ")
		tok = strings.TrimSpace(tok)
		if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
			writeError(w, http.StatusUnauthorized, CodeUnauthorized, "missing Bearer token")
			return
		}
		if !s.validToken(tok) {
			writeError(w, http.StatusUnauthorized, CodeUnauthorized, "token expired or invalid")
			return
		}
		h.ServeHTTP(w, r)
	})
}

// --- dossiers ---

// pageQuery is a parsed, validated page request of a windowed endpoint.
type pageQuery struct {
	from, to       time.Time // zero = unbounded
	page, pageSize int
}

func badParam(name, value, why string) string {
	return "invalid " + name + " " + strconv.Quote(value) + ": " + why
}

// parsePageQuery reads updated_from, updated_to (yyyyMMddHHmmss, optional:
// a missing bound is open), page (default 1) and page_size (default 500).
func (s *Simulator) parsePageQuery(r *http.Request) (pageQuery, string) {
	q := r.URL.Query()
	pq := pageQuery{page: 1, pageSize: min(DefaultPageSize, s.opts.PageSizeMax)}
	for _, f := range []struct {
		name string
		dst  *time.Time
	}{{"updated_from", &pq.from}, {"updated_to", &pq.to}} {
		if !q.Has(f.name) {
			continue
		}
		v := q.Get(f.name)
		if len(v) != 14 || strings.Trim(v, "0123456789") != "" {
			return pq, badParam(f.name, v, "want yyyyMMddHHmmss")
		}
		t, err := time.ParseInLocation(layCompact, v, Location)
		if err != nil {
			return pq, badParam(f.name, v, "not a valid date")
		}
		*f.dst = t
	}
	if !pq.from.IsZero() && !pq.to.IsZero() && pq.to.Before(pq.from) {
		return pq, "updated_to is before updated_from"
	}
	if q.Has("page") {
		v := q.Get("page")
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return pq, badParam("page", v, "want an integer ≥ 1")
		}
		pq.page = n
	}
	if q.Has("page_size") {
		v := q.Get("page_size")
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > s.opts.PageSizeMax {
			return pq, badParam("page_size", v, "want an integer in [1, "+strconv.Itoa(s.opts.PageSizeMax)+"]")
		}
		pq.pageSize = n
	}
	return pq, ""
}

// pageRange turns a query into the index range [start, end) of the page and
// the window's total.
func (s *Simulator) pageRange(pq pageQuery) (start, end, total int) { return s.pageRangeN(pq, s.n) }

// pageRangeN is pageRange for n records spread over [From, To).
func (s *Simulator) pageRangeN(pq pageQuery, n int) (start, end, total int) {
	lo, hi := 0, n
	if !pq.from.IsZero() {
		lo = s.firstAt(pq.from, n)
	}
	if !pq.to.IsZero() {
		hi = s.firstAt(pq.to, n)
	}
	if hi < lo {
		hi = lo
	}
	total = hi - lo
	if pq.page-1 > total/pq.pageSize {
		return hi, hi, total
	}
	start = min(lo+(pq.page-1)*pq.pageSize, hi)
	end = min(start+pq.pageSize, hi)
	return start, end, total
}

// pageWriter is a pooled, reusable streaming state for one response.
type pageWriter struct {
	bw      *bufio.Writer
	e       enc
	g       genState
	d       dossier
	hdr     []byte
	records int // records started on the current page
}

// newPageWriter makes the streaming state that Simulator.pageWriters pools.
func newPageWriter() any {
	return &pageWriter{bw: bufio.NewWriterSize(nil, 64<<10), e: enc{b: make([]byte, 0, 8<<10)}}
}

// handleDossiers serves a page of dossiers as planDossierPage plans it
// (stale versions, a duplicate, then the page's own records), each
// generated on the fly.
func (s *Simulator) handleDossiers(w http.ResponseWriter, r *http.Request) {
	pq, msg := s.parsePageQuery(r)
	if msg != "" {
		writeError(w, http.StatusBadRequest, CodeBadRequest, msg)
		return
	}
	s.requests.Add(1)
	if at := requestAsOf(r); !at.IsZero() {
		s.serveDossiersAsOf(w, r, pq, at)
		return
	}
	served, said, extra := s.shapePage(pq)
	plan := s.planDossierPage(served)
	staleAt := pq.from.In(Location).Format(layCompact)
	s.streamPage(w, r, said, plan.total+extra, func(pw *pageWriter) bool {
		emit := func(i int, updated string) bool {
			pw.startRecord()
			s.generate(&pw.g, i, &pw.d, nil, nil)
			if updated != "" {
				pw.d.NgayCapNhat = updated
			}
			pw.e.dossier(&pw.d)
			return pw.writeRecord()
		}
		for _, i := range plan.stale {
			if !emit(i, staleAt) {
				return false
			}
		}
		if plan.dup >= 0 && !emit(plan.dup, "") {
			return false
		}
		for i := plan.start; i < plan.end; i++ {
			if !emit(i, "") {
				return false // client went away
			}
		}
		return true
	})
}

// streamPage answers a page request with status 200 and, unless it is a
// HEAD request, streams the envelope of page pq (total records), the
// records that body writes through the pooled pw (body returns false once
// the client has gone away; the page is then left unfinished) and the
// closing of the envelope.
func (s *Simulator) streamPage(w http.ResponseWriter, r *http.Request, pq pageQuery, total int, body func(pw *pageWriter) bool) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	pw := s.pageWriters.Get().(*pageWriter)
	defer s.pageWriters.Put(pw)
	pw.bw.Reset(w)
	pw.records = 0
	pw.hdr = appendPageHeader(pw.hdr[:0], pq, total)
	if _, err := pw.bw.Write(pw.hdr); err != nil {
		return
	}
	if !body(pw) {
		return
	}
	_, _ = pw.bw.WriteString("]}\n")
	_ = pw.bw.Flush()
	pw.bw.Reset(nil)
}

// startRecord empties the record buffer of pw, starting it with the comma
// that separates a record from the one before.
func (pw *pageWriter) startRecord() {
	pw.e.b = pw.e.b[:0]
	if pw.records > 0 {
		pw.e.b = append(pw.e.b, ',')
	}
	pw.records++
}

// writeRecord streams the buffered record; it reports false when the
// client has gone away.
func (pw *pageWriter) writeRecord() bool {
	_, err := pw.bw.Write(pw.e.b)
	return err == nil
}

// pagePlan is what one dossier page serves: stale versions first (their
// NgayCapNhat = updated_from: mutate, busy), then a duplicate of the
// previous page's last record (dup), then the records [start, end).
type pagePlan struct {
	stale      []int
	one        [1]int // backing of stale for mutate
	dup        int    // -1 = none
	start, end int
	total      int // the window's total as the portal sees it now
}

func (s *Simulator) planDossierPage(pq pageQuery) *pagePlan {
	p := &pagePlan{dup: -1}
	if !pq.from.IsZero() && !pq.to.IsZero() {
		lo, hi := s.indexRange(pq.from, pq.to)
		if stale := s.busyStale(pq, lo, hi); stale != nil {
			p.planBusy(pq, lo, hi, stale)
			return p
		}
	}
	p.start, p.end, p.total = s.pageRange(pq)
	if v := s.mutation(pq); v >= 0 { // a record of the window not yet updated
		p.one[0] = v
		p.stale = p.one[:]
		p.total++
		p.end = min(p.end, p.start+pq.pageSize-1)
	}
	p.dup = s.dupRecord(pq, p.start, p.end)
	return p
}

// planBusy cuts page pq from the list of the stale versions followed by the
// window's own records [lo, hi).
func (p *pagePlan) planBusy(pq pageQuery, lo, hi int, stale []int) {
	n := len(stale)
	p.total = n + hi - lo
	a := min((pq.page-1)*pq.pageSize, p.total)
	b := min(a+pq.pageSize, p.total)
	p.stale = stale[min(a, n):min(b, n)]
	p.start = lo + max(a-n, 0)
	p.end = max(p.start, lo+b-n)
}

// appendPageHeader appends the envelope of a page up to the opening of data.
func appendPageHeader(h []byte, pq pageQuery, total int) []byte {
	h = append(h, `{"error_code":"0","message":"","page":`...)
	h = strconv.AppendInt(h, int64(pq.page), 10)
	h = append(h, `,"page_size":`...)
	h = strconv.AppendInt(h, int64(pq.pageSize), 10)
	h = append(h, `,"total":`...)
	h = strconv.AppendInt(h, int64(total), 10)
	return append(h, `,"data":[`...)
}
