package extract

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"
	"github.com/rs/zerolog"
	"golang.org/x/time/rate"
)

// The national reporting API (docs/spec/national-766-api.md) is another
// host with another protocol than the provincial portal: every read is a
// POST with a JSON body, a success is HTTP 201 (any 2xx is taken), the
// envelope is {"code":"OK","data":…,"message":"OK"}, and it takes no
// credentials — NationalClient never sends the portal's username, password
// or token to it.

// ErrThrottled marks a run stopped because the national portal answered
// 403 or 429 NationalOptions.MaxThrottled times in a row: it is refusing
// this client, and insisting would make it worse. It also matches
// ErrPermanent.
var ErrThrottled = errors.New("national portal refused repeatedly (HTTP 403/429): stopped to stay polite; lower sources.evaluation.rate_limit or try later")

// NationalOptions configure a NationalClient. Zero values take the
// defaults noted.
type NationalOptions struct {
	BaseURL      string
	Timeout      time.Duration // per request; default 30s
	RateLimit    float64       // requests per second; 0 = unlimited
	Jitter       time.Duration // random extra wait up to this before each request
	MaxRetries   int           // retries of a transient failure (5xx, network)
	RetryWait    time.Duration // first backoff; default 500ms
	RetryMaxWait time.Duration // backoff cap; default 30s
	MaxBodyBytes int64         // response size limit; default 64 MiB
	MaxThrottled int           // consecutive 403/429 before ErrThrottled; default 3
	Logger       zerolog.Logger
	Transport    http.RoundTripper // tests may inject one
	OnRetry      func(path string, attempt int, wait time.Duration, err error)
}

// NationalClient posts to the national reporting API. Safe for concurrent
// use; requests are paced by one limiter.
type NationalClient struct {
	opts    NationalOptions
	http    *resty.Client // restyClient: our retries, a timeout, a body limit
	limiter *rate.Limiter

	mu        sync.Mutex
	throttled int // consecutive 403/429 answers
}

// NewNational returns a NationalClient. It does not contact the portal.
func NewNational(opts NationalOptions) *NationalClient {
	requestDefaults(&opts.Timeout, &opts.RetryWait, &opts.RetryMaxWait, &opts.MaxBodyBytes)
	if opts.MaxThrottled <= 0 {
		opts.MaxThrottled = 3
	}
	lim := newLimiter(opts.RateLimit)
	return &NationalClient{opts: opts, http: restyClient(opts.BaseURL, opts.Timeout, opts.MaxBodyBytes, opts.Transport), limiter: lim}
}

// Post sends body to path and returns the response body once the envelope
// says OK. Transient failures are retried with backoff; 403 and 429 are
// waited out (Retry-After, else backoff) until MaxThrottled in a row, then
// the call fails with ErrThrottled. Other 4xx and a non-OK envelope fail at
// once with ErrPermanent.
func (c *NationalClient) Post(ctx context.Context, path string, body []byte) ([]byte, error) {
	wait := c.opts.RetryWait
	for attempt := 1; ; attempt++ {
		out, aerr := c.attempt(ctx, path, body)
		if aerr == nil {
			c.setThrottled(false)
			return out, nil
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("national %s: %w", path, ctx.Err())
		}
		d := backoff(wait, c.opts.RetryMaxWait)
		switch {
		case aerr.unauth: // 403/429
			if n := c.setThrottled(true); n >= c.opts.MaxThrottled {
				return nil, fmt.Errorf("%w: %w (%d in a row): %w", ErrPermanent, ErrThrottled, n, aerr.err)
			}
			attempt-- // throttling has its own limit
		case !aerr.retryable:
			return nil, aerr.err
		case attempt > c.opts.MaxRetries:
			return nil, fmt.Errorf("%w after %d attempts: %w", ErrRetriesExhausted, attempt, aerr.err)
		}
		if aerr.retryAfter > 0 {
			d = min(aerr.retryAfter, c.opts.RetryMaxWait)
		}
		c.opts.Logger.Warn().Err(aerr.err).Str("path", path).Int("attempt", attempt).Dur("wait", d).Msg("national portal request failed; retrying")
		if c.opts.OnRetry != nil {
			c.opts.OnRetry(path, attempt, d, aerr.err)
		}
		if err := sleepCtx(ctx, d); err != nil {
			return nil, fmt.Errorf("national %s: %w", path, err)
		}
		wait = min(wait*2, c.opts.RetryMaxWait)
	}
}

func (c *NationalClient) setThrottled(hit bool) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if hit {
		c.throttled++
	} else {
		c.throttled = 0
	}
	return c.throttled
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// attempt sends one request; in the attemptError, unauth marks 403/429.
func (c *NationalClient) attempt(ctx context.Context, path string, body []byte) ([]byte, *attemptError) {
	if err := c.limiter.Wait(ctx); err != nil {
		return nil, &attemptError{err: fmt.Errorf("national %s: rate limiter: %w", path, err)}
	}
	if c.opts.Jitter > 0 {
		if err := sleepCtx(ctx, time.Duration(rand.Int64N(int64(c.opts.Jitter)+1))); err != nil {
			return nil, &attemptError{err: fmt.Errorf("national %s: %w", path, err)}
		}
	}
	resp, err := c.http.R().SetContext(ctx).SetHeader("Content-Type", "application/json").SetBody(body).Post(path)
	switch {
	case errors.Is(err, resty.ErrResponseBodyTooLarge):
		return nil, &attemptError{err: fmt.Errorf("national %s: response larger than %d bytes: %w", path, c.opts.MaxBodyBytes, ErrPermanent)}
	case err != nil:
		return nil, &attemptError{err: fmt.Errorf("national %s: %w", path, scrub(err)), retryable: true}
	}
	out := resp.Body()
	return classifyNational(path, resp.RawResponse, out)
}

// classifyNational decides what one response means.
func classifyNational(path string, resp *http.Response, body []byte) ([]byte, *attemptError) {
	status := resp.StatusCode
	apiErr := &APIError{Path: path, Status: status, Message: snippet(body)}
	var env struct {
		Code    *string `json:"code"`
		Message string  `json:"message"`
	}
	isJSON := json.Valid(body) && json.Unmarshal(body, &env) == nil
	if isJSON && env.Code != nil {
		apiErr.ErrorCode, apiErr.Message = *env.Code, env.Message
	}
	retryAfter := parseRetryAfter(resp.Header.Get("Retry-After"))
	switch {
	case status == http.StatusForbidden, status == http.StatusTooManyRequests:
		return nil, &attemptError{err: apiErr, unauth: true, retryAfter: retryAfter}
	case status >= 500, status == http.StatusRequestTimeout:
		return nil, &attemptError{err: apiErr, retryable: true, retryAfter: retryAfter}
	case status >= 300:
		return nil, &attemptError{err: fmt.Errorf("%w: %w", ErrPermanent, apiErr)}
	case !isJSON:
		// A 2xx with an HTML page or a cut body: the portal is struggling.
		apiErr.Message = "body is not complete JSON: " + apiErr.Message
		return nil, &attemptError{err: apiErr, retryable: true}
	case env.Code == nil || *env.Code != "OK":
		return nil, &attemptError{err: fmt.Errorf("%w: %w", ErrPermanent, apiErr)}
	}
	return body, nil
}
