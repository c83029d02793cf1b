// Package lib is loaded into the arm64 test host (testdata/arm64/host)
// under qemu; testdata/arm64/twin is the same file, linked into the host
// natively: every result is compared with the twin's.
package lib

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

type Item struct {
	Name  string            `json:"name"`
	Count int               `json:"count"`
	Tags  []string          `json:"tags,omitempty"`
	Attrs map[string]string `json:"attrs,omitempty"`
}

var calls int

// Run exercises strings, strconv, encoding/json and sort.
func Run(words string) string {
	calls++
	fields := strings.Fields(words)
	sort.Strings(fields)
	items := make([]Item, 0, len(fields))
	for i, f := range fields {
		it := Item{Name: strings.ToUpper(f), Count: len(f) * (i + 1)}
		if strings.ContainsAny(f, "aeiou") {
			it.Tags = []string{"vowel", strconv.Quote(f)}
		}
		if i%2 == 0 {
			it.Attrs = map[string]string{"i": strconv.Itoa(i), "f": strconv.FormatFloat(float64(i)/3, 'g', 6, 64)}
		}
		items = append(items, it)
	}
	sort.Slice(items, func(a, b int) bool { return items[a].Count > items[b].Count })
	b, err := json.Marshal(items)
	if err != nil {
		return "error: " + err.Error()
	}
	var back []Item
	if err := json.Unmarshal(b, &back); err != nil {
		return "error: " + err.Error()
	}
	n, _ := strconv.ParseInt("-"+strconv.Itoa(len(back)), 10, 64)
	var first []string
	if len(back) > 0 {
		first = back[0].Tags
	}
	return fmt.Sprintf("%s|%d|%v|%s", b, n, first, strings.Repeat("=", calls))
}

// Banner has the signature of the host's banner: it replaces it.
func Banner(name string) string { return "lib says hi to " + strings.TrimSpace(name) }
