// Package racy has a data race, which a -race host's detector reports only
// when the loaded code is the package's -race build.
package racy

func Report() string {
	x := 0
	done := make(chan bool)
	go func() {
		x = 1
		done <- true
	}()
	x = 2
	<-done
	if x == 0 {
		return "impossible\n"
	}
	return "raced\n"
}
