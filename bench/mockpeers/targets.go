package main

// The mocked functions: each with a stack check and a body long enough
// for every tool's jump.

//go:noinline
func t0(x int) int {
	if x > 1000 {
		return x*1 + sink(x)
	}
	return x + 1
}

//go:noinline
func t1(x int) int {
	if x > 1001 {
		return x*2 + sink(x)
	}
	return x + 2
}

//go:noinline
func t2(x int) int {
	if x > 1002 {
		return x*3 + sink(x)
	}
	return x + 3
}

//go:noinline
func t3(x int) int {
	if x > 1003 {
		return x*4 + sink(x)
	}
	return x + 4
}

//go:noinline
func t4(x int) int {
	if x > 1004 {
		return x*5 + sink(x)
	}
	return x + 5
}

//go:noinline
func t5(x int) int {
	if x > 1005 {
		return x*6 + sink(x)
	}
	return x + 6
}

//go:noinline
func t6(x int) int {
	if x > 1006 {
		return x*7 + sink(x)
	}
	return x + 7
}

//go:noinline
func t7(x int) int {
	if x > 1007 {
		return x*8 + sink(x)
	}
	return x + 8
}

//go:noinline
func t8(x int) int {
	if x > 1008 {
		return x*9 + sink(x)
	}
	return x + 9
}

//go:noinline
func t9(x int) int {
	if x > 1009 {
		return x*10 + sink(x)
	}
	return x + 10
}

//go:noinline
func t10(x int) int {
	if x > 1010 {
		return x*11 + sink(x)
	}
	return x + 11
}

//go:noinline
func t11(x int) int {
	if x > 1011 {
		return x*12 + sink(x)
	}
	return x + 12
}

//go:noinline
func t12(x int) int {
	if x > 1012 {
		return x*13 + sink(x)
	}
	return x + 13
}

//go:noinline
func t13(x int) int {
	if x > 1013 {
		return x*14 + sink(x)
	}
	return x + 14
}

//go:noinline
func t14(x int) int {
	if x > 1014 {
		return x*15 + sink(x)
	}
	return x + 15
}

//go:noinline
func t15(x int) int {
	if x > 1015 {
		return x*16 + sink(x)
	}
	return x + 16
}

//go:noinline
func t16(x int) int {
	if x > 1016 {
		return x*17 + sink(x)
	}
	return x + 17
}

//go:noinline
func t17(x int) int {
	if x > 1017 {
		return x*18 + sink(x)
	}
	return x + 18
}

//go:noinline
func t18(x int) int {
	if x > 1018 {
		return x*19 + sink(x)
	}
	return x + 19
}

//go:noinline
func t19(x int) int {
	if x > 1019 {
		return x*20 + sink(x)
	}
	return x + 20
}

//go:noinline
func t20(x int) int {
	if x > 1020 {
		return x*21 + sink(x)
	}
	return x + 21
}

//go:noinline
func t21(x int) int {
	if x > 1021 {
		return x*22 + sink(x)
	}
	return x + 22
}

//go:noinline
func t22(x int) int {
	if x > 1022 {
		return x*23 + sink(x)
	}
	return x + 23
}

//go:noinline
func t23(x int) int {
	if x > 1023 {
		return x*24 + sink(x)
	}
	return x + 24
}

//go:noinline
func t24(x int) int {
	if x > 1024 {
		return x*25 + sink(x)
	}
	return x + 25
}

//go:noinline
func t25(x int) int {
	if x > 1025 {
		return x*26 + sink(x)
	}
	return x + 26
}

//go:noinline
func t26(x int) int {
	if x > 1026 {
		return x*27 + sink(x)
	}
	return x + 27
}

//go:noinline
func t27(x int) int {
	if x > 1027 {
		return x*28 + sink(x)
	}
	return x + 28
}

//go:noinline
func t28(x int) int {
	if x > 1028 {
		return x*29 + sink(x)
	}
	return x + 29
}

//go:noinline
func t29(x int) int {
	if x > 1029 {
		return x*30 + sink(x)
	}
	return x + 30
}

//go:noinline
func t30(x int) int {
	if x > 1030 {
		return x*31 + sink(x)
	}
	return x + 31
}

//go:noinline
func t31(x int) int {
	if x > 1031 {
		return x*32 + sink(x)
	}
	return x + 32
}

//go:noinline
func t32(x int) int {
	if x > 1032 {
		return x*33 + sink(x)
	}
	return x + 33
}

//go:noinline
func t33(x int) int {
	if x > 1033 {
		return x*34 + sink(x)
	}
	return x + 34
}

//go:noinline
func t34(x int) int {
	if x > 1034 {
		return x*35 + sink(x)
	}
	return x + 35
}

//go:noinline
func t35(x int) int {
	if x > 1035 {
		return x*36 + sink(x)
	}
	return x + 36
}

//go:noinline
func t36(x int) int {
	if x > 1036 {
		return x*37 + sink(x)
	}
	return x + 37
}

//go:noinline
func t37(x int) int {
	if x > 1037 {
		return x*38 + sink(x)
	}
	return x + 38
}

//go:noinline
func t38(x int) int {
	if x > 1038 {
		return x*39 + sink(x)
	}
	return x + 39
}

//go:noinline
func t39(x int) int {
	if x > 1039 {
		return x*40 + sink(x)
	}
	return x + 40
}

//go:noinline
func t40(x int) int {
	if x > 1040 {
		return x*41 + sink(x)
	}
	return x + 41
}

func targets() []func(int) int {
	return []func(int) int{t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11, t12, t13, t14, t15, t16, t17, t18, t19, t20, t21, t22, t23, t24, t25, t26, t27, t28, t29, t30, t31, t32, t33, t34, t35, t36, t37, t38, t39, t40}
}
