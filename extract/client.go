// Package extract owns reading from the portal (portal-api.md): one
// mechanism for auth, retries, rate limits, paging and closed windows, and
// small per-source adapters over it that yield raw records page by page. It
// knows nothing of normalization or of the warehouse.
//
// Invariant: a paged read returns nil only when it is proved complete — the
// distinct records of one read, under one stable total, account for the
// portal's total (complete.go); otherwise it fails with an error matching
// ErrWindowIncomplete that names the window, the total and the count read.
package extract

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"
	"github.com/rs/zerolog"
	"golang.org/x/time/rate"

	"github.com/dvcindex/dvcindex/internal/redact"
)

// Options configure a Client. Zero values take the defaults noted.
type Options struct {
	BaseURL      string
	Username     string
	Password     string        // never logged, never in errors
	Timeout      time.Duration // per request; default 30s
	RateLimit    float64       // requests per second; 0 = unlimited
	MaxRetries   int           // retries of one request; the run fails after them
	RetryWait    time.Duration // first backoff; default 500ms
	RetryMaxWait time.Duration // backoff cap; default 30s
	MaxBodyBytes int64         // response size limit; default 64 MiB
	Concurrency  int           // requests in flight at once; default 1
	Logger       zerolog.Logger
	Transport    http.RoundTripper // tests may inject one; default is net/http's
	// OnRetry, if set, is called before each retry of a request with the
	// request path, the attempt that failed, the wait and its error (for
	// metrics; the retry is logged either way).
	OnRetry func(path string, attempt int, wait time.Duration, err error)
}

// ErrPermanent marks failures that retrying cannot fix: HTTP 400/403/404,
// an application error_code other than "0", rejected credentials. A source's
// run fails with it; callers should not retry the run unchanged.
var ErrPermanent = errors.New("permanent source error")

// ErrRetriesExhausted marks a transient failure that persisted through every
// retry. The next scheduled run may succeed.
var ErrRetriesExhausted = errors.New("source retries exhausted")

// APIError is a response the portal answered with an error.
type APIError struct {
	Path      string // request path (no query: windows and tokens stay out of errors)
	Status    int
	ErrorCode string // the envelope's error_code, if any
	Message   string // the envelope's message, or a short description
}

func (e *APIError) Error() string {
	if e.ErrorCode != "" {
		return fmt.Sprintf("portal %s: HTTP %d, error_code %q: %s", e.Path, e.Status, e.ErrorCode, e.Message)
	}
	return fmt.Sprintf("portal %s: HTTP %d: %s", e.Path, e.Status, e.Message)
}

// Client talks to one portal endpoint family. It is safe for concurrent use.
type Client struct {
	http    *resty.Client
	auth    *resty.Client // the token endpoint: follows no redirect (noRedirect)
	opts    Options
	limiter *rate.Limiter
	sem     chan struct{} // bounds requests in flight (Options.Concurrency)
	// onFull, a test hook, is called when a request finds every slot of sem
	// taken and is about to wait for one: a test proves the bound by seeing
	// the surplus requests wait rather than by timing them.
	onFull func()

	mu    sync.Mutex
	token string
}

// New returns a Client. It does not contact the portal.
func New(opts Options) *Client {
	requestDefaults(&opts.Timeout, &opts.RetryWait, &opts.RetryMaxWait, &opts.MaxBodyBytes)
	rc, auth := newResty(opts), newResty(opts)
	auth.SetRedirectPolicy(noRedirect)
	lim := newLimiter(opts.RateLimit)
	if opts.Concurrency <= 0 {
		opts.Concurrency = 1
	}
	return &Client{http: rc, auth: auth, opts: opts, limiter: lim, sem: make(chan struct{}, opts.Concurrency)}
}

// requestDefaults fills the per-request settings both clients share:
// timeout 30s, first backoff 500ms, backoff cap 30s, body limit 64 MiB.
func requestDefaults(timeout, retryWait, retryMaxWait *time.Duration, maxBody *int64) {
	if *timeout <= 0 {
		*timeout = 30 * time.Second
	}
	if *retryWait <= 0 {
		*retryWait = 500 * time.Millisecond
	}
	if *retryMaxWait < *retryWait {
		*retryMaxWait = 30 * time.Second
	}
	if *maxBody <= 0 {
		*maxBody = 64 << 20
	}
}

