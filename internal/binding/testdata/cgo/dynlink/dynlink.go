// Package dynlink is compiled with -dynlink by the test: its references
// to variables and functions go through the GOT (R_GOTPCREL), and g
// through TLS initial-exec (R_TLS_IE). It uses only what the test host
// has (Open fetches no dropped symbol).
package dynlink

import "strings"

var Counter int

var hook = func(s string) string { a, b, _ := strings.Cut(s, "="); return b + "=" + a }

func Bump() int { Counter++; return Counter }

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + itoa(n%10)
}

func Report() string {
	s := ""
	for i := 0; i < 3; i++ {
		s += "bump " + itoa(Bump()) + "\n"
	}
	ch := make(chan int, 1)
	go func() { ch <- Counter * 7 }()
	return s + hook("left=right") + " " + itoa(<-ch) + "\n" + G()
}

func getg() uintptr

// G reports what getg (TLS) reads: the same g within a goroutine, another
// in another goroutine, never 0.
func G() string {
	a, b := getg(), getg()
	ch := make(chan uintptr)
	go func() { ch <- getg() }()
	c := <-ch
	res := "g nonzero " + yes(a != 0) + ", stable " + yes(a == b) + ", per goroutine " + yes(c != a && c != 0) + "\n"
	return res
}

func yes(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
