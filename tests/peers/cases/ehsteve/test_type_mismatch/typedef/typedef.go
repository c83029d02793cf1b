package typedef

type Thing struct {
	A int32
	B int32
	C [1]uint64
}
