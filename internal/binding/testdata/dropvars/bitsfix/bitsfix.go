// Package bitsfix calls math/bits functions its host (../host) lacks: the
// host has none of math/bits' own symbols, only runtime.overflowError and
// runtime.divideError, which math/bits' object also defines by linkname.
// math/bits is not the host's package: its functions load from its
// archive, and those two variables stay the host's.
package bitsfix

import (
	"fmt"
	"math/bits"
)

var Names = []string{"Bits"}

func Bits() string {
	var s string
	x := uint64(0xf0f0_1234_8000_0001)
	s = fmt.Sprint(bits.OnesCount64(x), bits.OnesCount32(0xff00ff), bits.OnesCount16(0x0f0f), bits.OnesCount8(7),
		bits.LeadingZeros64(x>>7), bits.TrailingZeros32(96), bits.Len(1<<40), bits.Reverse8(0x12), bits.ReverseBytes32(0x01020304),
		bits.RotateLeft64(x, 13))
	hi, lo := bits.Mul64(x, x)
	q, r := bits.Div64(1, 2, 3)
	s += fmt.Sprint(" ", hi, lo, q, r)
	// math/bits panics with runtime.divideError and runtime.overflowError,
	// variables its object defines by linkname: they must be the host's.
	return s + " " + div64(1, 1, 0) + " " + div64(5, 1, 3)
}

func div64(hi, lo, y uint64) (s string) {
	defer func() { s = fmt.Sprint("recovered: ", recover()) }()
	bits.Div64(hi, lo, y)
	return "no panic"
}
