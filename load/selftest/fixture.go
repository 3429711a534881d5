package selftest

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
)

// Period is the period the self-test computes.
const Period = "2024-Q2"

// fixtureSeed fixes the generator: the expected values belong to this seed.
const fixtureSeed = 766

// wards are the units the fixture's dossiers belong to (Hoài Nhơn, 2024).
var fixtureWards = [...]string{"21637", "21640", "21643", "21655", "21664", "21685"}

// Fixture is the self-test's data: small, deterministic, and built so that
// every metric of every group has a non-trivial numerator and denominator
// somewhere, with the time-dependent cases (due dates, step sync delays,
// working-day limits, supplements) on both sides of their thresholds.
type Fixture struct {
	Catalogue []load.CatalogueEntry
	Dossiers  []transform.Dossier
	Petitions []transform.Petition
	BCQG      []transform.BCQGCount
}

// procedures of the fixture's catalogue: code, time limit (working days),
// fees, online level, result is a document, e-certified copy.
var fixtureProcedures = [...]struct {
	code      string
	days      float64
	fees      bool
	online    string
	document  bool
	certified bool
}{
	{"1.001193", 1, false, "toan_trinh", true, false},
	{"1.010824", 3, false, "mot_phan", false, false},
	{"2.000908", 2, true, "toan_trinh", true, true},
	{"1.004946", 5, true, "mot_phan", true, false},
	{"1.003583", 0.5, false, "", false, false},
}

// NewFixture builds the fixture. It draws from one PCG source in a fixed
// order, so the same build gives the same data on every machine.
func NewFixture() Fixture {
	rng := rand.New(rand.NewPCG(fixtureSeed, 1))
	hcm := transform.HoChiMinh()
	f := Fixture{Catalogue: catalogue(hcm)}
	start := time.Date(2024, 4, 1, 0, 0, 0, 0, hcm)
	n := 0
	for _, ward := range fixtureWards {
		count := 18 + rng.IntN(10)
		for i := 0; i < count; i++ {
			n++
			f.Dossiers = append(f.Dossiers, dossier(rng, n, ward, start))
		}
		for i := 0; i < 3+rng.IntN(3); i++ {
			n++
			f.Petitions = append(f.Petitions, petition(rng, n, ward, start))
		}
	}
	// The province's BCQG count: more than the portal holds this period, so
	// the sync denominator is BCQG's; last year's total for the fallback.
	f.BCQG = []transform.BCQGCount{
		{UnitCode: "52", Period: Period, Received: uint64(len(f.Dossiers) + 25)},
		{UnitCode: "52", Period: "2023", Received: 480},
	}
	return f
}

func catalogue(hcm *time.Location) []load.CatalogueEntry {
	var out []load.CatalogueEntry
	for i, p := range fixtureProcedures {
		// Decided in the period; the legal basis takes effect 2 or 12 days
		// later, and the procedure is made public 0 to 12 days after the
		// decision: both publishing metrics have hits and misses.
		decided := time.Date(2024, 4, 10, 0, 0, 0, 0, hcm).AddDate(0, 0, 5*i)
		basis := decided.AddDate(0, 0, 2+10*(i%2))
		pub := decided.AddDate(0, 0, 3*i)
		proc := transform.Procedure{
			NationalCode: p.code, Name: "Thủ tục " + p.code, FieldCode: fmt.Sprintf("F%d", i),
			Levels: []string{"xa"}, TimeLimitDays: p.days, HasFees: p.fees, OnlineLevel: p.online,
			ResultIsDocument: p.document, DecisionNo: fmt.Sprintf("%d/QĐ-UBND", 100+i), DecisionDate: &decided,
			LegalBasisDate: &basis, PublicDate: &pub, ContentFull: i != 4, ECertifiedCopy: p.certified,
			TimeLimits: []transform.TimeLimit{{ValidFrom: transform.Epoch, Days: p.days}},
		}
		if i == 1 { // a limit cut during the period
			proc.TimeLimits = []transform.TimeLimit{{ValidFrom: transform.Epoch, Days: 5},
				{ValidFrom: time.Date(2024, 5, 15, 0, 0, 0, 0, hcm), Days: 3, Decision: "3039/QĐ-UBND"}}
		}
		out = append(out, load.CatalogueEntry{Procedure: proc, Raw: "{}"})
	}
	return out
}

func ptr(t time.Time) *time.Time { return &t }

