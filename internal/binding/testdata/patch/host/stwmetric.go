package main

import (
	"fmt"
	"runtime/metrics"
	"time"
)

// stwOther is the runtime's own record of its stops other than the GC's
// (Go 1.22+): from the stop's request until the Ps run again, without
// the time the stopping goroutine's thread waits for a CPU after that.
const stwOther = "/sched/pauses/total/other:seconds"

func stwHist() *metrics.Float64Histogram {
	s := []metrics.Sample{{Name: stwOther}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindFloat64Histogram {
		return nil
	}
	return s[0].Value.Float64Histogram()
}

// stwPercentiles gives p50 and p99 of the stops between two readings: the
// upper edge of the bucket holding each.
func stwPercentiles(before, after *metrics.Float64Histogram) string {
	if before == nil || after == nil {
		return "n/a (Go 1.21: no " + stwOther + ")"
	}
	n := uint64(0)
	d := make([]uint64, len(after.Counts))
	for i := range after.Counts {
		d[i] = after.Counts[i] - before.Counts[i]
		n += d[i]
	}
	at := func(p float64) time.Duration {
		want, seen := uint64(float64(n)*p+0.5), uint64(0)
		for i, c := range d {
			if seen += c; seen >= want && c > 0 {
				return time.Duration(after.Buckets[i+1] * 1e9)
			}
		}
		return 0
	}
	return fmt.Sprintf("p50 <= %v, p99 <= %v over %d stops", at(0.5), at(0.99), n)
}
