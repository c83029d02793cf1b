// Package stwmetric reads the runtime's own record of its stop-the-world
// pauses other than the GC's, for the fix agent (the stop of one fix) and
// the patch bench (percentiles over many stops).
package stwmetric

import (
	"fmt"
	"runtime/metrics"
	"time"
)

// Name is the metric (Go 1.22+): from the stop's request until the
// stopped Ps are handed back to their threads, without what the stopping
// thread does after that (the runtime's wakep) nor its wait for a CPU.
const Name = "/sched/pauses/total/other:seconds"

// Read returns the histogram now (nil before Go 1.22).
func Read() *metrics.Float64Histogram {
	s := []metrics.Sample{{Name: Name}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindFloat64Histogram {
		return nil
	}
	return s[0].Value.Float64Histogram()
}

// Longest is the upper edge, in seconds, of the bucket of the longest
// stop recorded between two readings (0: none, or no metric).
func Longest(before, after *metrics.Float64Histogram) float64 {
	if before == nil || after == nil {
		return 0
	}
	for i := len(after.Counts) - 1; i >= 0; i-- {
		if after.Counts[i] > before.Counts[i] {
			return after.Buckets[i+1]
		}
	}
	return 0
}

// Percentiles gives p50 and p99 of the stops between two readings: the
// upper edge of the bucket holding each.
func Percentiles(before, after *metrics.Float64Histogram) string {
	if before == nil || after == nil {
		return "n/a (Go 1.21: no " + Name + ")"
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
