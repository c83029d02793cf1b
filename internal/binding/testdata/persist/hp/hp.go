// Package hp is a host package whose variables the hosts' linker drops
// (../hostnone and ../host call only Version): a map the loaded code
// fills and a func value it sets, which must outlive the module that set
// them, as in a normal build (one copy per process).
package hp

var (
	table map[string]string
	hook  func() string
)

// Version is all the hosts call: not inlined, so that the host contains
// the package (a host that lacks it loads it whole, one copy per module).
//
//go:noinline
func Version() string { return "hp v1" }

func Set(k, v string) {
	if table == nil {
		table = map[string]string{}
	}
	table[k] = v
}

func Get(k string) string {
	v, ok := table[k]
	if !ok {
		return "<none>"
	}
	return v
}

func SetHook(f func() string) { hook = f }

func CallHook() string {
	if hook == nil {
		return "<no hook>"
	}
	return hook()
}
