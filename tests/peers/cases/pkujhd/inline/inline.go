package inline

func throw() {
	panic("panic call function")
}

func inline() {
	throw()
}

// Main is the example's main, exported (adapted).
func Main() {
	inline()
}
