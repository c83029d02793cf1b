package drive

// The tests of eh-steve/goloader's jit/jit_test.go (Apache-2.0, see
// ../NOTICE), their assertions kept: what they compared with a typed
// constant is printed here and compared with the native twin; what is
// about loading (unload, reload, type identity) is checked directly.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	_ "net/http/pprof" // TestPprofIssue75 serves /debug/pprof from http.DefaultServeMux

	"github.com/goload/goload/tests/peers/cases/ehsteve/common"
	"github.com/goload/goload/tests/peers/cases/ehsteve/test_issue55/p"
	"github.com/goload/goload/tests/peers/cases/ehsteve/test_type_mismatch/typedef"
)

const eh = "github.com/goload/goload/tests/peers/cases/ehsteve/"

func init() {
	register(&Case{Name: "eh_simple_func", Origin: "TestJitSimpleFunctions, TestHeapStrings", Run: simpleFunc,
		Syms: map[string][]string{eh + "test_simple_func": {"Add", "HandleBytes", "TestHeapStrings"}}})
	register(&Case{Name: "eh_json_unmarshal", Origin: "TestJitJsonUnmarshal", Run: jsonUnmarshal,
		Syms: map[string][]string{eh + "test_json_unmarshal": {"MyFunc"}}})
	register(&Case{Name: "eh_complex_func", Origin: "TestJitComplexFunctions", Run: complexFunc,
		Syms: map[string][]string{eh + "test_complex_func": {"ComplexFunc", "NewThing"}}})
	register(&Case{Name: "eh_embedded", Origin: "TestJitEmbeddedStruct", Run: embedded,
		Syms: map[string][]string{eh + "test_embedded": {"MakeIt"}}})
	register(&Case{Name: "eh_cgo", Origin: "TestJitCGoCall", Run: cgoCall,
		Syms: map[string][]string{eh + "test_cgo": {"CGoCall"}}})
	register(&Case{Name: "eh_cgo_package", Origin: "TestJitCGoPackage", Run: cgoPackage,
		Syms: map[string][]string{eh + "test_cgo_package": {"CGoCall"}}})
	register(&Case{Name: "eh_http_get", Origin: "TestJitHttpGet", Run: httpGet,
		Syms: map[string][]string{eh + "test_http_get": {"MakeHTTPRequestWithDNS"}}})
	register(&Case{Name: "eh_http_get_two_modules", Origin: "TestPatchMultipleModuleItabs", Run: httpGetTwoModules,
		Syms: map[string][]string{eh + "test_http_get": {"MakeHTTPRequestWithDNS"}}})
	register(&Case{Name: "eh_issue55", Origin: "TestIssue55", Run: issue55,
		Syms: map[string][]string{eh + "test_issue55/t": {"Test"}}})
	register(&Case{Name: "eh_issue55_two_modules", Origin: "TestPatchMultipleModuleItabsIssue55", Run: issue55TwoModules,
		Syms: map[string][]string{eh + "test_issue55/t": {"Test"}}})
	register(&Case{Name: "eh_stack_trace", Origin: "TestJitPanicRecoveryStackTrace", Run: stackTrace,
		Syms: map[string][]string{eh + "test_stack_trace": {"NewThing"}}})
	register(&Case{Name: "eh_goroutines", Origin: "TestJitGoroutines", Run: goroutines,
		Syms: map[string][]string{eh + "test_goroutines": {"NewThing"}}})
	register(&Case{Name: "eh_two_modules", Origin: "TestLoadUnloadMultipleModules", Run: twoModules,
		Syms: map[string][]string{eh + "test_simple_func": {"Add", "HandleBytes"}, eh + "test_goroutines": {"NewThing"}}})
	register(&Case{Name: "eh_stack_move", Origin: "TestStackMove", Run: stackMove,
		Syms: map[string][]string{eh + "test_stack_move": {"RecurseUntilMaxDepth"}}})
	register(&Case{Name: "eh_simple_asm", Origin: "TestSimpleAsmFuncs", Run: simpleAsm,
		Syms: map[string][]string{eh + "test_simple_asm_func": {"MyMax", "AllTheMaxes"}}})
	register(&Case{Name: "eh_complex_asm", Origin: "TestComplexAsmFuncs", Run: complexAsm,
		Syms: map[string][]string{eh + "test_complex_asm_func": {"MatPow"}}})
	register(&Case{Name: "eh_issue78", Origin: "TestIssue78", Run: issue78,
		Syms: map[string][]string{eh + "test_issue78": {"Test", "Test2", "Test3"}}})
	register(&Case{Name: "eh_package_path", Origin: "TestPackageNameNotEqualToImportPath", Run: packagePath,
		Syms: map[string][]string{eh + "test_package_path_not_import_path": {"Whatever"}}})
	register(&Case{Name: "eh_conversion", Origin: "TestConvertOldAndNewTypes", Run: conversion,
		Syms: map[string][]string{eh + "test_conversion": {"NewThingOriginal", "NewThingWithInterface"}}})
	register(&Case{Name: "eh_clone_connection", Origin: "TestCloneConnection", Run: cloneConnection,
		Syms: map[string][]string{eh + "test_clone_connection": {"NewConnDialer"}}})
	register(&Case{Name: "eh_sbss_map", Origin: "TestJitSBSSMap", Run: sbssMap,
		Syms: map[string][]string{eh + "test_init": {"PrintMap"}}})
	register(&Case{Name: "eh_defer", Origin: "TestJitDefer", Run: deferFuncs,
		Syms: map[string][]string{eh + "test_defer_funcs": {"TestOpenDefer"}}})
	register(&Case{Name: "eh_anonymous_struct", Origin: "TestAnonymousStructType", Run: anonymousStruct,
		Syms: map[string][]string{eh + "test_anonymous_struct_type": {"Test"}}})
	register(&Case{Name: "eh_protobuf", Origin: "TestProtobuf", Run: protobuf,
		Syms: map[string][]string{eh + "test_protobuf": {"TestProto"}}})
	register(&Case{Name: "eh_k8s", Origin: "TestK8s", Run: k8s,
		Syms: map[string][]string{eh + "test_k8s": {"TryK8s"}}})
	register(&Case{Name: "eh_gc_globals", Origin: "TestGCGlobals", Run: gcGlobals,
		Syms: map[string][]string{eh + "test_gc_globals": {"Find"}}})
	register(&Case{Name: "eh_pprof", Origin: "TestPprofIssue75", Run: pprofIssue75,
		Syms: map[string][]string{eh + "test_pprof": {"TestPprofIssue75"}}})
	register(&Case{Name: "eh_json_marshal", Origin: "TestJson", Run: jsonMarshal,
		Syms: map[string][]string{eh + "test_json_marshal": {"TestJSONMarshal"}}})
	register(&Case{Name: "eh_type_mismatch", Origin: "TestTypeMismatch", Run: typeMismatch,
		Syms: map[string][]string{eh + "test_type_mismatch": {"New", "NewAny"}}})
	register(&Case{Name: "eh_stateful_server", Origin: "TestStatefulHttpServer (commented out upstream)", Run: statefulServer,
		Syms: map[string][]string{eh + "test_stateful_server": {"MakeServer"}}})
}

