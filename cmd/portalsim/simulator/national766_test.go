package simulator

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/dvcindex/dvcindex/transform/official"
)

// TestNationalShapesParse: every family's answer parses with the
// production parser, lists every department once across pages, and
// answers 201.
func TestNationalShapesParse(t *testing.T) {
	t.Parallel()
	s := sharedEvalSim(t)
	h := s.Handler()
	_, depts, err := s.NationalDepartments("2024-Q2")
	if err != nil {
		t.Fatal(err)
	}
	period := official.Period{Kind: official.Quarter, Year: 2024, Quarter: 2}
	for _, fam := range official.Families() {
		t.Run(fam, func(t *testing.T) {
			seen := map[string]int{}
			for page := 1; page <= 10; page++ {
				body, err := official.Payload(fam, official.Request{RootDepartmentID: RootDepartmentID, Period: period, Page: page, PageSize: 5})
				if err != nil {
					t.Fatal(err)
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, official.EvaluationPath+fam, bytes.NewReader(body)))
				if rec.Code != http.StatusCreated {
					t.Fatalf("HTTP %d: %s", rec.Code, rec.Body)
				}
				resp, err := official.Parse(fam, rec.Body.Bytes())
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range resp.Rows {
					if !r.Root && r.Kind == official.KindGroup {
						seen[r.DepartmentID]++
					}
				}
				if resp.Pagination == nil || resp.Pagination.Last() {
					break
				}
			}
			if len(seen) != len(depts) {
				t.Fatalf("%d departments, want %d", len(seen), len(depts))
			}
			for id, n := range seen {
				if n != 1 {
					t.Errorf("department %s listed %d times", id, n)
				}
			}
		})
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, official.EvaluationPath+"transparency",
		bytes.NewReader([]byte(fmt.Sprintf(`{"rootDepartmentId":%q,"timeType":"week"}`, RootDepartmentID)))))
	if rec.Code != http.StatusBadRequest {
		t.Errorf("bad timeType: HTTP %d", rec.Code)
	}
}
