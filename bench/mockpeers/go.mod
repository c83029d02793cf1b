module github.com/goload/goload/bench/mockpeers

go 1.21

require (
	github.com/agiledragon/gomonkey/v2 v2.13.0
	github.com/bytedance/mockey v1.4.6
	github.com/goload/goload v0.0.0
)

require (
	github.com/gopherjs/gopherjs v1.12.80 // indirect
	github.com/jtolds/gls v4.20.0+incompatible // indirect
	github.com/smartystreets/assertions v1.2.0 // indirect
	github.com/smartystreets/goconvey v1.7.2 // indirect
	golang.org/x/arch v0.11.0 // indirect
	golang.org/x/sys v0.26.0 // indirect
)

replace github.com/goload/goload => ../..
