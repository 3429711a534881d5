package web

import (
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// Test accounts of testdata/users/good.csv (bcrypt cost 4).
var testPasswords = map[string]string{
	"tinh": "tinh-pass", "hoainhon": "hn-pass", "bongson": "bs-pass", "tamquan": "tq-pass", "anhao": "ah-pass",
}

func TestLoadUsersGood(t *testing.T) {
	u, err := LoadUsers(filepath.Join("testdata", "users", "good.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if u.Len() != len(testPasswords) {
		t.Fatalf("%d users, want %d", u.Len(), len(testPasswords))
	}
	// An unknown user is compared against a hash of the file's cost.
	if cost, err := bcrypt.Cost(u.dummy); err != nil || cost != 4 {
		t.Errorf("dummy hash cost %d (%v), want 4 like the file's", cost, err)
	}
	cases := []struct {
		user, pass string
		ok         bool
		may        map[string]bool
	}{
		{"tinh", "tinh-pass", true, map[string]bool{"52": true, "540": true, "21664": true, "99999": true}},
		{"hoainhon", "hn-pass", true, map[string]bool{"540": true, "21664": false, "52": false}},
		{"bongson", "bs-pass", true, map[string]bool{"21664": true, "540": false, "21670": false}},
		// $2y$ (htpasswd -B) verifies.
		{"tamquan", "tq-pass", true, map[string]bool{"21670": true, "21664": false}},
		// Units separated by ';' and spaces.
		{"anhao", "ah-pass", true, map[string]bool{"21700": true, "21673": true, "21664": true, "21670": false, "540": false}},
		{"bongson", "hn-pass", false, nil},
		{"bongson", "", false, nil},
		{"nobody", "bs-pass", false, nil},
		{"", "", false, nil},
	}
	for _, c := range cases {
		acc, ok := u.authenticate(c.user, c.pass)
		if ok != c.ok {
			t.Errorf("authenticate(%q, %q) = %v, want %v", c.user, c.pass, ok, c.ok)
			continue
		}
		for code, want := range c.may {
			if got := acc.may(code); got != want {
				t.Errorf("%s may see %s: %v, want %v", c.user, code, got, want)
			}
		}
		if !ok && (acc.all || len(acc.units) > 0) {
			t.Errorf("failed login of %q carries access %+v", c.user, acc)
		}
	}
}

func TestLoadUsersBad(t *testing.T) {
	cases := []struct {
		file string
		want []string // in the error, besides the file's name
	}{
		{"bad-empty.csv", []string{"empty", "user,bcrypt_hash,units"}},
		{"bad-header.csv", []string{":1:", "header"}},
		{"bad-no-user.csv", []string{"no user"}},
		{"bad-empty-user.csv", []string{":2:", "empty user"}},
		{"bad-duplicate.csv", []string{":4:", `"tinh"`, "line 2"}},
		{"bad-hash.csv", []string{":3:", `"xa"`, "not a bcrypt hash", "htpasswd"}},
		{"bad-units-empty.csv", []string{":2:", "units is empty"}},
		{"bad-units-star.csv", []string{":2:", "stands alone"}},
		{"bad-units-code.csv", []string{":2:", `"H44.232" is not a GSO code`}},
		{"bad-user-colon.csv", []string{":2:", "no ':'"}},
		{"bad-fields.csv", []string{":2:", "2 fields"}},
		{"bad-csv.csv", []string{"not CSV", "line 2"}},
		{"missing.csv", []string{"no such file"}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			path := filepath.Join("testdata", "users", c.file)
			_, err := LoadUsers(path)
			if err == nil {
				t.Fatal("loaded")
			}
			msg := err.Error()
			for _, w := range append([]string{path}, c.want...) {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not say %q", msg, w)
				}
			}
			if strings.Contains(msg, "$2a$") || strings.Contains(msg, "plaintext-password") {
				t.Errorf("error %q prints a hash or a password", msg)
			}
		})
	}
}
