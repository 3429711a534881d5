package official

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
)

// Score is the published score a metric (portal code) or tree component
// (reference item) gets from its numerator and denominator: nil where the
// portal publishes null. The sync coefficient of 3.3 is taken as 1; use
// Formula.ScoreScaled to apply another.
func Score(metric string, num, den float64) (*float64, error) {
	f, ok := Lookup(metric)
	if !ok {
		return nil, &FormulaError{Metric: metric, Err: ErrUnknownMetric}
	}
	return f.Score(num, den)
}

// Ratio is the published ratio (percent, 2 decimals) of a metric.
func Ratio(metric string, num, den float64) (*float64, error) {
	f, ok := Lookup(metric)
	if !ok {
		return nil, &FormulaError{Metric: metric, Err: ErrUnknownMetric}
	}
	return f.Ratio(num, den)
}

// Score applies the formula with a sync coefficient of 1.
func (f Formula) Score(num, den float64) (*float64, error) {
	return f.ScoreScaled(num, den, 1)
}

// ScoreScaled is round(max × LEAST(1, (num/den) × s / target), 2), computed
// exactly (as NUMERIC would) from the unrounded ratio (reference §1.2 point
// 2), with the zero-denominator rule of the formula. s is the sync
// coefficient; formulas without one ignore it.
func (f Formula) ScoreScaled(num, den, s float64) (*float64, error) {
	switch f.Kind {
	case Info:
		return nil, nil
	case Constant:
		return ptr(f.Max), nil
	}
	if err := f.checkCounts(num, den); err != nil {
		return nil, err
	}
	if den == 0 {
		return f.emptyScore(), nil
	}
	r := new(big.Rat).Quo(exact(num), exact(den))
	if f.SyncCoefficient {
		r.Mul(r, exact(s))
	}
	if f.Kind == Target {
		r.Quo(r, exact(f.Target))
	}
	if r.Cmp(big.NewRat(1, 1)) > 0 {
		r.SetInt64(1)
	}
	return ptr(round2(r.Mul(r, exact(f.Max)))), nil
}

// Ratio is round(100 × num/den, 2); a constant metric publishes 100, and a
// zero denominator gives nil (EmptyNull) or 0 (every other rule).
func (f Formula) Ratio(num, den float64) (*float64, error) {
	if f.Kind == Constant {
		return ptr(100), nil
	}
	if err := f.checkCounts(num, den); err != nil {
		return nil, err
	}
	if den == 0 {
		if f.OnEmpty == EmptyNull {
			return nil, nil
		}
		return ptr(0), nil
	}
	r := new(big.Rat).Quo(exact(num), exact(den))
	return ptr(round2(r.Mul(r, big.NewRat(100, 1)))), nil
}

func (f Formula) emptyScore() *float64 {
	switch f.OnEmpty {
	case EmptyZero:
		return ptr(0)
	case EmptyMax:
		return ptr(f.Max)
	}
	return nil
}

func (f Formula) checkCounts(num, den float64) error {
	for _, v := range []float64{num, den} {
		if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return &FormulaError{Metric: f.Metric, Err: fmt.Errorf("%w: numerator %v, denominator %v", ErrBadCounts, num, den)}
		}
	}
	return nil
}

// GroupTotal is a group's published total: the sum of the scores, each
// rounded to 2 decimals, nil counted as 0 (reference §1.2 point 3, §1.3).
// The maximum is not reduced by nil scores: see GroupMax.
func GroupTotal(scores []*float64) float64 {
	sum := new(big.Rat)
	for _, s := range scores {
		if s != nil {
			sum.Add(sum, big.NewRat(int64(math.Round(*s*100)), 100))
		}
	}
	return round2(sum)
}

// GroupRatio is round(100 × total / max, 2) (reference §1.2 point 4); nil
// for a zero maximum.
func GroupRatio(total, max float64) *float64 {
	if max == 0 {
		return nil
	}
	r := new(big.Rat).Quo(exact(total), exact(max))
	return ptr(round2(r.Mul(r, big.NewRat(100, 1))))
}

// SyncCoefficient is S = ratio/100 for 3.3 from a published DOSSIER_SYNC
// ratio; 1 when that ratio is null (reference §2.3: S is 1 today and
// whether it applies is not settled).
func SyncCoefficient(syncRatio *float64) float64 {
	if syncRatio == nil {
		return 1
	}
	return *syncRatio / 100
}

// exact turns a float64 into the rational of its shortest decimal form, so
// 0.8 is 4/5 and a published 97.75 is 9775/100, not their binary values.
func exact(v float64) *big.Rat {
	r, ok := new(big.Rat).SetString(strconv.FormatFloat(v, 'g', -1, 64))
	if !ok {
		return new(big.Rat).SetFloat64(v)
	}
	return r
}

// round2 rounds a non-negative rational to 2 decimals, half away from zero
// on the exact value (NUMERIC's ROUND; the portal's tie rule is unknown,
// reference §1.2 point 5).
func round2(r *big.Rat) float64 {
	x := new(big.Rat).Mul(r, big.NewRat(100, 1))
	neg := x.Sign() < 0
	x.Abs(x)
	x.Add(x, big.NewRat(1, 2))
	q := new(big.Int).Quo(x.Num(), x.Denom())
	if neg {
		q.Neg(q)
	}
	v, _ := new(big.Rat).SetFrac(q, big.NewInt(100)).Float64()
	return v
}

func ptr(v float64) *float64 { return &v }