// newLimiter paces requests at rps per second (0: unlimited).
func newLimiter(rps float64) *rate.Limiter {
	if rps > 0 {
		return rate.NewLimiter(rate.Limit(rps), 1)
	}
	return rate.NewLimiter(rate.Inf, 1)
}

func newResty(opts Options) *resty.Client {
	return restyClient(opts.BaseURL, opts.Timeout, opts.MaxBodyBytes, opts.Transport)
}

// restyClient is the HTTP client of both portals: resty with its own
// retries off (ours count attempts, honour Retry-After and classify
// answers), a per-request timeout and a response size limit.
func restyClient(baseURL string, timeout time.Duration, maxBody int64, transport http.RoundTripper) *resty.Client {
	rc := resty.New().
		SetBaseURL(strings.TrimRight(baseURL, "/")).
		SetTimeout(timeout).
		SetResponseBodyLimit(int(maxBody)).
		SetRetryCount(0).
		SetHeader("Accept", "application/json").
		SetHeader("User-Agent", "dvcindex")
	if transport != nil {
		rc.SetTransport(transport)
	}
	return rc
}

// noRedirect stops the token request at the first redirect: the credentials
// are sent to the configured host only, never to wherever a (misconfigured
// or hostile) portal points. The 3xx response is returned as it is and
// ensureToken fails on it.
var noRedirect = resty.RedirectPolicyFunc(func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse })

// envelope is the common part of every response.
type envelope struct {
	ErrorCode string `json:"error_code"`
	Message   string `json:"message"`
}

// Get fetches path with query and decodes the JSON body into out, after
// checking the envelope. Transient failures (network errors, timeouts, 429,
// 502/503/504, truncated or non-JSON bodies) are retried with exponential
// backoff and jitter, honouring Retry-After; a 401 re-authenticates once.
// Permanent failures return an error wrapping ErrPermanent at once.
func (c *Client) Get(ctx context.Context, path string, query url.Values, out any) error {
	body, _, err := c.do(ctx, path, query, nil)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("portal %s: decode response: %w", path, err)
	}
	return nil
}

// getPage is Get into a pageBody, decoding the body once (see decodePage)
// instead of checking, decoding the envelope and decoding the page in three
// passes of encoding/json. Results and errors are those of Get.
func (c *Client) getPage(ctx context.Context, path string, query url.Values, out *pageBody) error {
	*out = pageBody{Total: -1} // a page without a total says so
	body, decoded, err := c.do(ctx, path, query, out)
	if err != nil || decoded {
		return err
	}
	*out = pageBody{Total: -1, servedAt: out.servedAt}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("portal %s: decode response: %w", path, err)
	}
	return nil
}

// attemptError is the outcome of one attempt.
type attemptError struct {
	err        error
	retryable  bool
	retryAfter time.Duration // from Retry-After, if the server sent one
	unauth     bool
}

// do runs the request with retries. When page is not nil the body of a
// successful response may already be decoded into it: decoded says so.
func (c *Client) do(ctx context.Context, path string, query url.Values, page *pageBody) (body []byte, decoded bool, err error) {
	reauthed := false
	wait := c.opts.RetryWait
	for attempt := 1; ; attempt++ {
		body, decoded, aerr := c.attempt(ctx, path, query, page)
		if aerr == nil {
			return body, decoded, nil
		}
		if ctx.Err() != nil {
			return nil, false, fmt.Errorf("portal %s: %w", path, ctx.Err())
		}
		if aerr.unauth && !reauthed {
			// The token expired: get a new one once and repeat the call.
			reauthed = true
			c.opts.Logger.Info().Str("path", path).Msg("portal token rejected; re-authenticating")
			c.setToken("")
			attempt--
			continue
		}
		if !aerr.retryable {
			return nil, false, aerr.err
		}
		if attempt > c.opts.MaxRetries {
			return nil, false, fmt.Errorf("%w after %d attempts: %w", ErrRetriesExhausted, attempt, aerr.err)
		}
		d := backoff(wait, c.opts.RetryMaxWait)
		if aerr.retryAfter > 0 {
			d = min(aerr.retryAfter, c.opts.RetryMaxWait)
		}
		c.opts.Logger.Warn().Err(aerr.err).Str("path", path).Int("attempt", attempt).
			Int("max_attempts", c.opts.MaxRetries+1).Dur("wait", d).Msg("portal request failed; retrying")
		if c.opts.OnRetry != nil {
			c.opts.OnRetry(path, attempt, d, aerr.err)
		}
		select {
		case <-ctx.Done():
			return nil, false, fmt.Errorf("portal %s: %w", path, ctx.Err())
		case <-time.After(d):
		}
		wait = min(wait*2, c.opts.RetryMaxWait)
	}
}

