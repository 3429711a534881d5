package pipeline

import (
	"github.com/dvcindex/dvcindex/config"
	"github.com/dvcindex/dvcindex/load"
)

// The files source (portal-api.md §6): the .xlsx/.csv dossier exports
// dropped in files.inbox, loaded once per content.
func init() {
	Register(Source{Name: load.FileSource, Rank: 60, Kind: File, Host: FolderHost,
		Summary:    "the .xlsx/.csv dossier exports dropped in files.inbox",
		NoBackfill: "files has no window to backfill: drop the exports in files.inbox and run sync --source files",
		Enabled:    func(c config.Config) bool { return c.Files.Inbox != "" },
		Check: func(c config.Config) error {
			if c.Files.Inbox == "" {
				return ErrNoInbox()
			}
			return nil
		},
		runner: files{}, reparse: dossierParser})
}
