// Package block's C function waits until released: while a goroutine is
// inside it (its Go frames call the module's C code), Close is refused.
// Its C constructor runs at the load, its destructor at the Close.
package block

/*
#include <stdatomic.h>
#include <unistd.h>
static atomic_int released, entered;
static void wait_released(void) {
	atomic_store(&entered, 1);
	while (!atomic_load(&released))
		usleep(1000);
}
static int has_entered(void) { return atomic_load(&entered); }
static void release(void) { atomic_store(&released, 1); }
__attribute__((constructor)) static void hello(void) { write(1, "block: constructor\n", 19); }
__attribute__((destructor)) static void bye(void) { write(1, "block: destructor\n", 18); }
*/
import "C"

func Block()        { C.wait_released() }
func Entered() bool { return C.has_entered() != 0 }
func Release()      { C.release() }