// backoff returns a wait in [base/2, base) capped: full jitter spreads the
// retries of many clients hitting a struggling portal at once.
func backoff(base, ceiling time.Duration) time.Duration {
	base = min(base, ceiling)
	half := base / 2
	return half + time.Duration(rand.Int64N(int64(half)+1))
}

func (c *Client) attempt(ctx context.Context, path string, query url.Values, page *pageBody) ([]byte, bool, *attemptError) {
	token, aerr := c.ensureToken(ctx)
	if aerr != nil {
		return nil, false, aerr
	}
	if err := c.acquire(ctx); err != nil {
		return nil, false, &attemptError{err: fmt.Errorf("portal %s: %w", path, err)}
	}
	defer func() { <-c.sem }()
	if err := c.limiter.Wait(ctx); err != nil {
		return nil, false, &attemptError{err: fmt.Errorf("portal %s: rate limiter: %w", path, err)}
	}
	resp, err := c.http.R().SetContext(ctx).SetAuthToken(token).SetQueryParamsFromValues(query).Get(path)
	if err != nil {
		if errors.Is(err, resty.ErrResponseBodyTooLarge) {
			return nil, false, &attemptError{err: fmt.Errorf("portal %s: response larger than %d bytes: %w", path, c.opts.MaxBodyBytes, ErrPermanent)}
		}
		return nil, false, &attemptError{err: fmt.Errorf("portal %s: %w", path, scrub(err)), retryable: true}
	}
	return classifyPage(path, resp, page)
}

