package main

import (
	"context"

	"github.com/dvcindex/dvcindex/internal/doctor"
)

// doctor loads the configuration itself, valid or not (doctor explains
// what is wrong with it), and runs internal/doctor's checks on it.
func (a *app) doctor(ctx context.Context, selfTest bool) error {
	path := a.configPath()
	cfg, loadErr := a.loadConfig(path)
	a.cfg, a.log = cfg, newLogger(a.stderr, cfg.Log)
	d := doctor.New(doctor.Options{Config: a.cfg, ConfigPath: path, LoadErr: loadErr,
		Out: a.stdout, Log: a.log, Now: a.now, StoreOptions: a.storeOptions})
	return d.Run(ctx, selfTest)
}
