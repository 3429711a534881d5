package report

// Account is what the proxy rule knows of one submitting account in a
// period: how many distinct owners it filed online dossiers for, and whether
// it is configured as a staff account.
type Account struct {
	Owners uint64
	Staff  bool
}

// IsProxy applies the proxy_submission rule (indicators-766.md §3): an
// account that filed online dossiers for at least minOwners distinct owners
// in the period, or a configured staff account, files on behalf of others.
// A minOwners below 1 disables the owner threshold (staff accounts only).
func IsProxy(a Account, minOwners int) bool {
	if a.Staff {
		return true
	}
	return minOwners >= 1 && a.Owners >= uint64(minOwners)
}

// Shares returns the official online share (online / received), the share of
// online dossiers filed by citizens themselves (genuine / online) and the
// genuine online share of all received dossiers. Empty denominators give 0.
func Shares(received, online, proxy uint64) (official, genuineOfOnline, genuineOfReceived float64) {
	if proxy > online {
		proxy = online
	}
	genuine := online - proxy
	if received > 0 {
		official = float64(online) / float64(received)
		genuineOfReceived = float64(genuine) / float64(received)
	}
	if online > 0 {
		genuineOfOnline = float64(genuine) / float64(online)
	}
	return official, genuineOfOnline, genuineOfReceived
}
