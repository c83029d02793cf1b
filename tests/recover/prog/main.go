// A host for the recover test: package-level variables of several kinds,
// used from code, plus std packages with their own data (crypto/rand
// brings, in Go 1.24+, a package whose symbol prefix is escaped:
// crypto/internal/entropy/v1%2e0%2e0).
package main

import (
	"crypto/rand"
	"fmt"
	"os"
	"strings"
	"sync"
)

type point struct{ X, Y int }

var (
	counter int
	mu      sync.Mutex
	names   = []string{"alpha", "beta", "gamma"}
	table   = map[string]int{"one": 1}
	origin  = &point{1, 2}
	greet   = "hello"
	hook    func(int) int
)

func bump(n int) int {
	mu.Lock()
	defer mu.Unlock()
	counter += n
	if hook != nil {
		counter = hook(counter)
	}
	return counter
}

func main() {
	hook = func(v int) int { return v * 2 }
	var seed [8]byte
	rand.Read(seed[:])
	counter = int(seed[0] & 1)
	for i, n := range names {
		table[n] = bump(i)
	}
	fmt.Fprintln(os.Stdout, strings.ToUpper(greet), origin.X+origin.Y, len(table), counter)
}
