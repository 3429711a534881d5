package transform

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// cleanText trims and converts to NFC: real exports mix NFC and NFD, and two
// spellings of the same text must compare and group as equal in ClickHouse.
func cleanText(s string) string {
	s = strings.TrimFunc(s, isSpaceOrFormat)
	if s == "" || isASCII(s) {
		return s // ASCII is NFC already
	}
	return norm.NFC.String(s)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// isSpaceOrFormat covers the Unicode spaces (NBSP, thin space, ideographic
// space) and the invisible format characters (zero-width space, BOM) that
// copy-paste from Word and web pages leaves in exported fields.
func isSpaceOrFormat(r rune) bool {
	if r < utf8.RuneSelf {
		// ASCII: the spaces of unicode.IsSpace; ASCII has no Zs but the
		// space and no Cf at all.
		return r == ' ' || (r >= '\t' && r <= '\r')
	}
	return unicode.IsSpace(r) || unicode.Is(unicode.Zs, r) || unicode.Is(unicode.Cf, r)
}

// foldASCII reduces Vietnamese text to lower-case ASCII words: diacritics
// dropped, đ → d, whitespace collapsed. It is only for matching small closed
// vocabularies (statuses, channels) where no two entries differ by a diacritic
// alone, so folding cannot confuse them.
func foldASCII(s string) string {
	s = norm.NFD.String(strings.ToLower(s))
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ' || r == 'Đ':
			r = 'd'
		case isSpaceOrFormat(r) || r == '_' || r == '-':
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// toneDigit numbers the five Vietnamese tone marks; the vowel-quality marks
// (circumflex, breve, horn) are not tones and stay on their letter.
func toneDigit(r rune) byte {
	switch r {
	case '\u0300', '\u0340': // huyền
		return '1'
	case '\u0301', '\u0341': // sắc
		return '2'
	case '\u0309': // hỏi
		return '3'
	case '\u0303': // ngã
		return '4'
	case '\u0323': // nặng
		return '5'
	}
	return 0
}

// syllableKey makes one lower-case syllable independent of where the tone mark
// sits: the old orthography puts it on a different vowel (hoà / hòa, thuỷ /
// thủy) and both are in use in official names. The tone is moved to the end
// as a digit; the letters keep their quality marks, so distinct syllables
// (hải / hảo, tân / tấn) never merge.
func syllableKey(tok string) string {
	d := norm.NFD.String(tok)
	var b strings.Builder
	b.Grow(len(d) + 1)
	var tone byte
	for _, r := range d {
		if t := toneDigit(r); t != 0 {
			tone = t
			continue
		}
		b.WriteRune(r)
	}
	out := norm.NFC.String(b.String())
	if tone != 0 {
		out += string(tone)
	}
	return out
}

// nameTokens splits a unit name into syllable keys. Dots, commas and hyphens
// separate tokens so "P.Tam Quan" and "P. Tam Quan" give the same tokens.
func nameTokens(s string) []string {
	s = strings.ToLower(norm.NFC.String(s))
	f := strings.FieldsFunc(s, func(r rune) bool {
		return isSpaceOrFormat(r) || r == '.' || r == ',' || r == '-' || r == '–' || r == '(' || r == ')'
	})
	for i, t := range f {
		f[i] = syllableKey(t)
	}
	return f
}
