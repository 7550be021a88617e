package main

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // the same pure-Go SQLite FerretDB uses
)

// idIndexer adds, to every collection table, the SQLite expression index that FerretDB's own `_id` lookups
// can use. FerretDB 1.24 creates its `_id` index on `_ferretdb_sjson->"_id"` but queries with
// `_ferretdb_sjson->'$._id'`; SQLite only uses an expression index whose expression matches the query's, so
// every find, update and delete by `_id` scanned the whole table (548 ms at 100k documents; 0.9 ms with this
// index — test/bench/probes/ferretdb-id-lookup.mjs). Tables are checked shortly after they appear.
type idIndexer struct {
	dir    string
	quiet  sync.Locker // held while indexing so no FerretDB command runs at the same time
	logger *slog.Logger
	dbs    map[string]*sql.DB
}

const idIndexSuffix = "_parley_id"

func (x *idIndexer) run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	defer func() {
		for _, db := range x.dbs {
			_ = db.Close()
		}
	}()
	for {
		x.sweep()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (x *idIndexer) sweep() {
	files, _ := filepath.Glob(filepath.Join(x.dir, "*.sqlite"))
	for _, f := range files {
		if err := x.indexFile(f); err != nil {
			x.logger.Debug("id index sweep", "file", f, "err", err)
		}
	}
}

func (x *idIndexer) indexFile(file string) error {
	db, ok := x.dbs[file]
	if !ok {
		var err error
		db, err = sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(5000)")
		if err != nil {
			return err
		}
		db.SetMaxOpenConns(1)
		x.dbs[file] = db
	}
	missing, err := missingIDIndexes(db)
	if err != nil || len(missing) == 0 {
		return err
	}
	x.quiet.Lock()
	defer x.quiet.Unlock()
	for _, table := range missing {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %s ON %s (_ferretdb_sjson->'$._id')`, quoteIdent(table+idIndexSuffix), quoteIdent(table))
		if _, err := db.Exec(q); err != nil {
			return fmt.Errorf("%s: %w", table, err)
		}
		x.logger.Debug("added _id index", "file", filepath.Base(file), "table", table)
	}
	return nil
}

// missingIDIndexes lists FerretDB collection tables that do not have our index yet (reads only).
func missingIDIndexes(db *sql.DB) ([]string, error) {
	rows, err := db.Query(`SELECT c.table_name FROM _ferretdb_collections c
		WHERE NOT EXISTS (SELECT 1 FROM sqlite_master m WHERE m.type = 'index' AND m.name = c.table_name || ?)
		AND EXISTS (SELECT 1 FROM sqlite_master t WHERE t.type = 'table' AND t.name = c.table_name)`, idIndexSuffix)
	if err != nil {
		return nil, err // no _ferretdb_collections yet: nothing to do
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		out = append(out, name)
	}
	return out, rows.Err()
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
