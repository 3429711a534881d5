package sqllint_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/dvcindex/dvcindex/internal/sqllint"
	"github.com/dvcindex/dvcindex/load"
)

// TestRepositorySQL lints every .sql file of the module and every SQL string
// literal of its non-test Go files: the statements dvcindex sends to a user's
// server must mean the same on 18.16 and on current releases.
func TestRepositorySQL(t *testing.T) {
	root := moduleRoot(t)
	allowed := load.PortableSettings()
	var sqlFiles, literals int
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if strings.HasPrefix(name, ".") && path != root || name == "testdata" || name == "node_modules" {
				return filepath.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		switch {
		case strings.HasSuffix(name, ".sql"):
			body, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			sqlFiles++
			report(t, rel, 0, sqllint.Check(string(body), allowed))
		case strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go"):
			literals += lintGoFile(t, path, rel, allowed)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The walk must have found the embedded SQL, or it checked nothing.
	if sqlFiles < 30 || literals < 20 {
		t.Fatalf("linted %d .sql files and %d SQL literals; expected at least 30 and 20 (is the module root %s?)", sqlFiles, literals, root)
	}
	t.Logf("linted %d .sql files and %d SQL literals in Go files", sqlFiles, literals)
}

func lintGoFile(t *testing.T, path, rel string, allowed map[string]bool) int {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatalf("parse %s: %v", rel, err)
	}
	n := 0
	ast.Inspect(f, func(node ast.Node) bool {
		lit, ok := node.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return true
		}
		s, err := strconv.Unquote(lit.Value)
		if err != nil || !sqllint.LooksLikeSQL(s) {
			return true
		}
		n++
		report(t, rel, fset.Position(lit.Pos()).Line-1, sqllint.Check(s, allowed))
		return true
	})
	return n
}

func report(t *testing.T, file string, offset int, findings []sqllint.Finding) {
	t.Helper()
	for _, f := range findings {
		t.Errorf("%s:%d: %s: %s", file, f.Line+offset, f.Rule, f.Detail)
	}
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}
