package config

import (
	"strings"
	"testing"
)

func TestEvaluationSettings(t *testing.T) {
	tests := []struct {
		name    string
		env     []string
		wantErr string
		check   func(Config) bool
	}{
		{"defaults: national portal, own rate limit, no root", nil, "", func(c Config) bool {
			p := c.Source("evaluation")
			return p.BaseURL == DefaultEvaluationURL && p.RateLimit == 1 && c.Evaluation.RootDepartmentID == "" &&
				c.Evaluation.PageSize == 200 && c.Evaluation.MaxThrottled == 3
		}},
		{"env sets the root", []string{"DVC_EVALUATION_ROOT_DEPARTMENT_ID=019d2be3-6a88-732b-8b17-b68020c8553a", "DVC_EVALUATION_PAGE_SIZE=50"}, "",
			func(c Config) bool {
				return c.Evaluation.RootDepartmentID == "019d2be3-6a88-732b-8b17-b68020c8553a" && c.Evaluation.PageSize == 50
			}},
		{"root not a UUID", []string{"DVC_EVALUATION_ROOT_DEPARTMENT_ID=H44"}, "evaluation.root_department_id", nil},
		{"page size", []string{"DVC_EVALUATION_PAGE_SIZE=0"}, "evaluation.page_size", nil},
		{"throttle limit", []string{"DVC_EVALUATION_MAX_THROTTLED=0"}, "evaluation.max_throttled", nil},
		{"negative jitter", []string{"DVC_EVALUATION_JITTER=-1s"}, "evaluation.jitter", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load("", tt.env)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err %v, want one naming %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(c) {
				t.Errorf("%+v / %+v", c.Evaluation, c.Source("evaluation"))
			}
		})
	}
}
