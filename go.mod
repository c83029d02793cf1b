module github.com/goload/goload

go 1.21
