// The host's version of ../hp/hp.go (TestDropVarsRefused): its init does
// not set Table.
package hp

var Table []int

var Other = 1

func init() {
	Other++
}

func Get(i int) int { return Table[i] }

func Ping() int { return Other }
