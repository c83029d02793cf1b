#include "textflag.h"

// func AddAsm(a, b int64) int64
TEXT ·AddAsm(SB), NOSPLIT, $0-24
	MOVQ a+0(FP), AX
	ADDQ b+8(FP), AX
	MOVQ AX, ret+16(FP)
	RET