// keep holds a value of the module across a Close (a host global, which
// the refusal must name).
var keep any

func simpleFunc() {
	m := Open(eh + "test_simple_func")
	add := Get[func(a, b int) int](m, "Add")
	P("Add(5, 6) = %d", add(5, 6))
	handleBytes := Get[func(input interface{}) ([]byte, error)](m, "HandleBytes")
	out, err := handleBytes([]byte{1, 2, 3})
	P("HandleBytes([]byte{1,2,3}) = %v, %v (equal: %v)", out, err, bytes.Equal(out, []byte{1, 2, 3}))
	out, err = handleBytes("not bytes") // the deferred recover turns the failed assertion into err
	P("HandleBytes(string) = %v, %v", out, err)

	// TestHeapStrings: the peer unloads while the host holds a string of
	// the module's read-only data, then prints it. goload refuses that
	// Close, naming the holder; the string stays valid; once dropped, the
	// module closes.
	heapStrings := Get[func() string](m, "TestHeapStrings")
	keep = heapStrings()
	if Loaded {
		err := m.CloseErr()
		Check(err != nil && strings.Contains(err.Error(), "drive.keep"),
			"Close refused while host global drive.keep holds a string of the module: %v", firstLine(fmt.Sprint(err)))
	}
	runtime.GC()
	runtime.GC()
	P("%s", keep)
	keep = nil
	m.Close()
}

