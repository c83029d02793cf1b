module example.com/vhost

go 1.21

require (
	example.com/vmod v1.0.0
	github.com/goload/goload v0.0.0
)

replace (
	example.com/vmod v1.0.0 => ../vmod1
	github.com/goload/goload => ../../../../../..
)
