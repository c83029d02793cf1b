// Package hot is loaded by testdata/debug/host for the perf and gdb tests:
// Spin is a hot loop perf must name; Outer calls Inner, where gdb stops.
package hot

//go:noinline
func Spin(n int) int {
	x := uint64(n)
	for i := 0; i < n; i++ {
		x ^= x<<13 + uint64(i)
		x ^= x >> 7
		x ^= x << 17
	}
	return int(x & 0xff)
}

var sink int

//go:noinline
func Inner(n int) int {
	var buf [64]byte
	for i := range buf {
		buf[i] = byte(n + i)
	}
	sink += int(buf[n&63])
	return sink
}

//go:noinline
func Outer(n int) int {
	var pad [256]byte
	pad[n&255] = 1
	return Inner(n+1) + int(pad[0])
}
