// Package dt is the host's, but the host uses only Other: its linker
// drops Decoder's descriptors (type:dt.Decoder, type:*dt.Decoder) and
// methods, as a host that imports mime without mime.WordDecoder does.
package dt

import "strings"

type Decoder struct {
	Prefix string
	Map    func(string) string
	n      int
}

func (d *Decoder) Decode(s string) string {
	d.n++
	if d.Map != nil {
		s = d.Map(s)
	}
	return d.Prefix + s + strings.Repeat("!", d.n)
}

//go:noinline
func Other() string { return "other" }
