// Package webfix is loaded by OpenPackage into a host that imports only
// fmt: every standard package below beyond the host's comes from its
// archive. Each function returns what it computed, compared with the same
// code run by `go run ./testdata/openpkg/twin`.
package webfix

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"text/template"
)

type Point struct {
	X, Y  int
	Label string `json:"label,omitempty"`
	Tags  map[string][]float64
}

func JSON() string {
	b, err := json.Marshal([]Point{{1, 2, "a", map[string][]float64{"w": {0.5, 1e9}}}, {X: -3}})
	if err != nil {
		return err.Error()
	}
	var back []Point
	if err := json.Unmarshal(b, &back); err != nil {
		return err.Error()
	}
	var anyv any
	json.Unmarshal([]byte(`{"k":[1,"two",null,{"x":true}]}`), &anyv)
	return fmt.Sprintf("%s %+v %v", b, back, anyv)
}

// HTTP serves on loopback and fetches from itself with the client.
func HTTP() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err.Error()
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/hello/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Fix", "webfix")
		fmt.Fprintf(w, "hello %s via %s q=%s", strings.TrimPrefix(r.URL.Path, "/hello/"), r.Method, r.URL.Query().Get("q"))
	})
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	defer srv.Close()
	var out []string
	for _, path := range []string{"/hello/gopher?q=1", "/missing"} {
		resp, err := http.Get("http://" + ln.Addr().String() + path)
		if err != nil {
			return err.Error()
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		out = append(out, fmt.Sprintf("%d %q %q", resp.StatusCode, resp.Header.Get("X-Fix"), body))
	}
	resp, err := http.Post("http://"+ln.Addr().String()+"/hello/post", "text/plain", strings.NewReader("x"))
	if err != nil {
		return err.Error()
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	out = append(out, fmt.Sprintf("%d %q", resp.StatusCode, body))
	return strings.Join(out, "; ")
}

func Regexp() string {
	re := regexp.MustCompile(`(\w+)@(\w+)\.(com|org)`)
	s := "ann@example.com, bob@golang.org; eve@nowhere.net"
	return fmt.Sprintf("%q %q %s", re.FindAllStringSubmatch(s, -1), re.ReplaceAllString(s, "<$2>"), re.String())
}

func Gzip() string {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Name = "fix.txt"
	io.WriteString(zw, strings.Repeat("goload loads Go code. ", 200))
	zw.Close()
	zr, err := gzip.NewReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		return err.Error()
	}
	back, _ := io.ReadAll(zr)
	return fmt.Sprintf("%d bytes -> %d, name %s, back %d bytes, %x", 22*200, buf.Len(), zr.Name, len(back), sha256.Sum256(back))
}

func SHA() string {
	h := sha256.New()
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(h, "%d,", i)
	}
	return hex.EncodeToString(h.Sum(nil)) + " " + fmt.Sprintf("%x", sha256.Sum224([]byte("abc")))
}

func Template() string {
	t := template.Must(template.New("t").Funcs(template.FuncMap{"up": strings.ToUpper}).Parse(
		`{{range $i, $p := .}}{{if $i}}, {{end}}{{$p.X}}/{{$p.Y}}{{with $p.Label}} {{up .}}{{end}}{{end}} ({{len .}} points)`))
	var b strings.Builder
	if err := t.Execute(&b, []Point{{1, 2, "north", nil}, {3, 4, "", nil}, {5, 6, "east", nil}}); err != nil {
		return err.Error()
	}
	return b.String()
}

// All lists the checks in the order the host and the twin print them.
var Names = []string{"JSON", "HTTP", "Regexp", "Gzip", "SHA", "Template"}
