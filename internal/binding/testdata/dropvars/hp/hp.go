// Package hp's init sets Table. TestDropVarsRefused builds its host from
// another version of this file (../hpoverlay/hp.go, through -overlay) whose
// init leaves Table alone, so the host's linker drops Table: a load that
// needs it cannot reproduce what this init would have set, and must fail.
package hp

var Table []int

var Other = 1

func init() {
	Table = make([]int, 4)
	for i := range Table {
		Table[i] = i * i
	}
	Other++
}

func Get(i int) int { return Table[i] }

func Ping() int { return Other }
