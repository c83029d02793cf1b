// Package cacherun is what testdata/closeorder/cachehost does around the
// loaded cachemod, and cachetwin with it linked in: after Close the
// host's own types go through the same packages.
package cacherun

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"reflect"
)

type Host struct {
	Name string `json:"name" xml:"name"`
	N    int32  `json:"n" xml:"n,attr"`
}

type HPair struct{ A, B int32 }

func (p HPair) Sum(k int32) int32 { return (p.A + p.B) * k }

// Use uses the packages with the host's own types.
func Use(when string) {
	j, err := json.Marshal(Host{"h", 7})
	var back Host
	if err == nil {
		err = json.Unmarshal(j, &back)
	}
	x, _ := xml.Marshal(Host{"h", 8})
	var buf bytes.Buffer
	binary.Write(&buf, binary.LittleEndian, HPair{5, 6})
	sum := reflect.ValueOf(HPair{1, 2}).MethodByName("Sum").Call([]reflect.Value{reflect.ValueOf(int32(3))})
	fmt.Printf("host %s: json %s %+v %v xml %s binary %x %d reflect %v %v %v\n", when, j, back, err, x, buf.Bytes(), binary.Size(HPair{}),
		reflect.PointerTo(reflect.TypeOf(HPair{})), reflect.FuncOf([]reflect.Type{reflect.TypeOf(HPair{})}, nil, false), sum[0].Int())
}

// Sequence: the host's use, the module's, Close, the host's again.
func Sequence(run func() string, close func() error) {
	Use("before")
	fmt.Println(run())
	fmt.Println("close:", close())
	Use("after")
}
