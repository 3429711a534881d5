package simulator

import (
	"math/rand/v2"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

var (
	surnames     = []string{"Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Trần", "Lê", "Lê", "Phạm", "Huỳnh", "Hoàng", "Võ", "Võ", "Phan", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trương", "Mai", "Đoàn"}
	middleMale   = []string{"Văn", "Văn", "Văn", "Minh", "Đức", "Quốc", "Hữu", "Công", "Thanh", "Ngọc", "Xuân"}
	middleFemale = []string{"Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ", "Bích"}
	givenMale    = []string{"An", "Bình", "Cường", "Dũng", "Hùng", "Hải", "Khoa", "Long", "Nam", "Phúc", "Quang", "Sơn", "Tâm", "Thắng", "Trung", "Tuấn", "Việt", "Vinh", "Lộc", "Hiếu", "Đạt", "Khánh"}
	givenFemale  = []string{"Anh", "Chi", "Diệp", "Hà", "Hằng", "Hoa", "Hương", "Lan", "Linh", "Mai", "Nga", "Ngân", "Nhung", "Oanh", "Phương", "Thảo", "Trang", "Yến", "Loan", "Vy", "Tuyết"}
	emailDomains = []string{"gmail.com", "gmail.com", "gmail.com", "yahoo.com", "outlook.com", "binhdinh.gov.vn"}
)

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// personName returns a Vietnamese full name and whether it is female.
func personName(r *rand.Rand) (string, bool) {
	female := r.IntN(2) == 0
	if female {
		return pick(r, surnames) + " " + pick(r, middleFemale) + " " + pick(r, givenFemale), true
	}
	return pick(r, surnames) + " " + pick(r, middleMale) + " " + pick(r, givenMale), false
}

// asciiFold removes Vietnamese diacritics and lower-cases s.
func asciiFold(s string) string {
	var b strings.Builder
	for _, c := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, c):
		case c == 'đ' || c == 'Đ':
			b.WriteByte('d')
		default:
			b.WriteRune(unicode.ToLower(c))
		}
	}
	return b.String()
}

func digits(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + r.IntN(10))
	}
	return string(b)
}

// cccd is a 12-digit citizen ID card number of Bình Định (province code 052).
func cccd(r *rand.Rand, female bool, year int) string {
	g := 0
	if year >= 2000 {
		g = 2
	}
	if female {
		g++
	}
	return "052" + string(rune('0'+g)) + twoDigits(year%100) + digits(r, 6)
}

func twoDigits(n int) string { return string([]byte{byte('0' + n/10), byte('0' + n%10)}) }

// staffPool is the one-stop staff of a unit: names for processing steps and
// the national-portal accounts staff use to file "online" for citizens.
type staffPool struct {
	reception, specialist, social, leader string
	accounts                              []string
}

func newStaffPool(seed int64, k int, u *unit) staffPool {
	r := rand.New(rand.NewPCG(uint64(seed)^0x5eed5eed, uint64(k)*0x9e3779b97f4a7c15+uint64(len(u.code))))
	var p staffPool
	p.reception, _ = personName(r)
	p.specialist, _ = personName(r)
	p.social, _ = personName(r)
	p.leader, _ = personName(r)
	for range 3 {
		_, f := personName(r)
		p.accounts = append(p.accounts, cccd(r, f, 1975+r.IntN(25)))
	}
	return p
}
