package chsql

import "testing"

func TestValidIdentifier(t *testing.T) {
	long := make([]byte, MaxIdentifier+1)
	for i := range long {
		long[i] = 'a'
	}
	for name, want := range map[string]bool{
		"dvc": true, "dvc_test_0a1b": true, "_x": true, "A9": true, string(long[:MaxIdentifier]): true,
		"": false, "1dvc": false, "dvc-prod": false, "dvc prod": false, "dvc`": false, "dvc;DROP": false,
		"đvc": false, string(long): false, "db.table": false,
	} {
		if got := ValidIdentifier(name); got != want {
			t.Errorf("ValidIdentifier(%q) = %v; want %v", name, got, want)
		}
	}
	if got := QuoteIdent("dvc"); got != "`dvc`" {
		t.Errorf("QuoteIdent = %s", got)
	}
}