func jsonUnmarshal() {
	m := Open(eh + "test_json_unmarshal")
	myFunc := Get[func([]byte) (interface{}, error)](m, "MyFunc")
	result, err := myFunc([]byte(`{"key": "value"}`))
	Must(err, "MyFunc")
	P("MyFunc: %v, key = %v", result, result.(map[string]interface{})["key"])
	result = nil
	m.Close()
}

func complexFunc() {
	m := Open(eh + "test_complex_func")
	complexFn := Get[func(input common.SomeStruct) (common.SomeStruct, error)](m, "ComplexFunc")
	result, err := complexFn(common.SomeStruct{Val1: []byte{1, 2, 3}, Mutex: &sync.Mutex{}})
	Must(err, "ComplexFunc")
	P("ComplexFunc: %v", result.Val1)
	_, err = complexFn(common.SomeStruct{Val1: 7})
	P("ComplexFunc(7): %v", err)

	newThing := Get[func() common.SomeInterface](m, "NewThing")
	thing := newThing()
	Must(thing.Method2(map[string]interface{}{"item1": 5, "item2": 6}), "Method2")
	result, err = thing.Method1(common.SomeStruct{Val1: []byte{1, 2, 3}, Mutex: &sync.Mutex{}})
	Must(err, "Method1")
	P("Method1: %v item1=%v item2=%v", result.Val1, result.Val2["item1"], result.Val2["item2"])
	thing, result = nil, common.SomeStruct{}
	runtime.GC()
	runtime.GC()
	m.Close()
}

func embedded() {
	m := Open(eh + "test_embedded")
	P("MakeIt() = %d", Get[func() int](m, "MakeIt")())
	m.Close()
}

func cgoCall() {
	m := Open(eh + "test_cgo")
	mul, add, constant := Get[func(a, b int32) (int32, int32, int32)](m, "CGoCall")(2, 3)
	P("CGoCall(2, 3) = %d %d %d", mul, add, constant)
	m.Close()
}

func cgoPackage() {
	m := Open(eh + "test_cgo_package")
	mul, add, constant, blah, cCallsGo := Get[func(a, b int32) (int32, int32, int32, int32, int32)](m, "CGoCall")(2, 3)
	P("CGoCall(2, 3) = %d %d %d %d %d", mul, add, constant, blah, cCallsGo)
	m.Close()
}

// ipServer is the adaptation of https://ipinfo.io/ip: a loopback server
// answering an address.
func ipServer() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "192.0.2.17")
	}))
}

func httpGet() {
	srv := ipServer()
	defer srv.Close()
	start := runtime.NumGoroutine()
	m := Open(eh + "test_http_get")
	get := Get[func(string) (string, error)](m, "MakeHTTPRequestWithDNS")
	result, err := get(srv.URL)
	Must(err, "MakeHTTPRequestWithDNS")
	P("result: %q (%d bytes)", result, len(result))
	srv.CloseClientConnections()
	P("goroutines back to start: %v", WaitGoroutines(start))
	m.Close()
}

func httpGetTwoModules() {
	srv := ipServer()
	defer srv.Close()
	start := runtime.NumGoroutine()
	m1 := Open(eh + "test_http_get")
	m2 := Open(eh + "test_http_get")
	get1 := Get[func(string) (string, error)](m1, "MakeHTTPRequestWithDNS")
	get2 := Get[func(string) (string, error)](m2, "MakeHTTPRequestWithDNS")
	r1, err := get1(srv.URL)
	Must(err, "module 1")
	runtime.GC()
	runtime.GC()
	r2, err := get2(srv.URL)
	Must(err, "module 2")
	P("module 2: %d bytes", len(r2))
	srv.CloseClientConnections()
	P("goroutines back to start: %v", WaitGoroutines(start))
	P("module 1: %d bytes", len(r1))
	get1 = nil
	m1.CloseBefore(m2)
	r2, err = get2(srv.URL)
	P("module 2 after module 1's close: %d bytes, %v", len(r2), err)
	srv.CloseClientConnections()
	WaitGoroutines(start)
	get2 = nil
	m2.Close()
	m1.Close()
}

