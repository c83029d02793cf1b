// Package cachemod passes its own types to the host's encoding/json,
// encoding/xml, encoding/binary and reflect, whose caches keep them
// (encoderCache, fieldCache, tinfoMap, structSize, ptrMap, lookupCache,
// funcLookupCache, structLookupCache, layoutCache).
package cachemod

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"reflect"
	"strings"
)

type Item struct {
	Name string   `json:"name" xml:"name"`
	N    int32    `json:"n" xml:"n,attr"`
	Tags []string `json:"tags,omitempty" xml:"tag"`
}

type Pair struct{ A, B int32 }

func (p Pair) Sum(k int32) int32 { return (p.A + p.B) * k }

func Run() string {
	var out []string
	j, err := json.Marshal([]Item{{"x", 1, []string{"a", "b"}}, {Name: "y"}})
	var back []Item
	if err == nil {
		err = json.Unmarshal(j, &back)
	}
	out = append(out, fmt.Sprintf("json %s %+v %v", j, back, err))
	x, err := xml.Marshal(Item{Name: "z", N: 2, Tags: []string{"t"}})
	out = append(out, fmt.Sprintf("xml %s %v", x, err))
	var buf bytes.Buffer
	err = binary.Write(&buf, binary.LittleEndian, Pair{1, 2})
	out = append(out, fmt.Sprintf("binary %x %d %v", buf.Bytes(), binary.Size(Pair{}), err))
	it := reflect.TypeOf(Item{})
	ft := reflect.FuncOf([]reflect.Type{it, reflect.TypeOf(Pair{})}, []reflect.Type{it}, false)
	st := reflect.StructOf([]reflect.StructField{{Name: "P", Type: reflect.TypeOf(Pair{})}, {Name: "I", Type: it}})
	out = append(out, fmt.Sprintf("reflect %v %v %v %v %v %v", reflect.PointerTo(reflect.TypeOf(Pair{})), reflect.SliceOf(it),
		reflect.MapOf(reflect.TypeOf(""), it), reflect.ChanOf(reflect.BothDir, it), ft, st))
	sum := reflect.ValueOf(Pair{3, 4}).MethodByName("Sum").Call([]reflect.Value{reflect.ValueOf(int32(5))})
	out = append(out, fmt.Sprintf("call %v", sum[0].Int()))
	return strings.Join(out, "\n")
}
