// A program with flags for the `goload run` tests (run_test.go): its
// output and exit code under goload run must be go run's.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
)

var (
	name  = flag.String("name", "world", "who to greet")
	times = flag.Int("n", 1, "how many times")
	upper = flag.Bool("upper", false, "shout")
	code  = flag.Int("exit", 0, "exit code")
	boom  = flag.Bool("panic", false, "panic")
)

type greeting struct{ to string }

var initialized = setup()

func setup() string { return "init ran" }

func init() { fmt.Println("init:", initialized) }

func main() {
	flag.Parse()
	for i := 0; i < *times; i++ {
		s := fmt.Sprintf("hello, %s (%d)", *name, i)
		if *upper {
			s = strings.ToUpper(s)
		}
		fmt.Println(s)
	}
	fmt.Println("args:", flag.Args(), "argv0:", os.Args[0])
	fmt.Printf("%T %v\n", greeting{*name}, greeting{*name})
	if *boom {
		panic("boom")
	}
	if *code != 0 {
		fmt.Fprintln(os.Stderr, "exiting with", *code)
		os.Exit(*code)
	}
}