// dossier draws one dossier received in the quarter.
func dossier(rng *rand.Rand, n int, ward string, start time.Time) transform.Dossier {
	p := fixtureProcedures[rng.IntN(len(fixtureProcedures))]
	recv := start.Add(time.Duration(rng.IntN(88*24))*time.Hour + time.Duration(7+rng.IntN(9))*time.Hour)
	due := recv.Add(time.Duration(24+rng.IntN(5*24)) * time.Hour)
	d := transform.Dossier{
		DossierID: fmt.Sprintf("ST-%s-%04d", ward, n), ProcedureNationalCode: p.code,
		ProcedureCode: p.code + ".000.00.00.H08", ProcedureName: "Thủ tục " + p.code, UnitCode: ward, UnitName: ward,
		Channel: []transform.Channel{transform.ChannelDirect, transform.ChannelOnline, transform.ChannelOnline, transform.ChannelPostal}[rng.IntN(4)],
		Status:  4, SubmittedAt: ptr(recv.Add(-2 * time.Hour)), ReceivedAt: ptr(recv),
		AccountHash: fmt.Sprintf("acct%02d", rng.IntN(8)), OwnerHash: fmt.Sprintf("owner%03d", n),
		UpdatedAt: time.Date(2024, 7, 1, 8, 0, 0, 0, start.Location()).Add(time.Duration(n) * time.Second), Source: "selftest",
	}
	if rng.IntN(6) > 0 {
		d.DueAt = ptr(due)
	}
	if rng.IntN(5) > 0 { // finished, on time or late
		fin := due.Add(time.Duration(rng.IntN(72)-48) * time.Hour)
		d.FinishedAt, d.Status = ptr(fin), 9
		if rng.IntN(3) == 0 {
			d.ReturnedAt = ptr(fin.Add(-time.Duration(rng.IntN(30)) * time.Hour))
		}
	}
	if rng.IntN(7) == 0 {
		rq := recv.Add(20 * time.Hour)
		d.Supplements = []transform.Supplement{{RequestedAt: ptr(rq), ReceivedAt: ptr(rq.Add(time.Duration(10+rng.IntN(60)) * time.Hour))}}
	}
	d.HasDigitized = rng.IntN(3) > 0
	d.VNeID = rng.IntN(2) == 0
	d.DocCount = uint16(1 + rng.IntN(4))
	d.DocDigitized = uint16(rng.IntN(int(d.DocCount) + 1))
	d.DocReused = uint16(rng.IntN(2))
	d.DocFromStore = uint16(rng.IntN(2))
	if p.fees {
		d.FeeCount, d.FeeTotal = 1, float64(10000*(1+rng.IntN(5)))
		d.PaidOnline = uint8(rng.IntN(3))
	}
	d.ResultCount = uint16(rng.IntN(2) + 1)
	d.ResultLinks = uint16(rng.IntN(int(d.ResultCount) + 1))
	d.Rating = uint8(rng.IntN(4))
	d.Synced = rng.IntN(8) > 0
	if d.Synced {
		d.SyncedAt = ptr(recv.Add(time.Hour))
	} else if rng.IntN(2) == 0 {
		d.SyncError = "E01"
	}
	d.Steps = steps(rng, d)
	return d
}

// steps gives a dossier two or three steps, synced soon, late or never.
func steps(rng *rand.Rand, d transform.Dossier) []transform.Step {
	at := *d.ReceivedAt
	out := []transform.Step{{Index: 0, At: ptr(at), Status: "Tiếp nhận", StatusCode: 2}}
	out = append(out, transform.Step{Index: 1, At: ptr(at.Add(3 * time.Hour)), Status: "Đang xử lý", StatusCode: 4})
	if d.FinishedAt != nil {
		out = append(out, transform.Step{Index: 2, At: d.FinishedAt, Status: "Đã xử lý xong", StatusCode: 9})
	}
	for i := range out {
		switch rng.IntN(6) {
		case 0: // never synced
		case 1: // synced after two days
			out[i].SyncedAt = ptr(out[i].At.Add(50 * time.Hour))
		default:
			out[i].SyncedAt = ptr(out[i].At.Add(time.Duration(1+rng.IntN(20)) * time.Hour))
		}
	}
	return out
}

// petition draws one petition received in the quarter.
func petition(rng *rand.Rand, n int, ward string, start time.Time) transform.Petition {
	recv := start.Add(time.Duration(rng.IntN(80*24)) * time.Hour)
	p := transform.Petition{
		PetitionID: fmt.Sprintf("PA-%s-%04d", ward, n), UnitCode: ward, UnitName: ward, ReceivedAt: ptr(recv),
		Rating: uint8(rng.IntN(3)), UpdatedAt: time.Date(2024, 7, 1, 9, 0, n, 0, start.Location()), Source: "selftest",
	}
	if rng.IntN(3) > 0 {
		p.HandledAt = ptr(recv.Add(time.Duration(24*(3+rng.IntN(25))) * time.Hour))
	}
	if rng.IntN(4) == 0 {
		p.DeadlineAt = ptr(recv.Add(10 * 24 * time.Hour))
	}
	return p
}