func issue55() {
	m := Open(eh + "test_issue55/t")
	test := Get[func(intf p.Intf) p.Intf](m, "Test")
	r := test(&p.Stru{})
	P("returned %T", r)
	r, test = nil, nil
	m.Close()
}

func issue55TwoModules() {
	m1 := Open(eh + "test_issue55/t")
	m2 := Open(eh + "test_issue55/t")
	test1 := Get[func(intf p.Intf) p.Intf](m1, "Test")
	test2 := Get[func(intf p.Intf) p.Intf](m2, "Test")
	test1(&p.Stru{})
	test2(&p.Stru{})
	test1 = nil
	m1.CloseBefore(m2)
	test2(&p.Stru{})
	test2 = nil
	m2.Close()
	m1.Close()
}

func stackTrace() {
	m := Open(eh + "test_stack_trace")
	thing := Get[func() common.SomeInterface](m, "NewThing")()
	P("stack trace check: %v", checkStackTrace(thing))
	thing = nil
	m.Close()
}

// checkStackTrace is the peer's: the panic's stack must hold these
// file:line and function markers, innermost first.
func checkStackTrace(thing common.SomeInterface) (err error) {
	defer func() {
		if v := recover(); v != nil {
			stack := debug.Stack()
			indices := make([]int, 9)
			orderedBytes := [][]byte{
				[]byte("/test.go:15"),
				[]byte("/file1.go:7"),
				[]byte(".(*SomeType).callSite1("),
				[]byte("/file2.go:11"),
				[]byte(".(*SomeType).callSite2("),
				[]byte("/file3.go:13"),
				[]byte(".(*SomeType).callSite3("),
				[]byte("/file4.go:16"),
				[]byte(".(*SomeType).callSite4("),
			}
			for i := range indices {
				indices[i] = bytes.LastIndex(stack, orderedBytes[8-i])
			}
			for i, index := range indices {
				if index == -1 {
					err = fmt.Errorf("expected stack trace to contain %s, but wasn't found", orderedBytes[8-i])
					return
				}
			}
			if !sort.IsSorted(sort.IntSlice(indices)) {
				err = fmt.Errorf("expected stack trace to be ordered like %s", orderedBytes)
			}
		}
	}()
	_, err = thing.Method1(common.SomeStruct{Val1: "FECK"})
	return fmt.Errorf("Method1 did not panic: %v", err)
}

func runGoroutines(m *Mod) {
	thing := Get[func() common.StartStoppable](m, "NewThing")()
	before := runtime.NumGoroutine()
	Must(thing.Start(), "Start")
	afterStart := runtime.NumGoroutine()
	thing.InChan() <- common.SomeStruct{Val1: "not working"}
	output := <-thing.OutChan()
	P("output: %v", output.Val1)
	P("Stop: %v", thing.Stop())
	P("goroutines back to before: %v", WaitGoroutines(before))
	P("afterStart - before = %d", afterStart-before)
}

func goroutines() {
	m := Open(eh + "test_goroutines")
	runGoroutines(m)
	m.Close()
}

func twoModules() {
	m1 := Open(eh + "test_simple_func")
	m2 := Open(eh + "test_goroutines")
	P("Add(5, 6) = %d", Get[func(a, b int) int](m1, "Add")(5, 6))
	out, err := Get[func(input interface{}) ([]byte, error)](m1, "HandleBytes")([]byte{1, 2, 3})
	P("HandleBytes = %v, %v", out, err)
	runGoroutines(m2)
	// Not in reverse order (refused while m2 reuses m1's packages, naming
	// m2: then m2 first).
	m1.CloseBefore(m2)
	m2.Close()
	m1.Close()
}

func stackMove() {
	m := Open(eh + "test_stack_move")
	recurse := Get[func(depth int, oldAddr, prevDiff uintptr, splitCount int) int](m, "RecurseUntilMaxDepth")
	// Adapted: on a fresh goroutine (its stack starts small, so the
	// number of moves does not depend on what ran before).
	done := make(chan int)
	go func() {
		var someVarOnStack int
		addr := uintptr(unsafe.Pointer(&someVarOnStack))
		done <- recurse(0, addr, 144, 0)
	}()
	n := <-done
	P("at least 8 stack moves: %v", n >= 8)
	recurse = nil
	m.Close()
}

