#include "textflag.h"

// func getg() uintptr: g from thread-local storage, as the runtime's
// get_tls does; assembled with -shared it is an R_TLS_IE access.
TEXT ·getg(SB),NOSPLIT,$0-8
	MOVQ TLS, AX
	MOVQ 0(AX)(TLS*1), AX
	MOVQ AX, ret+0(FP)
	RET
