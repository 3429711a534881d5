package ward

import "errors"

// ErrNoFigures: the unit has no computed figures for the period (run
// compute), or the unit is unknown. The page answers 404.
var ErrNoFigures = errors.New("no computed figures for this unit and period")