func simpleAsm() {
	m := Open(eh + "test_simple_asm_func")
	P("MyMax(5, 999) = %v", Get[func(a, b float64) float64](m, "MyMax")(5, 999))
	a, b, c, d := Get[func(a, b float64) (float64, float64, float64, float64)](m, "AllTheMaxes")(5, 999)
	P("AllTheMaxes(5, 999) = %v %v %v %v", a, b, c, d)
	m.Close()
}

func complexAsm() {
	m := Open(eh + "test_complex_asm_func")
	matPow := Get[func()](m, "MatPow")
	matPow()
	matPow()
	P("MatPow twice: ok")
	matPow = nil
	m.Close()
}

type eface struct {
	typ  uintptr
	data uintptr
}

func issue78() {
	m := Open(eh + "test_issue78")
	test := Get[func() (int, int)](m, "Test")
	v1, v2 := test()
	P("Test() = %d, %d", v1, v2)
	v1, v2 = test()
	P("Test() = %d, %d", v1, v2)
	// Test2 returns the data word of context.Background() boxed in an
	// interface: the same word the host's own boxing gives (the peer
	// printed it in hex).
	var ctx interface{} = context.Background()
	P("Test2() is the host's Background data word: %v", uintptr(Get[func() int](m, "Test2")()) == (*eface)(unsafe.Pointer(&ctx)).data)
	val := Get[func() int](m, "Test3")()
	P("Test3() = %d, common.Val = %d", val, common.Val)
	test = nil
	m.Close()
}

func packagePath() {
	m := Open(eh + "test_package_path_not_import_path")
	Get[func()](m, "Whatever")()
	m.Close()
}

func conversion() {
	// The peer loads the package twice and moves live values of the
	// first module into the second's types (ConvertTypesAcrossModules):
	// not claimed by goload. What runs here is everything else: both
	// modules, their methods before and after the first one's Close.
	m1 := Open(eh + "test_conversion")
	m2 := Open(eh + "test_conversion")
	thing1 := Get[func() common.SomeInterface](m1, "NewThingOriginal")()
	thing2 := Get[func() common.SomeInterface](m2, "NewThingOriginal")()
	thingIface1 := Get[func() common.SomeInterface](m1, "NewThingWithInterface")()
	thingIface2 := Get[func() common.SomeInterface](m2, "NewThingWithInterface")()

	input := int64(123)
	out1, _ := thing1.Method1(common.SomeStruct{Val1: input, Val2: map[string]interface{}{}})
	P("current == input: %v", out1.Val2["current"].(int64) == input)

	ifaceOut1, _ := thingIface1.Method1(common.SomeStruct{Val1: input, Val2: map[string]interface{}{}})
	ifaceOut12, _ := thingIface1.Method1(common.SomeStruct{Val1: []byte{4, 5, 6}, Val2: map[string]interface{}{}})
	_ = thingIface1.Method2(nil)
	P("ifaceCounter1 = %v", ifaceOut1.Val2["exclusive_interface_counter"])
	P("ifaceCounter12 = %v", ifaceOut12.Val2["exclusive_interface_counter"])
	P("byteReader1 = %v", ifaceOut1.Val2["bytes_reader_output"])
	P("byteReader12 = %v", ifaceOut12.Val2["bytes_reader_output"])
	P("complex equal: %v", reflect.DeepEqual(ifaceOut1.Val2["complex"], ifaceOut12.Val2["complex"]))
	P("current1 = %v, current12 = %v", ifaceOut1.Val2["current"], ifaceOut12.Val2["current"])
	P("not claimed: ConvertTypesAcrossModules (moving live values into a newer module's types)")
	thing1, thingIface1, out1, ifaceOut1, ifaceOut12 = nil, nil, common.SomeStruct{}, common.SomeStruct{}, common.SomeStruct{}
	m1.CloseBefore(m2)

	// The second module's own values, after the first is gone.
	ifaceOut2, _ := thingIface2.Method1(common.SomeStruct{Val1: int64(789), Val2: map[string]interface{}{}})
	P("ifaceCounter2 = %v", ifaceOut2.Val2["exclusive_interface_counter"])
	out2, _ := thing2.Method1(common.SomeStruct{Val1: input, Val2: map[string]interface{}{}})
	P("module 2 current == input: %v", out2.Val2["current"].(int64) == input)
	_ = thingIface2.Method2(nil)
	thing2, thingIface2, ifaceOut2, out2 = nil, nil, common.SomeStruct{}, common.SomeStruct{}
	m2.Close()
	m1.Close()
}