// acquire takes a slot of sem, waiting while Options.Concurrency requests
// are in flight.
func (c *Client) acquire(ctx context.Context) error {
	select {
	case c.sem <- struct{}{}:
		return nil
	default:
	}
	if c.onFull != nil {
		c.onFull()
	}
	select {
	case c.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// classify decides what a response means.
func classify(path string, resp *resty.Response) ([]byte, *attemptError) {
	body, _, aerr := classifyPage(path, resp, nil)
	return body, aerr
}

// classifyPage is classify that, when page is not nil, decodes a successful
// JSON body into it in the same pass that checks the envelope (decodePage);
// decoded reports whether it did.
func classifyPage(path string, resp *resty.Response, page *pageBody) (_ []byte, decoded bool, _ *attemptError) {
	status := resp.StatusCode()
	body := resp.Body()
	ct := resp.Header().Get("Content-Type")
	var env *envelope
	var jsonErr error
	if page != nil && status < 400 && jsonContentType(ct) {
		// The records will be sub-slices of the body and keep it alive
		// until they are normalized: drop the read buffer's slack (up to
		// half of it) first, so pages in flight cost what they hold.
		if cap(body)-len(body) > len(body)/8 {
			body = bytes.Clone(body)
		}
		if decodePage(body, page) {
			env, decoded = &page.envelope, true
		}
	}
	if !decoded {
		env, jsonErr = decodeEnvelope(ct, body)
	}
	apiErr := &APIError{Path: path, Status: status}
	if env != nil {
		apiErr.ErrorCode, apiErr.Message = env.ErrorCode, env.Message
	} else {
		apiErr.Message = jsonErr.Error()
	}
	switch {
	case status == http.StatusUnauthorized:
		return nil, false, &attemptError{err: apiErr, unauth: true}
	case status == http.StatusTooManyRequests:
		return nil, false, &attemptError{err: apiErr, retryable: true, retryAfter: parseRetryAfter(resp.Header().Get("Retry-After"))}
	case status == http.StatusBadGateway, status == http.StatusServiceUnavailable, status == http.StatusGatewayTimeout,
		status == http.StatusInternalServerError, status == http.StatusRequestTimeout:
		return nil, false, &attemptError{err: apiErr, retryable: true, retryAfter: parseRetryAfter(resp.Header().Get("Retry-After"))}
	case status >= 400:
		return nil, false, &attemptError{err: fmt.Errorf("%w: %w", ErrPermanent, apiErr)}
	case env == nil:
		// Status 200 with an HTML error page or a body cut mid-way: the
		// portal is struggling, not saying no.
		return nil, false, &attemptError{err: apiErr, retryable: true}
	case env.ErrorCode != "0":
		return nil, false, &attemptError{err: fmt.Errorf("%w: %w", ErrPermanent, apiErr)}
	}
	if page != nil {
		page.servedAt = httpDate(resp.Header().Get("Date"))
	}
	return body, decoded, nil
}

// httpDate parses an HTTP Date header; zero when absent or malformed.
func httpDate(v string) time.Time {
	if v == "" {
		return time.Time{}
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return time.Time{}
	}
	return t
}

// decodeEnvelope returns the envelope of a well-formed JSON body, or an error
// saying why the body is not one.
func decodeEnvelope(contentType string, body []byte) (*envelope, error) {
	if !jsonContentType(contentType) {
		return nil, fmt.Errorf("unexpected content type %q (%s)", contentType, snippet(body))
	}
	if !json.Valid(body) {
		return nil, fmt.Errorf("body is not complete JSON (%d bytes: %s)", len(body), snippet(body))
	}
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, fmt.Errorf("body is not a JSON envelope: %v", err)
	}
	return &env, nil
}

// jsonContentType reports whether a response may hold JSON: no content type,
// or one that says json.
func jsonContentType(contentType string) bool {
	ct := strings.ToLower(contentType)
	return ct == "" || strings.Contains(ct, "json")
}

// snippet quotes the start of a body that is not what was expected, for
// the error message: an HTML error page or a proxy's text says what went
// wrong. A body that starts as JSON is not quoted: it is the portal's data,
// whose first record may hold personal values, and errors reach logs and
// v_runs.error unscrubbed.
func snippet(b []byte) string {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && (b[0] == '{' || b[0] == '[') {
		return "JSON text, not shown"
	}
	if len(b) > 80 {
		b = b[:80]
	}
	return strconv.Quote(string(b))
}

func parseRetryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return time.Until(t)
	}
	return 0
}

// scrub redacts the user info and query of the URL in URL errors
// (redact.URL): the error may be logged, and only the path is needed to act
// on it.
func scrub(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return &url.Error{Op: ue.Op, URL: redact.URL(ue.URL), Err: ue.Err}
	}
	return err
}

func (c *Client) setToken(t string) {
	c.mu.Lock()
	c.token = t
	c.mu.Unlock()
}

func (c *Client) ensureToken(ctx context.Context) (string, *attemptError) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token != "" {
		return c.token, nil
	}
	var out struct {
		envelope
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	const path = "/api/v1/auth/token"
	resp, err := c.auth.R().SetContext(ctx).
		SetBody(map[string]string{"username": c.opts.Username, "password": c.opts.Password}).
		Post(path)
	if err != nil {
		return "", &attemptError{err: fmt.Errorf("portal %s: %w", path, scrub(err)), retryable: true}
	}
	if st := resp.StatusCode(); st >= 300 && st < 400 {
		return "", &attemptError{err: fmt.Errorf("%w: portal %s answered HTTP %d, a redirect to %s: the credentials are not sent on (set portal.base_url to the portal's final address)",
			ErrPermanent, path, st, redact.URL(resp.Header().Get("Location")))}
	}
	body, aerr := classify(path, resp)
	if aerr != nil {
		if aerr.unauth {
			// Rejected credentials are not an expired token: say so, and
			// never with the password.
			return "", &attemptError{err: fmt.Errorf("%w: portal rejected the credentials of user %q (check portal.username / portal.password): %w",
				ErrPermanent, c.opts.Username, aerr.err)}
		}
		return "", aerr
	}
	if err := json.Unmarshal(body, &out); err != nil || out.AccessToken == "" {
		return "", &attemptError{err: fmt.Errorf("%w: portal %s: no access_token in the response", ErrPermanent, path)}
	}
	c.token = out.AccessToken
	return c.token, nil
}
