package load_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
	"github.com/dvcindex/dvcindex/transform/report"
)

// TestStepLagRule checks the step_lag rule on both sides of the due date:
// a late dossier is late only in the software when the result was returned,
// or a step with the result happened, at or before the due date.
func TestStepLagRule(t *testing.T) {
	f := newFixture(t)
	catalogue(t, f.s)
	const unit, ks = "21637", "1.001193"
	due := tp("2024-04-03 17:00")
	lateEnd := tp("2024-04-05 09:00")
	at := func(d time.Duration) *time.Time { x := due.Add(d); return &x }
	returned := func(r *time.Time) func(*transform.Dossier) {
		return func(d *transform.Dossier) { d.ReturnedAt = r; d.Status = 10 }
	}
	resultStep := func(s *time.Time) func(*transform.Dossier) {
		return func(d *transform.Dossier) {
			d.Steps = []transform.Step{{Index: 0, At: s, Status: "Đã xử lý xong", StatusCode: 9}}
		}
	}
	cases := []struct {
		id      string
		end     *time.Time
		mut     func(*transform.Dossier)
		late    bool
		stepLag bool
	}{
		{"returned-at-due", lateEnd, returned(at(0)), true, true},
		{"returned-1s-after-due", lateEnd, returned(at(time.Second)), true, false},
		{"result-step-1s-before-due", lateEnd, resultStep(at(-time.Second)), true, true},
		{"result-step-1s-after-due", lateEnd, resultStep(at(time.Second)), true, false},
		{"finished-on-time", at(-time.Hour), returned(at(-time.Minute)), false, false},
		{"late-no-evidence", lateEnd, func(*transform.Dossier) {}, true, false},
		{"two-supplements-returned-on-time", lateEnd, func(d *transform.Dossier) {
			returned(at(-time.Hour))(d)
			d.Supplements = []transform.Supplement{{RequestedAt: tp("2024-04-02 09:00"), ReceivedAt: tp("2024-04-02 10:00")},
				{RequestedAt: tp("2024-04-02 11:00"), ReceivedAt: tp("2024-04-02 12:00")}}
		}, true, false},
	}
	for _, c := range cases {
		f.dossier(c.id, unit, ks, tp("2024-04-02 08:00"), due, c.end, c.mut)
	}
	f.compute("2024-Q2", load.IndicatorSettings{})
	for _, c := range cases {
		late := count(t, f.s, fmt.Sprintf("SELECT count() FROM {db}.v_dossier_findings WHERE dossier_id = '%s' AND metric = 'ON_TIME' AND finding != 'step_lag'", c.id)) == 1
		lag := count(t, f.s, fmt.Sprintf("SELECT count() FROM {db}.v_dossier_findings WHERE dossier_id = '%s' AND finding = 'step_lag'", c.id)) == 1
		if late != c.late || lag != c.stepLag {
			t.Errorf("%s: late %v step_lag %v, want %v %v", c.id, late, lag, c.late, c.stepLag)
		}
	}
}

// TestReportProxyShares: accounts filing for at least proxy_min_owners (5)
// distinct owners, and configured staff accounts, are proxies.
func TestReportProxyShares(t *testing.T) {
	f := newFixture(t)
	catalogue(t, f.s)
	const unit, ks = "21637", "1.001193"
	n := 0
	online := func(account, owner string) {
		n++
		f.dossier(fmt.Sprintf("O%02d", n), unit, ks, tp("2024-04-10 08:00"), tp("2024-04-11 17:00"), tp("2024-04-10 10:00"), func(d *transform.Dossier) {
			d.Channel, d.AccountHash, d.OwnerHash = transform.ChannelOnline, account, owner
		})
	}
	for i := 0; i < 5; i++ { // five owners: a proxy
		online("acc-five", fmt.Sprintf("owner-a%d", i))
	}
	for i := 0; i < 4; i++ { // four owners: genuine
		online("acc-four", fmt.Sprintf("owner-b%d", i))
	}
	online("acc-four", "owner-b0") // a fifth dossier of one of the four owners: still four owners
	online("acc-staff", "owner-c0")
	// A direct dossier: received, not online.
	f.dossier("D1", unit, ks, tp("2024-04-10 08:00"), tp("2024-04-11 17:00"), tp("2024-04-10 10:00"))
	f.compute("2024-Q2", load.IndicatorSettings{})
	f.compute("2024-Q1", load.IndicatorSettings{})
	p, err := transform.ParsePeriod("2024-Q2")
	if err != nil {
		t.Fatal(err)
	}
	units, err := transform.DefaultUnits()
	if err != nil {
		t.Fatal(err)
	}
	d, err := f.s.ReportData(f.ctx, load.ReportRequest{Period: p, Units: units, ProxyMinOwners: 5,
		StaffAccounts: map[string]bool{"acc-staff": true}, Bands: report.DefaultBands})
	if err != nil {
		t.Fatal(err)
	}
	var row *report.OnlineRow
	for i := range d.Online {
		if d.Online[i].Code == unit {
			row = &d.Online[i]
		}
	}
	// Received 12, online 11; proxies: 5 (acc-five) + 1 (staff) = 6.
	if row == nil || row.Received != 12 || row.Online != 11 || row.Proxy != 6 {
		t.Fatalf("online row %+v", row)
	}
	if !near(row.GenuineShare, 5.0/11) || !near(row.OfficialShare, 11.0/12) {
		t.Fatalf("shares %+v", row)
	}
	if d.Units[0].Code != "543" || d.Units[0].Previous == nil {
		t.Fatalf("the district comes first with its previous period: %+v", d.Units[0])
	}
}
