// Package stdfix uses the standard library through loaded types:
// encoding/json and reflect on a loaded struct, a net/http server, and a
// CPU-bound function for the profiler.
package stdfix

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"reflect"
	"sort"
	"strings"
)

type Item struct {
	Name string   `json:"name"`
	Tags []string `json:"tags,omitempty"`
	N    int      `json:"n"`
	priv int
}

func (it *Item) Label() string { return it.Name + "#" + fmt.Sprint(it.N) }
func (it Item) Count() int     { return len(it.Tags) }

// JSON marshals a loaded type and reads it back.
func JSON() string {
	b, err := json.Marshal(Item{Name: "x", Tags: []string{"a", "b"}, N: 3, priv: 9})
	if err != nil {
		return err.Error()
	}
	var back Item
	if err := json.Unmarshal(b, &back); err != nil {
		return err.Error()
	}
	return string(b) + " " + fmt.Sprintf("%+v", back)
}

// Reflect describes a loaded type through reflect.
func Reflect() string {
	t := reflect.TypeOf(&Item{})
	var parts []string
	parts = append(parts, t.String(), t.Elem().PkgPath(), t.Elem().Name())
	for i := 0; i < t.Elem().NumField(); i++ {
		f := t.Elem().Field(i)
		parts = append(parts, f.Name+":"+f.Type.String()+":"+string(f.Tag))
	}
	for i := 0; i < t.NumMethod(); i++ {
		parts = append(parts, t.Method(i).Name+" "+t.Method(i).Type.String())
	}
	v := reflect.ValueOf(&Item{Name: "r", N: 7}).MethodByName("Label").Call(nil)
	parts = append(parts, v[0].String())
	// reflect finds a composite type the package has among its module's
	// typelinks instead of making another.
	parts = append(parts, fmt.Sprint("SliceOf is []Item: ", reflect.SliceOf(t.Elem()) == reflect.TypeOf([]Item{}),
		", MapOf is map[string]Item: ", reflect.MapOf(reflect.TypeOf(""), t.Elem()) == reflect.TypeOf(map[string]Item{})))
	sort.Strings(parts[3:])
	return strings.Join(parts, "|")
}

// Serve starts an HTTP server on a loopback port and returns its address.
func Serve() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "hello %s from %s", body, reflect.TypeOf(Item{}).PkgPath())
	})
	go http.Serve(ln, mux)
	return ln.Addr().String(), nil
}

// Spin burns CPU for the profiler.
func Spin(n int) int {
	x := 0
	for i := 0; i < n; i++ {
		x = x*31 + i ^ (x >> 7)
	}
	return x
}
