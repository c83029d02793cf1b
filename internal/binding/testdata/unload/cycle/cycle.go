// Package cycle is loaded and closed a thousand times in one process: it
// runs init, allocates, and uses maps, interfaces and goroutines that end.
package cycle

import (
	"fmt"
	"sync"
)

var table = map[string]int{}

type shape interface{ area() int }

type square struct{ side int }

func (s square) area() int { return s.side * s.side }

type rect struct{ w, h int }

func (r *rect) area() int { return r.w * r.h }

func init() {
	for i := 0; i < 64; i++ {
		table[fmt.Sprint("k", i)] = i
	}
}

// Run returns sum(i*i) + sum(i*(i+1)) for i < n, plus len(table), computed
// on n goroutines that all end before it returns.
func Run(n int) int {
	var wg sync.WaitGroup
	ch := make(chan shape, 2*n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			ch <- square{i}
			ch <- &rect{i, i + 1}
		}(i)
	}
	wg.Wait()
	sum := 0
	for i := 0; i < 2*n; i++ {
		// a plain receive: Go 1.21-1.22 hosts lack runtime.chanrecv2,
		// which `range ch` calls
		s := <-ch
		sum += s.area()
	}
	buf := make([]byte, 0, 1<<16) // a large allocation, dropped
	buf = fmt.Appendf(buf, "%d", sum)
	return sum + len(table) + len(buf) - len(buf)
}
