package pipeline

import (
	"time"

	"github.com/dvcindex/dvcindex/extract"
)

// portalClock is what a run saw of the portal's time. A watermark never
// passes it, so a host clock far ahead of the portal cannot park the
// watermark in the future, where the records the portal writes meanwhile
// would never be read.
type portalClock struct {
	newest time.Time // the newest NgayCapNhat loaded
	portal time.Time // the latest HTTP Date the portal answered with
}

func (c *portalClock) observe(newest time.Time, reports []extract.WindowReport) {
	c.newest = later(c.newest, newest)
	for _, r := range reports {
		c.portal = later(c.portal, r.PortalTime)
	}
}

// limit caps a window end at the later of the newest NgayCapNhat loaded and
// the portal's Date less the safety lag. ok is false with no evidence at all.
func (c *portalClock) limit(end time.Time, safetyLag time.Duration) (time.Time, bool) {
	lim := c.newest
	if !c.portal.IsZero() {
		lim = later(lim, c.portal.Add(-safetyLag))
	}
	if lim.IsZero() {
		return end, false
	}
	if lim.Before(end) {
		return lim, true
	}
	return end, true
}