func cloneConnection() {
	// The peer's listener was ":9091"; here loopback, port 0.
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	Must(err, "listen")
	var mu sync.Mutex
	var results [][]string
	var wg sync.WaitGroup
	go func() {
		for {
			conn, err := listener.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			results = append(results, nil)
			index := len(results) - 1
			mu.Unlock()
			wg.Add(1)
			go func(c net.Conn) {
				defer wg.Done()
				buf := make([]byte, 8)
				for {
					n, err := c.Read(buf)
					if err != nil {
						return
					}
					mu.Lock()
					results[index] = append(results[index], string(buf[:n]))
					mu.Unlock()
				}
			}(conn)
		}
	}()
	// received waits until connection i has received msg: the server's
	// goroutines race with the client's Close and listener.Close, and the
	// printed result must not depend on who wins (the twin, built
	// natively, once printed one connection where goload's host had two).
	received := func(i int, msg string) {
		for t0 := time.Now(); time.Since(t0) < 10*time.Second; time.Sleep(time.Millisecond) {
			mu.Lock()
			ok := len(results) > i && strings.Join(results[i], "") == msg
			mu.Unlock()
			if ok {
				return
			}
		}
		P("connection %d never received %q", i, msg)
	}
	m1 := Open(eh + "test_clone_connection")
	m2 := Open(eh + "test_clone_connection")
	dialer1 := Get[func() common.MessageWriter](m1, "NewConnDialer")()
	dialer2 := Get[func() common.MessageWriter](m2, "NewConnDialer")()
	Must(dialer1.Dial(listener.Addr().String()), "Dial")
	_, err = dialer1.WriteMessage("test1234")
	Must(err, "WriteMessage")
	received(0, "test1234")
	// The peer moves dialer1 (and its open connection) into module 2's
	// type: not claimed. Module 2 dials its own connection instead.
	P("not claimed: ConvertTypesAcrossModules of a live connection")
	Must(dialer1.Close(), "Close 1")
	dialer1 = nil
	m1.CloseBefore(m2)
	Must(dialer2.Dial(listener.Addr().String()), "Dial 2")
	_, err = dialer2.WriteMessage("test5678")
	Must(err, "WriteMessage 2")
	received(1, "test5678")
	Must(dialer2.Close(), "Close 2")
	dialer2 = nil
	m2.Close()
	m1.Close()
	listener.Close()
	wg.Wait()
	mu.Lock()
	P("connections: %d, writes: %q", len(results), results)
	mu.Unlock()
}

func sbssMap() {
	m := Open(eh + "test_init")
	P("PrintMap() = %s", Get[func() string](m, "PrintMap")())
	m.Close()
}

func deferFuncs() {
	for i := 0; i < 10; i++ {
		m := Open(eh + "test_defer_funcs")
		Get[func()](m, "TestOpenDefer")()
		runtime.GC()
		m.Close()
	}
}

func anonymousStruct() {
	m := Open(eh + "test_anonymous_struct_type")
	P("Test() = %v", Get[func() bool](m, "Test")())
	m.Close()
}

func protobuf() {
	m := Open(eh + "test_protobuf")
	Get[func()](m, "TestProto")()
	runtime.GC()
	runtime.GC()
	m.Close()
}

func k8s() {
	srv, served := fakeAPIServer()
	defer srv.Close()
	m := Open(eh + "test_k8s")
	Get[func(string)](m, "TryK8s")(srv.URL)
	srv.CloseClientConnections()
	P("served: %s", strings.Join(served(), ", "))
	runtime.GC()
	m.Close()
}

