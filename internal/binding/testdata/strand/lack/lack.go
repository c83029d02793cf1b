// Package lack has only a type and its methods: a host that puts a *T
// in an interface and never calls them has its descriptor and method
// table but none of its code (the host "lacks" the package), so a module
// that needs it loads it and fills the host's dropped entries itself.
package lack

type T struct{ N int }

func (t *T) Double() int { return 2 * t.N }

func (t *T) Half() int { return t.N / 2 }
