package extract

import (
	"encoding/json"
	"hash/maphash"

	"github.com/dvcindex/dvcindex/internal/jsonscan"
)

// recordIDs tells records apart to count the distinct records of a window
// read: two records are the same when the identity fields (Windowed.Key,
// e.g. MaHoSo and NgayCapNhat, the API's sort key) are equal, or, for a
// record lacking one of them, when its bytes are equal. Only 64-bit hashes
// are kept: a window of N records costs N map entries, never the records.
type recordIDs struct {
	seed   maphash.Seed
	fields [][]byte // identity fields, ASCII-lower-cased (jsonscan.FoldKey)
}

func newRecordIDs(key []string) recordIDs {
	r := recordIDs{seed: maphash.MakeSeed()}
	for _, k := range key {
		var buf [64]byte
		f, ok := jsonscan.FoldKey([]byte(k), buf[:])
		if ok && f != nil {
			r.fields = append(r.fields, append([]byte(nil), f...))
		}
	}
	return r
}

// id returns the identity hash of one record.
func (r recordIDs) id(raw json.RawMessage) uint64 {
	var h maphash.Hash
	h.SetSeed(r.seed)
	if len(r.fields) > 0 && r.writeKey(&h, raw) {
		return h.Sum64()
	}
	h.Reset()
	_ = h.WriteByte(0) // whole-record identities never equal key identities
	_, _ = h.Write(raw)
	return h.Sum64()
}

// writeKey writes the identity fields' values into h, in Key order; false
// when one is missing, null or "" (or the record is not an object).
func (r recordIDs) writeKey(h *maphash.Hash, raw json.RawMessage) bool {
	var arr [4][]byte
	vals := arr[:0]
	if len(r.fields) <= len(arr) {
		vals = arr[:len(r.fields)]
	} else {
		vals = make([][]byte, len(r.fields))
	}
	found := 0
	var buf [64]byte
	s := jsonscan.Scanner{B: raw}
	s.Members(func(key []byte, escaped bool, s *jsonscan.Scanner) bool {
		v, ok := s.Value()
		if !ok {
			return false
		}
		k, ok := jsonscan.FoldKey(key, buf[:])
		if escaped || !ok || k == nil {
			return true
		}
		for i, f := range r.fields {
			if vals[i] == nil && string(k) == string(f) {
				vals[i] = v
				found++
			}
		}
		return found < len(r.fields) // stop once every field is found
	})
	if found < len(r.fields) {
		return false
	}
	_ = h.WriteByte(1)
	for _, v := range vals {
		if string(v) == "null" || string(v) == `""` {
			return false
		}
		_, _ = h.Write(v)
		_ = h.WriteByte(0)
	}
	return true
}
