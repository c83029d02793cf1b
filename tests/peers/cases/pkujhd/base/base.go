package base

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
)

func init() {
	fmt.Println("base init")
}

type Vertex struct {
	X, Y int
}

func (v *Vertex) Print() {
	fmt.Println("print", v)
}

type PrintInf interface {
	Print()
}

// Main is the example's main, exported (adapted).
func Main() {
	var (
		v1 = Vertex{1, 2}
		v2 = Vertex{X: 1}
		v3 = Vertex{}
		p  = &Vertex{1, 2}
	)

	fmt.Println(Vertex{1, 2})
	fmt.Println(v1, p, v2, v3)
	fmt.Printf("%#v %#v %#v %#v\n", v1, p, v2, v3)

	var inf PrintInf = p
	inf.Print()

	{
		names := [4]string{
			"John",
			"Paul",
			"George",
			"Ringo",
		}
		fmt.Println(names)
	}

	{
		s := []struct {
			i int
			b bool
		}{
			{2, true},
			{3, false},
		}
		fmt.Println(s)
	}

	{
		var m = map[string]Vertex{
			"Bell Labs": Vertex{
				40, -74,
			},
			"Google": Vertex{
				37, -122,
			},
		}
		fmt.Println(m)
	}

	{

		wg := new(sync.WaitGroup)
		whatAmI := func(i interface{}) {
			switch t := i.(type) {
			case bool:
				fmt.Println("I'm a bool")
			case int:
				fmt.Println("I'm an int")
			default:
				fmt.Printf("Don't know type %T\n", t)
			}
			wg.Done()
		}
		// Adapted: each goroutine is waited for before the next starts
		// (their lines raced).
		wg.Add(1)
		go whatAmI(true)
		wg.Wait()
		wg.Add(1)
		go whatAmI(1)
		wg.Wait()
		wg.Add(1)
		whatAmI("hey")
		wg.Wait()
	}

	recoverTest()

	{
		pos, neg := adder(), adder()
		for i := 0; i < 10; i++ {
			fmt.Println(
				pos(i),
				neg(-2*i),
			)
		}
	}

}

func adder() func(int) int {
	sum := 0
	return func(x int) int {
		sum += x
		return sum
	}
}

func recoverTest() {
	defer logPanic()
	panic("this is a panic test")
}

func logPanic() {
	if r := recover(); r != nil {
		trace := make([]byte, 65536)
		count := runtime.Stack(trace, false)
		// Adapted: the frames of this package (function, file:line),
		// without addresses, argument words and the caller's frames.
		fmt.Printf("panic: %s\nStack of this package:\n%s", r, ownFrames(string(trace[:count])))
	}
}

// ownFrames keeps the frames of runtime.Stack's output whose function is
// in this package: "function\n\tfile:line", the file's base name only.
func ownFrames(stack string) string {
	var b strings.Builder
	lines := strings.Split(stack, "\n")
	for i := 0; i+1 < len(lines); i++ {
		fn := lines[i]
		if !strings.HasPrefix(fn, "github.com/goload/goload/tests/peers/cases/pkujhd/base.") {
			continue
		}
		if j := strings.LastIndex(fn, "("); j > 0 {
			fn = fn[:j]
		}
		file := strings.TrimSpace(lines[i+1])
		if j := strings.Index(file, " +0x"); j > 0 {
			file = file[:j]
		}
		fmt.Fprintf(&b, "%s\n\t%s\n", fn, filepath.Base(file))
	}
	return b.String()
}
