package transform

import (
	"bytes"
	"encoding/json"
	"sync"
	"unicode/utf8"
)

// normCacheMax bounds each cache of a Normalizer: past it the map is
// dropped and refilled, so a stream of distinct values (free-text contents,
// say) costs a little time but never unbounded memory.
const normCacheMax = 4096

// boundedMap is a string-keyed map for values that are pure functions of
// their key, shared by the workers of one Normalizer.
type boundedMap[V any] struct {
	mu sync.RWMutex
	m  map[string]V
}

// get looks k up without allocating (the string(k) conversion in a map
// index does not copy).
func (b *boundedMap[V]) get(k []byte) (V, bool) {
	b.mu.RLock()
	v, ok := b.m[string(k)]
	b.mu.RUnlock()
	return v, ok
}

func (b *boundedMap[V]) getString(k string) (V, bool) {
	b.mu.RLock()
	v, ok := b.m[k]
	b.mu.RUnlock()
	return v, ok
}

func (b *boundedMap[V]) put(k []byte, v V) {
	b.mu.Lock()
	if b.m == nil || len(b.m) >= normCacheMax {
		b.m = make(map[string]V, 64)
	}
	b.m[string(k)] = v
	b.mu.Unlock()
}

// normCache memoizes, per Normalizer, the work that depends on the value
// alone and repeats from record to record: the cleaned text of
// low-cardinality fields (procedure names, departments, step statuses and
// contents), the step status codes, the hashes of the staff who handled the
// steps, and the name keys of units. Keys are the raw JSON values, so a hit
// costs neither a string nor NFC; only successful results are kept, so
// errors are produced exactly as without the cache.
type normCache struct {
	texts    boundedMap[string]
	steps    boundedMap[stepStatus]
	staff    boundedMap[string]
	contents boundedMap[string]
	unitKeys boundedMap[unitKey]
}

type stepStatus struct {
	text string
	code uint8
}

type unitKey struct {
	key   string
	level int
}

const (
	haveDocs uint8 = 1 << iota
	haveFees
	haveResults
	haveSups
	haveSteps
)

// scratch holds the raw nested records of one dossier; pooled per
// Normalizer so the slices are reused from record to record.
type scratch struct {
	have    uint8 // have* bits: arrays decoded with the record
	docs    []rawDocument
	fees    []rawFee
	results []rawResult
	sups    []rawSupplement
	steps   []rawStep
}

func (n *Normalizer) getScratch() *scratch {
	if s, ok := n.scratch.Get().(*scratch); ok {
		return s
	}
	return new(scratch)
}

// putScratch clears what the record left (sub-slices of the input, which
// must not be kept alive) and returns s to the pool.
func (n *Normalizer) putScratch(s *scratch) {
	clear(s.docs)
	clear(s.fees)
	clear(s.results)
	clear(s.sups)
	clear(s.steps)
	s.docs, s.fees, s.results, s.sups, s.steps = s.docs[:0], s.fees[:0], s.results[:0], s.sups[:0], s.steps[:0]
	s.have = 0
	n.scratch.Put(s)
}

// commonText is text for fields whose values repeat across records.
func (c *ctx) commonText(f fieldName, v json.RawMessage) string {
	if !present(v) {
		return ""
	}
	if s, ok := c.n.cache.texts.get(v); ok {
		return s
	}
	s, err := rawString(v)
	if err != nil {
		c.setErr(f.String(), v, err.Error(), ErrMalformed)
		return ""
	}
	s = cleanText(s)
	c.n.cache.texts.put(v, s)
	return s
}

// hasText reports whether text would return a non-empty value, without
// building it when v is a plain JSON string.
func (c *ctx) hasText(f fieldName, v json.RawMessage) bool {
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' && bytes.IndexByte(v, '\\') < 0 {
		// Invalid UTF-8 decodes to U+FFFD here as it is replaced by it in
		// rawString: not a space, so the text is not empty.
		for b := v[1 : len(v)-1]; len(b) > 0; {
			r, size := utf8.DecodeRune(b)
			if !isSpaceOrFormat(r) {
				return true
			}
			b = b[size:]
		}
		return false
	}
	return c.text(f.String(), v) != ""
}

// stepStatus reads a step's TrangThai as text and code (StepStatusCode).
func (c *ctx) stepStatus(f fieldName, v json.RawMessage) (string, uint8) {
	if st, ok := c.n.cache.steps.get(v); ok {
		return st.text, st.code
	}
	s, err := rawString(v)
	if err != nil {
		c.setErr(f.String(), v, err.Error(), ErrMalformed)
		return "", StepStatusCode("")
	}
	s = cleanText(s)
	st := stepStatus{text: s, code: StepStatusCode(s)}
	c.n.cache.steps.put(v, st)
	return st.text, st.code
}

// staff is personal(KindStaff, v), memoized: a unit has few officials and
// each handles thousands of steps.
func (n *Normalizer) staff(v json.RawMessage) string {
	if !present(v) {
		return ""
	}
	if h, ok := n.cache.staff.get(v); ok {
		return h
	}
	h := n.personal(KindStaff, v)
	n.cache.staff.put(v, h)
	return h
}

// stepContent hashes the free text of a step (NoiDungXuLy) as KindText.
func (n *Normalizer) stepContent(v json.RawMessage) string {
	if !present(v) {
		return ""
	}
	if h, ok := n.cache.contents.get(v); ok {
		return h
	}
	h := n.personal(KindText, v)
	n.cache.contents.put(v, h)
	return h
}

// decodeSync decodes DongBoDVCQG like decodeObject, fast when it can.
func (n *Normalizer) decodeSync(v json.RawMessage, s *rawSync) error {
	if !n.slowDecode && decodeFast(bytes.TrimSpace(v), s) {
		return nil
	}
	*s = rawSync{}
	return decodeObject(v, s)
}

// unitNameKey is unitNameKey memoized: a handful of spellings per unit.
func (n *Normalizer) unitNameKey(name string, prefixes []unitPrefix) (string, int) {
	if k, ok := n.cache.unitKeys.getString(name); ok {
		return k.key, k.level
	}
	key, level := unitNameKey(name, prefixes)
	n.cache.unitKeys.put([]byte(name), unitKey{key, level})
	return key, level
}
