package doctor

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/dvcindex/dvcindex/internal/pipeline"
)

// checkRefData loads the configured reference files as every run does
// (pipeline.LoadRefData) and reports what they hold, or each problem under
// the key of its file. It returns the data, or nil if a file is unusable.
func (d *Doctor) checkRefData(r *report) *pipeline.RefData {
	r.section("reference data")
	rd, err := pipeline.LoadRefData(d.cfg.RefData)
	if err != nil {
		for _, e := range flattenErrors(err) {
			key, what, fix := "refdata", e.Error(), "correct the reference files (docs/refdata.md) and re-check them with 'dvcindex refdata check'."
			var re *pipeline.RefDataError
			if errors.As(e, &re) {
				key, what = re.Key, strings.TrimPrefix(re.Error(), re.Key+" ")
				fix = refDataFix(re, d.origin(re.Key))
			}
			r.problem(key, what, fix)
		}
		return nil
	}
	s := rd.Summary()
	r.ok("units: %d validity periods of %d GSO codes, %d merger links, from %s", s.Periods, s.Codes, len(s.Links), rd.Files[0])
	r.ok("agencies: %d identifiers, from %s", s.Agencies, rd.Files[1])
	r.ok("procedures: %d, from %s", s.Procedures, rd.Files[2])
	return rd
}

// refDataFix is the one-sentence fix of a reference file's problem.
func refDataFix(e *pipeline.RefDataError, origin string) string {
	var pe *fs.PathError
	if errors.As(e.Err, &pe) {
		return fmt.Sprintf("point %s (%s) at a readable CSV file, or set it to \"\" for the built-in Hoài Nhơn file.", e.Key, origin)
	}
	return fmt.Sprintf("correct %s where the error says (docs/refdata.md describes every column), then re-check it with 'dvcindex refdata check'.", e.File)
}
