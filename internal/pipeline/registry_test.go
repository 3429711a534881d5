package pipeline

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/dvcindex/dvcindex/config"
)

func TestSourceOfPath(t *testing.T) {
	tests := []struct{ path, want string }{
		{"/api/v1/dossiers", "dossiers"},
		{"/api/v1/petitions", "petitions"},
		{"/api/v1/procedures", "procedures"},
		{"/api/v1/bcqg/received", "bcqg"},
		{"/api/v1/evaluation", "evaluation"},
		{"/api/v1/reporting/evaluation/transparency", "evaluation"},
		{"/api/v1/auth/token", "auth"},
		{"/elsewhere", "other"},
	}
	for _, tt := range tests {
		if got := SourceOfPath(tt.path); got != tt.want {
			t.Errorf("SourceOfPath(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}

// TestEverySourceIsConfiguredAndDocumented: a registered source has its
// freshness.NAME key, a sources.NAME section when it reads a host, a
// summary for --help, and a section "## NAME" in docs/sources.md; its kind
// has the runner it declares.
func TestEverySourceIsConfiguredAndDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/sources.md")
	if err != nil {
		t.Fatal(err)
	}
	if len(Sources()) < 6 {
		t.Fatalf("%d sources registered, want at least the six of interfaces.md", len(Sources()))
	}
	for _, s := range Sources() {
		sections, freshness := config.HasSourceSection(s.Name)
		if !freshness {
			t.Errorf("source %s has no freshness.%s key in config.Freshness", s.Name, s.Name)
		}
		if s.Host != FolderHost && !sections {
			t.Errorf("source %s reads %s but has no sources.%s section in config.Sources", s.Name, s.Host, s.Name)
		}
		if s.Summary == "" {
			t.Errorf("source %s has no summary", s.Name)
		}
		if !regexp.MustCompile(`(?m)^## ` + regexp.QuoteMeta(s.Name) + `\b`).Match(doc) {
			t.Errorf("docs/sources.md has no section \"## %s\"", s.Name)
		}
		_, canBackfill := s.runner.(backfiller)
		if canBackfill == (s.NoBackfill != "") {
			t.Errorf("source %s: runner backfills %v but NoBackfill is %q", s.Name, canBackfill, s.NoBackfill)
		}
	}
	for _, name := range config.SourceNames() {
		if _, ok := Lookup(name); !ok {
			t.Errorf("config has sources.%s but no source of that name is registered", name)
		}
	}
}

func TestRegisterRefusesDuplicates(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("a second source named dossiers was registered")
		}
	}()
	src, _ := Lookup("dossiers")
	Register(src)
}

// TestReadmeShowsThePetitionsSource: the README's "Adding a source" shows
// source_petitions.go as it is (less its imports).
func TestReadmeShowsThePetitionsSource(t *testing.T) {
	src, err := os.ReadFile("source_petitions.go")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	at := strings.Index(string(src), "// The petitions source")
	if at < 0 || !strings.Contains(string(readme), string(src[at:])) {
		t.Error("README's 'Adding a source' no longer shows internal/pipeline/source_petitions.go as it is: copy it again")
	}
}
