package binding

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The long run of the sequence tester (seed 20261207, sequence 12809 of a
// child that had run 12800..12808) saw a caller's h2 answer v2.F0's code:
// the call had gone through h2's stub (h2→h0, applied in sequence 12808)
// and was parked, async-preempted, exactly at h0's entry when the reset
// reverted h2→h0. Nothing tied the parked call to h2 any more: it was
// still there seven steps later when h0→v2.F0 was applied, and resumed
// into the new jump. These tests replay that with A→B reverted and B→C
// applied at once, never both applied: a call of A may answer A's code or
// B's, never C's.

//go:noinline
func parkA(x int) int { return x + 1 }

//go:noinline
func parkB(x int) int { return x + 2 }

//go:noinline
func parkC(x int) int { return x + 3 }

// parkFramedA/B/C are the same with a frame, so a stack check in the
// prologue: a call preempted there waits at the return address of its
// call of runtime.morestack, and jumps back to the entry when it runs.
//
//go:noinline
func parkFramedA(x int) int { return parkID(x) + 1 }

//go:noinline
func parkFramedB(x int) int { return parkID(x) + 2 }

//go:noinline
func parkFramedC(x int) int { return parkID(x) + 3 }

//go:noinline
func parkID(x int) int { return x }

// parkLitter leaves copies of pc in the stacks the next goroutines get:
// an exiting goroutine's stack goes back for reuse as it is, and a frame
// slot the new owner never writes (a call's arguments on a path not
// taken) keeps the old word.
func parkLitter(pc uintptr) {
	var wg sync.WaitGroup
	for i := 0; i < 64; i++ {
		wg.Add(1)
		go func() {
			var words [48]uintptr
			for j := range words {
				words[j] = pc
			}
			parkKeep(words)
			wg.Done()
		}()
	}
	wg.Wait()
}

//go:noinline
func parkKeep(w [48]uintptr) uintptr { return w[0] }

// TestPatchRevertParkedAtReplacement: Revert of A→B must not return while
// a call of A is parked at B's entry.
func TestPatchRevertParkedAtReplacement(t *testing.T) { parkRun(t, parkA, parkB, parkC, false) }

// TestPatchRevertParkedInPrologue: the same with functions that have a
// stack check. Before the return address of B's morestack call counted as
// B's entry, a call of A answered C's code within a second.
func TestPatchRevertParkedInPrologue(t *testing.T) {
	parkRun(t, parkFramedA, parkFramedB, parkFramedC, false)
}

// TestPatchStaleEntryOnStack: the callers' stacks hold stale copies of
// B's entry in frame slots they never write. Before only the PC an
// asynchronous preemption pushed was read for a parked call, every Apply
// of B→C was refused busy for as long as the callers ran (with A's entry,
// which was guarded too then, it was the flaky failure of the full suite:
// "goroutine N (status 1) stays at <parkA>").
func TestPatchStaleEntryOnStack(t *testing.T) {
	parkLitter(reflect.ValueOf(parkB).Pointer())
	parkRun(t, parkA, parkB, parkC, true)
}

func parkRun(t *testing.T, parkA, parkB, parkC func(int) int, noBusy bool) {
	ab, err := NewPatch(parkA, parkB)
	if err != nil {
		t.Fatal(err)
	}
	bc, err := NewPatch(parkB, parkC)
	if err != nil {
		t.Fatal(err)
	}
	cycles := 3000
	if v, err := strconv.Atoi(os.Getenv("GOLOAD_PARK_CYCLES")); err == nil && v > 0 {
		cycles = v
	}
	var stop atomic.Bool
	var bad atomic.Value
	var calls atomic.Int64
	var wg sync.WaitGroup
	// More callers than Ps: a preempted one waits in the run queue behind
	// the others, as a busy machine makes it wait for a CPU.
	for g := 0; g < 2*runtime.GOMAXPROCS(0)+2; g++ {
		wg.Add(1)
		go func(x int) {
			defer wg.Done()
			n := int64(0)
			for !stop.Load() {
				x = x*1103515245 + 12345
				arg := x & 0xffff
				if d := parkA(arg) - arg; d != 1 && d != 2 {
					bad.CompareAndSwap(nil, fmt.Sprintf("parkA(%d) ran code %d (parkC's: a call of A through a reverted jump)", arg, d))
				}
				n++
			}
			calls.Add(n)
		}(g*7919 + 1)
	}
	t0 := time.Now()
	retries, maxAttempts, busy, i := 0, 0, 0, 0
	// do runs one Apply or Revert; a refusal "busy" (a goroutine stayed
	// parked there for every stop: more callers than Ps on a loaded
	// machine) leaves the patches as they were, and the step is tried
	// again, so A→B and B→C are never applied together.
	do := func(f func(...*FuncPatch) error, p *FuncPatch) {
		for {
			err := f(p)
			a := LastPause().Attempts
			retries += a - 1
			maxAttempts = max(maxAttempts, a)
			var pe *PatchError
			// Retried for as long as the test may run: on a loaded machine
			// a caller can wait at the entry for hundreds of stops in a
			// row (a full suite at load 5-7 saw 200); a refusal that never
			// ends still fails the test once the time is up.
			if errors.As(err, &pe) && pe.Reason == "busy" && time.Since(t0) < 60*time.Second {
				busy++
				continue
			}
			if err != nil {
				stop.Store(true)
				wg.Wait()
				t.Fatal(err)
			}
			return
		}
	}
	for ; i < cycles && bad.Load() == nil && time.Since(t0) < 15*time.Second; i++ {
		do(Apply, ab)
		do(Revert, ab)
		do(Apply, bc)
		do(Revert, bc)
	}
	stop.Store(true)
	wg.Wait()
	if v := bad.Load(); v != nil {
		t.Fatalf("cycle %d of %d: %s", i, cycles, v)
	}
	t.Logf("%d cycles of apply A→B, revert, apply B→C, revert in %v; %d calls of A, none ran C; %d stops retried, at most %d for one call; %d refused busy and tried again",
		i, time.Since(t0).Round(time.Millisecond), calls.Load(), retries, maxAttempts, busy)
	patcher.mu.Lock()
	ok, read, unknown := scanState.async.ok, scanState.asyncRead, scanState.asyncUnknown
	patcher.mu.Unlock()
	t.Logf("async preemption frames: ok %v; %d stopped PCs read, %d not understood", ok, read, unknown)
	if !ok || unknown != 0 {
		t.Errorf("the asynchronous preemption's frames were not followed (ok %v, %d of %d not understood): a parked call was looked for in every stack word",
			ok, unknown, read+unknown)
	}
	if noBusy && maxAttempts == stopAttempts {
		t.Errorf("a stop was tried %d times: a stale word kept a caller busy", maxAttempts)
	}
}
