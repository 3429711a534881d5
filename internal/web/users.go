package web

import (
	"crypto/rand"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"golang.org/x/crypto/bcrypt"
)

// usersHeader is the users file's first line.
var usersHeader = []string{"user", "bcrypt_hash", "units"}

// unitCodeRe is a GSO code as the page's URLs carry it.
var unitCodeRe = regexp.MustCompile(`^[0-9]{1,12}$`)

// Users are the accounts of serve.web.users_file: who may log in with HTTP
// basic auth, and which units each may see. Safe for concurrent use; never
// changed after LoadUsers.
type Users struct {
	byName map[string]account
	// dummy is compared against when the user is unknown, at the highest
	// cost of the file, so an unknown name takes as long as a wrong
	// password.
	dummy []byte
}

type account struct {
	hash   []byte
	access access
}

// access is what one request may see: every unit, or exactly the codes
// listed (a district code shows the district's page, not its wards').
type access struct {
	all   bool
	units map[string]bool
}

// may reports whether the unit's pages may be shown.
func (a access) may(code string) bool { return a.all || a.units[code] }

// LoadUsers reads a users file: CSV with the header user,bcrypt_hash,units;
// one account a line; units is "*" (every unit) or GSO codes separated by
// spaces or ';'. Blank lines and lines starting with '#' are skipped. Every
// error names the file and the line; none prints a hash.
func LoadUsers(path string) (*Users, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("users file: %w", err)
	}
	defer f.Close()
	return parseUsers(f, path)
}

// parseUsers reads the users file's CSV from r; name is for the errors.
func parseUsers(r io.Reader, name string) (*Users, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	u := &Users{byName: map[string]account{}}
	seen := map[string]int{}
	maxCost := bcrypt.MinCost
	for first := true; ; first = false {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			if first {
				return nil, fmt.Errorf("%s: empty: the first line must be the header %s", name, strings.Join(usersHeader, ","))
			}
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: not CSV: %w", name, err) // a csv.ParseError names the line
		}
		line, _ := cr.FieldPos(0)
		if first {
			if err := checkHeader(rec); err != nil {
				return nil, fmt.Errorf("%s:%d: %w", name, line, err)
			}
			continue
		}
		acc, user, cost, err := parseAccount(rec)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
		if prev, dup := seen[user]; dup {
			return nil, fmt.Errorf("%s:%d: user %q already defined on line %d", name, line, user, prev)
		}
		seen[user] = line
		u.byName[user] = acc
		maxCost = max(maxCost, cost)
	}
	if len(u.byName) == 0 {
		return nil, fmt.Errorf("%s: no user: add a line user,bcrypt_hash,units under the header", name)
	}
	dummy, err := dummyHash(maxCost)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	u.dummy = dummy
	return u, nil
}

func checkHeader(rec []string) error {
	if len(rec) != len(usersHeader) {
		return fmt.Errorf("header %q: want %s", strings.Join(rec, ","), strings.Join(usersHeader, ","))
	}
	for i, h := range usersHeader {
		if strings.TrimSpace(strings.TrimPrefix(rec[i], "\ufeff")) != h {
			return fmt.Errorf("header %q: want %s", strings.Join(rec, ","), strings.Join(usersHeader, ","))
		}
	}
	return nil
}

// parseAccount checks one account line: user, hash and units.
func parseAccount(rec []string) (account, string, int, error) {
	if len(rec) != len(usersHeader) {
		return account{}, "", 0, fmt.Errorf("%d fields, want 3 (user,bcrypt_hash,units)", len(rec))
	}
	user, hash, units := strings.TrimSpace(rec[0]), strings.TrimSpace(rec[1]), strings.TrimSpace(rec[2])
	switch {
	case user == "":
		return account{}, "", 0, errors.New("empty user")
	case strings.ContainsAny(user, ": \t"):
		return account{}, "", 0, fmt.Errorf("user %q: a user name has no ':' and no space (HTTP basic auth)", user)
	}
	// The hash is not quoted back: it may be a password pasted by mistake.
	cost, err := bcrypt.Cost([]byte(hash))
	if err != nil {
		return account{}, "", 0, fmt.Errorf("user %q: bcrypt_hash is not a bcrypt hash (make one with htpasswd -nbBC 10 USER PASSWORD)", user)
	}
	acc, err := parseUnits(units)
	if err != nil {
		return account{}, "", 0, fmt.Errorf("user %q: %w", user, err)
	}
	return account{hash: []byte(hash), access: acc}, user, cost, nil
}

// parseUnits reads "*" or GSO codes separated by spaces or ';'.
func parseUnits(s string) (access, error) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ' ' || r == '\t' })
	if len(fields) == 0 {
		return access{}, errors.New(`units is empty: "*" for every unit, or GSO codes separated by spaces or ';'`)
	}
	if len(fields) == 1 && fields[0] == "*" {
		return access{all: true}, nil
	}
	a := access{units: map[string]bool{}}
	for _, c := range fields {
		if c == "*" {
			return access{}, errors.New(`units: "*" stands alone (every unit)`)
		}
		if !unitCodeRe.MatchString(c) {
			return access{}, fmt.Errorf("units: %q is not a GSO code (digits)", c)
		}
		a.units[c] = true
	}
	return a, nil
}

// dummyHash hashes a random password at cost.
func dummyHash(cost int) ([]byte, error) {
	pw := make([]byte, 32)
	if _, err := rand.Read(pw); err != nil {
		return nil, fmt.Errorf("users: random dummy password: %w", err)
	}
	h, err := bcrypt.GenerateFromPassword(pw, cost)
	if err != nil {
		return nil, fmt.Errorf("users: dummy hash: %w", err)
	}
	return h, nil
}

// authenticate checks a user's password. An unknown user is compared
// against the dummy hash, so it costs what a known one does.
func (u *Users) authenticate(user, password string) (access, bool) {
	acc, known := u.byName[user]
	hash := acc.hash
	if !known {
		hash = u.dummy
	}
	ok := bcrypt.CompareHashAndPassword(hash, []byte(password)) == nil
	if !known || !ok {
		return access{}, false
	}
	return acc.access, true
}

// Len is the number of accounts.
func (u *Users) Len() int { return len(u.byName) }
