package watch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"
)

// Poster defaults.
const (
	defaultRetryWait = time.Second
	defaultMaxWait   = 30 * time.Second
	defaultParallel  = 4
	// drainLimit is how much of a receiver's answer is read (and dropped)
	// so that its connection can be reused.
	drainLimit = 64 << 10
)

// PosterOptions configure how digests are posted.
type PosterOptions struct {
	Timeout   time.Duration // one attempt, connection to last header (watch.webhook_timeout)
	Retries   int           // re-sends after a failed attempt that may succeed later (watch.webhook_retries)
	RetryWait time.Duration // wait before the first re-send, doubled before each next one (default 1s)
	MaxWait   time.Duration // the longest wait, Retry-After included (default 30s)
	Parallel  int           // webhooks posted at once by Deliver (default 4)
	// Transport, if set, replaces resty's HTTP transport.
	Transport http.RoundTripper
}

// Poster posts digests to webhooks with resty. Safe for concurrent use.
type Poster struct {
	opts   PosterOptions
	client *resty.Client
}

// NewPoster returns a Poster. Its client follows no redirect (a 3xx is a
// failure: the token-bearing body goes only where the file says) and logs
// nothing itself: resty's messages would quote the URL.
func NewPoster(o PosterOptions) *Poster {
	if o.RetryWait <= 0 {
		o.RetryWait = defaultRetryWait
	}
	if o.MaxWait <= 0 {
		o.MaxWait = defaultMaxWait
	}
	if o.Parallel <= 0 {
		o.Parallel = defaultParallel
	}
	c := resty.New().
		SetTimeout(o.Timeout).
		SetRetryCount(0).
		SetLogger(silentLogger{}).
		SetRedirectPolicy(resty.RedirectPolicyFunc(func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse })).
		SetDoNotParseResponse(true).
		SetHeader("Content-Type", "application/json; charset=utf-8").
		SetHeader("User-Agent", "dvcindex")
	if o.Transport != nil {
		c.SetTransport(o.Transport)
	}
	return &Poster{opts: o, client: c}
}

// Post sends d to w as one JSON object (the Digest) and returns how many
// attempts it took. A network error (timeout included), a 429 or a 5xx is
// retried up to Retries times, waiting RetryWait, then twice as long each
// time (a 429's Retry-After, when given, instead), at most MaxWait; any
// other status outside 2xx fails at once. Each request carries the header
// Idempotency-Key: watch id/unit code, the same on every attempt, so a
// receiver can drop a repeat. The error names the unit and the webhook's
// scheme and host, never the rest of its URL.
func (p *Poster) Post(ctx context.Context, w Webhook, d Digest) (attempts int, err error) {
	body, err := json.Marshal(d)
	if err != nil {
		return 0, fmt.Errorf("webhook of unit %s: encode digest: %w", w.Unit, err)
	}
	key := d.WatchID + "/" + d.UnitCode
	wait := p.opts.RetryWait
	for attempt := 1; ; attempt++ {
		retry, after, err := p.attempt(ctx, w, body, key)
		if err == nil {
			return attempt, nil
		}
		if !retry || attempt > p.opts.Retries || ctx.Err() != nil {
			return attempt, fmt.Errorf("webhook of unit %s (%s): %w (attempts: %d)", w.Unit, w.Target(), err, attempt)
		}
		pause := min(wait, p.opts.MaxWait)
		if after > 0 {
			pause = min(after, p.opts.MaxWait)
		}
		select {
		case <-ctx.Done():
			return attempt, fmt.Errorf("webhook of unit %s (%s): %w (attempts: %d)", w.Unit, w.Target(), ctx.Err(), attempt)
		case <-time.After(pause):
		}
		wait *= 2
	}
}

// attempt posts once: whether a failure may be retried, and the wait a
// 429's Retry-After asks for.
func (p *Poster) attempt(ctx context.Context, w Webhook, body []byte, key string) (retry bool, after time.Duration, err error) {
	resp, err := p.client.R().SetContext(ctx).SetHeader("Idempotency-Key", key).SetBody(body).Post(w.url.String())
	if err != nil {
		return true, 0, w.scrub(err)
	}
	if raw := resp.RawBody(); raw != nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(raw, drainLimit))
		_ = raw.Close()
	}
	code := resp.StatusCode()
	switch {
	case code >= 200 && code < 300:
		return false, 0, nil
	case code == http.StatusTooManyRequests:
		return true, retryAfter(resp.Header().Get("Retry-After")), fmt.Errorf("HTTP %d", code)
	case code >= 500:
		return true, 0, fmt.Errorf("HTTP %d", code)
	case code >= 300 && code < 400:
		return false, 0, fmt.Errorf("HTTP %d: a webhook is not followed to another address", code)
	}
	return false, 0, fmt.Errorf("HTTP %d", code)
}

// scrub replaces the URL of a transport error by the webhook's target.
func (w Webhook) scrub(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = &url.Error{Op: ue.Op, URL: w.Target(), Err: ue.Err}
	}
	msg := err.Error()
	if full := w.url.String(); strings.Contains(msg, full) {
		return errors.New(strings.ReplaceAll(msg, full, w.Target()))
	}
	return err
}

// retryAfter reads a Retry-After of seconds (0: absent or a date).
func retryAfter(v string) time.Duration {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n <= 0 {
		return 0
	}
	return time.Duration(n) * time.Second
}

// Delivery is what became of one webhook after a watch.
type Delivery struct {
	Webhook  Webhook
	Attempts int   // 0 when not posted
	Err      error // nil when delivered (or not posted)
	NoDigest bool  // the watch has no digest for the unit: nothing was posted
}

// Deliver posts to every webhook its unit's digest, Parallel at a time, and
// returns the outcomes in the webhooks' order. A webhook whose unit has no
// digest in ds (a unit that does not exist in the period) is not posted.
func (p *Poster) Deliver(ctx context.Context, hooks []Webhook, ds []Digest) []Delivery {
	byUnit := make(map[string]Digest, len(ds))
	for _, d := range ds {
		byUnit[d.UnitCode] = d
	}
	out := make([]Delivery, len(hooks))
	sem := make(chan struct{}, p.opts.Parallel)
	var wg sync.WaitGroup
	for i, h := range hooks {
		out[i].Webhook = h
		d, ok := byUnit[h.Unit]
		if !ok {
			out[i].NoDigest = true
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			out[i].Attempts, out[i].Err = p.Post(ctx, h, d)
		}()
	}
	wg.Wait()
	return out
}

// silentLogger drops resty's own messages, which quote URLs; the caller
// logs each outcome with the target only.
type silentLogger struct{}

func (silentLogger) Errorf(string, ...any) {}
func (silentLogger) Warnf(string, ...any)  {}
func (silentLogger) Debugf(string, ...any) {}
