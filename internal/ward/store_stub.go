// TEMPORARY (branch wB): stands in for the real ward.Store so the web page
// compiles before it lands. Delete this file at merge.
package ward

import (
	"context"
	"errors"

	"github.com/dvcindex/dvcindex/load"
)

var errStoreStub = errors.New("ward.Store is not implemented yet (store_stub.go)")

// Store is the stub of the ward's Source over ClickHouse.
type Store struct{}

// NewStore returns the stub.
func NewStore(_ *load.Store, _ load.IndicatorSettings) *Store { return &Store{} }

func (*Store) Units(context.Context) ([]UnitPeriods, error) { return nil, errStoreStub }

func (*Store) Page(context.Context, string, string) (Page, error) { return Page{}, errStoreStub }

func (*Store) Dossiers(context.Context, string, string, string, int, int) ([]Dossier, int, error) {
	return nil, 0, errStoreStub
}
