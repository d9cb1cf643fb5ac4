// Package sqlite3 stands in for github.com/mattn/go-sqlite3 in kintent's CGO_ENABLED=0 build of Gitea: Gitea
// only blank-imports the cgo driver (modules/setting/database_sqlite.go, build tag `sqlite`) and opens it by
// name, so registering the pure-Go modernc.org/sqlite driver as "sqlite3" is all it needs — plus a translation
// of the mattn-specific DSN parameters Gitea writes (modules/setting/database.go):
//
//	file:PATH?cache=shared&mode=rwc&_busy_timeout=N&_txlock=immediate[&_journal_mode=M]
//
// `_busy_timeout` and `_journal_mode` become modernc `_pragma`s; `cache=shared` is dropped, because a shared
// cache reports table locks as SQLITE_LOCKED, which mattn handles with sqlite_unlock_notify and modernc does
// not, while separate connections wait on the busy timeout instead.
package sqlite3

import (
	"database/sql"
	"database/sql/driver"
	"net/url"
	"strings"

	"modernc.org/sqlite"
)

type shim struct{ sqlite.Driver }

// Open rewrites mattn's DSN parameters into modernc's and opens the connection.
func (d *shim) Open(name string) (driver.Conn, error) {
	return d.Driver.Open(translate(name))
}

func translate(name string) string {
	path, query, ok := strings.Cut(name, "?")
	if !ok {
		return name
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		return name
	}
	if v := q.Get("_busy_timeout"); v != "" {
		q.Add("_pragma", "busy_timeout("+v+")")
		q.Del("_busy_timeout")
	}
	if v := q.Get("_journal_mode"); v != "" {
		q.Add("_pragma", "journal_mode("+v+")")
		q.Del("_journal_mode")
	}
	if q.Get("cache") == "shared" {
		q.Del("cache")
	}
	return path + "?" + q.Encode()
}

func init() {
	sql.Register("sqlite3", &shim{})
}
