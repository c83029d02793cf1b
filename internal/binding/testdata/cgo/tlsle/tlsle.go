// Package tlsle's C thread-local variable uses the local-exec model: a
// loaded module cannot have room in the static TLS block, so it is refused.
package tlsle

/*
__thread int levar __attribute__((tls_model("local-exec")));
int get_levar(void) { return ++levar; }
*/
import "C"

func Report() string { return string(rune('0'+int(C.get_levar()))) + "\n" }
