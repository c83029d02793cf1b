package http

import (
	"fmt"
	"net"
	"net/http"
)

type SimpleHanle struct{}

func (*SimpleHanle) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Write([]byte("Hello goloader!"))
}

// Main is the example's main, adapted: the file server (":2300") and the
// handler (":9090") serve listeners the caller opened on loopback, the
// file server serves dir instead of ".", and stop returns instead of
// panicking with ListenAndServe's error.
func Main(files, api net.Listener, dir string) (stop func()) {
	fs := &http.Server{Handler: http.FileServer(http.Dir(dir))}
	go func() {
		_ = fs.Serve(files)
	}()
	var inter http.Handler
	inter = &SimpleHanle{}
	s := listen(api, inter)
	return func() {
		fs.Close()
		s.Close()
	}
}

func listen(l net.Listener, inter interface{}) *http.Server {
	mux := http.NewServeMux()
	mux.Handle("/", inter.(http.Handler))
	fmt.Println("start listen")
	s := &http.Server{Handler: mux}
	go func() {
		_ = s.Serve(l)
	}()
	return s
}
