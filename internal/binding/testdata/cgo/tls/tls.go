// Package tls uses C thread-local variables (-fPIC: the general- and
// local-dynamic models): each OS thread has its own copy, initialized;
// tls2.c's initialized ones follow this object's .tbss.
package tls

/*
__thread int tvar;
static __thread int tinit = 7;
static __thread char tbuf[64];
int get_tvar(void) { return tvar; }
void set_tvar(int v) { tvar = v; tbuf[v & 63]++; }
int get_tinit(void) { return tinit; }
int get_tbuf(int v) { return tbuf[v & 63]; }
int bump_t2(void);
*/
import "C"

import (
	"fmt"
	"runtime"
	"sync"
)

func Report() string {
	var wg, ready sync.WaitGroup
	res := make([]string, 2)
	ready.Add(2)
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			runtime.LockOSThread() // both locked at once: two threads
			defer runtime.UnlockOSThread()
			ready.Done()
			ready.Wait()
			v := 100 * (i + 1)
			C.set_tvar(C.int(v))
			ready2.Done()
			ready2.Wait()
			C.bump_t2()
			res[i] = fmt.Sprintf("thread %d: tvar %d tinit %d tbuf %d t2 %d", i, int(C.get_tvar()), int(C.get_tinit()), int(C.get_tbuf(C.int(v))), int(C.bump_t2()))
		}(i)
	}
	wg.Wait()
	return res[0] + "\n" + res[1] + "\n"
}

var ready2 = func() *sync.WaitGroup { var w sync.WaitGroup; w.Add(2); return &w }()
