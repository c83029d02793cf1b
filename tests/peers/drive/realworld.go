package drive

// Real-world modules (issue #13): a loaded package using
// google.golang.org/protobuf and one using k8s.io/client-go against a
// loopback fake API server.

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sort"
	"strings"
	"sync"
)

const rw = "github.com/goload/goload/tests/peers/cases/realworld/"

func init() {
	register(&Case{Name: "rw_protobuf", Origin: "issue #13: protobuf marshal and unmarshal", Run: rwProtobuf,
		Syms: map[string][]string{rw + "pbmsg": {"RoundTrip"}}})
	register(&Case{Name: "rw_clientgo", Origin: "issue #13: client-go against a fake API server", Run: rwClientGo,
		Syms: map[string][]string{rw + "kube": {"ListPods"}}})
}

func rwProtobuf() {
	m := Open(rw + "pbmsg")
	report, err := Get[func() (string, error)](m, "RoundTrip")()
	Must(err, "RoundTrip")
	fmt.Print(report)
	report = ""
	runtime.GC()
	m.Close()
}

func rwClientGo() {
	srv, served := fakeAPIServer()
	defer srv.Close()
	start := runtime.NumGoroutine()
	m := Open(rw + "kube")
	report, err := Get[func(string) (string, error)](m, "ListPods")(srv.URL)
	Must(err, "ListPods")
	fmt.Print(report)
	report = ""
	srv.CloseClientConnections()
	P("served: %s", strings.Join(served(), ", "))
	P("goroutines back to start: %v", WaitGoroutines(start))
	m.Close()
}

const podList = `{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"4711"},"items":[
{"metadata":{"name":"web-1","namespace":"default","uid":"11111111-2222-3333-4444-555555555555","labels":{"app":"web","tier":"front"},"creationTimestamp":"2024-05-06T07:08:09Z"},
 "spec":{"containers":[{"name":"nginx","image":"nginx:1.25","ports":[{"containerPort":80,"protocol":"TCP"}]}]},
 "status":{"phase":"Running","podIP":"10.0.0.7"}},
{"metadata":{"name":"web-2","namespace":"default","labels":{"app":"web"},"creationTimestamp":"2024-05-06T07:08:10Z"},
 "spec":{"containers":[{"name":"nginx","image":"nginx:1.25"},{"name":"sidecar","image":"busybox"}]},
 "status":{"phase":"Pending"}}]}`

const versionInfo = `{"major":"1","minor":"29","gitVersion":"v1.29.15-goload-fake","gitCommit":"0000000","gitTreeState":"clean","buildDate":"2024-01-01T00:00:00Z","goVersion":"go1.21","compiler":"gc","platform":"linux/amd64"}`

// fakeAPIServer answers as a Kubernetes API server would, on loopback:
// /version, the pods of namespace default, and a NotFound Status for
// everything else. served lists the requests (method, path, query), sorted.
func fakeAPIServer() (srv *httptest.Server, served func() []string) {
	var mu sync.Mutex
	var log []string
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		log = append(log, r.Method+" "+r.URL.RequestURI())
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/version":
			io.WriteString(w, versionInfo)
		case "/api/v1/namespaces/default/pods":
			io.WriteString(w, podList)
		default:
			parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
			name, kind, group := parts[len(parts)-1], "", ""
			if len(parts) >= 2 {
				kind = parts[len(parts)-2]
			}
			if parts[0] == "apis" && len(parts) > 1 {
				group = parts[1]
			}
			w.WriteHeader(http.StatusNotFound)
			res := kind
			if group != "" {
				res += "." + group
			}
			fmt.Fprintf(w, `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"%s %q not found","reason":"NotFound","details":{"name":%q,"group":%q,"kind":%q},"code":404}`,
				res, name, name, group, kind)
		}
	}))
	return srv, func() []string {
		mu.Lock()
		defer mu.Unlock()
		out := append([]string(nil), log...)
		sort.Strings(out)
		return out
	}
}
