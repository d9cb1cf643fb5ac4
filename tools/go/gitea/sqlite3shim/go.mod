// Stand-in for github.com/mattn/go-sqlite3 (cgo) in kintent's CGO_ENABLED=0 build of Gitea.
module github.com/mattn/go-sqlite3

go 1.25.0

require modernc.org/sqlite v1.53.0