func gcGlobals() {
	m := Open(eh + "test_gc_globals")
	find := Get[func(lat, lon float64) string](m, "Find")
	var name string
	for i := 0; i < 100; i++ {
		name = find(55, 55)
		runtime.GC()
		runtime.GC()
	}
	P("Find(55, 55) = %s", name)
	P("Find(48.85, 2.35) = %s", find(48.85, 2.35))
	find = nil
	m.Close()
}

func pprofIssue75() {
	m := Open(eh + "test_pprof")
	// The peer serves /debug/pprof/heap from http.DefaultServeMux (the
	// host imports net/http/pprof) through a recorder while the loaded
	// code runs; here the same, with a bounded request loop.
	var stop atomic.Bool
	var bad atomic.Int32
	done, first := make(chan int), make(chan bool)
	go func() {
		r := httptest.NewRequest("GET", "/debug/pprof/heap?debug=1", nil)
		n := 0
		for n == 0 || (!stop.Load() && n < 100000) {
			rec := httptest.NewRecorder()
			http.DefaultServeMux.ServeHTTP(rec, r)
			if rec.Code != 200 {
				bad.Add(1)
			}
			if n++; n == 1 {
				close(first)
			}
		}
		done <- n
	}()
	<-first // the calls below run while the profile is being served
	f := Get[func() int](m, "TestPprofIssue75")
	var v int
	for i := 0; i < 1000; i++ {
		v = f()
	}
	stop.Store(true)
	n := <-done
	P("TestPprofIssue75() = %d; requests made: %v; non-200: %d", v, n > 0, bad.Load())
	f = nil
	m.Close()
}

func jsonMarshal() {
	m := Open(eh + "test_json_marshal")
	P("TestJSONMarshal() = %s", Get[func() string](m, "TestJSONMarshal")())
	m.Close()
}

func typeMismatch() {
	m := Open(eh + "test_type_mismatch")
	bakedIn := &typedef.Thing{}
	dynamic := Get[func() *typedef.Thing](m, "New")()
	P("C[last] = %d", dynamic.C[len(dynamic.C)-1])
	// The peer compares reflect.TypeOf of both: the type the loaded code
	// boxes must be the host's (type identity is pointer identity).
	boxed := Get[func() interface{}](m, "NewAny")()
	_, ok := boxed.(*typedef.Thing)
	P("same type: %v, assertion to the host's *typedef.Thing: %v", reflect.TypeOf(bakedIn) == reflect.TypeOf(boxed), ok)
	dynamic, boxed = nil, nil
	m.Close()
	if !Loaded {
		return
	}
	// The peer rewrites typedef.go with a different Thing and reloads:
	// goload must refuse the package compiled against it (the host has
	// typedef with the old layout). An -overlay replaces the file for
	// the build OpenPackage runs, leaving the tree alone.
	dir, err := os.Getwd()
	Must(err, "getwd")
	td := filepath.Join(dir, "cases/ehsteve/test_type_mismatch/typedef")
	tmp, err := os.MkdirTemp("", "peers-overlay-")
	Must(err, "tempdir")
	defer os.RemoveAll(tmp)
	ov := filepath.Join(tmp, "overlay.json")
	Must(os.WriteFile(ov, []byte(fmt.Sprintf(`{"Replace":{%q:%q}}`, filepath.Join(td, "typedef.go"), filepath.Join(td, "different_type.txt"))), 0o644), "overlay")
	old := os.Getenv("GOFLAGS")
	os.Setenv("GOFLAGS", strings.TrimSpace(old+" -overlay="+ov))
	m2, err := OpenErr(eh + "test_type_mismatch")
	os.Setenv("GOFLAGS", old)
	Check(err != nil && strings.Contains(err.Error(), "typedef.Thing"),
		"a package compiled against another layout of typedef.Thing is refused: %v", firstLine(fmt.Sprint(err)))
	if m2 != nil {
		Note("close of the module that should have been refused: %v", m2.CloseErr())
	}
}

func statefulServer() {
	m := Open(eh + "test_stateful_server")
	h := Get[func() http.Handler](m, "MakeServer")()
	for _, body := range []string{"test1", "test2"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("POST", "/", strings.NewReader(body)))
		P("%d %s", rec.Code, rec.Body.String())
	}
	P("not claimed: ConvertTypesAcrossModules of the handler's state")
	h = nil
	m.Close()
}
