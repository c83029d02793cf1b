// Package user, loaded, has a variable of a dt type whose descriptor the
// host dropped, referenced by nothing but the variable's type (as
// k8s.io/apimachinery/pkg/util/net's wordDecoder, a *mime.WordDecoder).
package user

import (
	"strings"

	"github.com/goload/goload/internal/binding/testdata/droptypes/dt"
)

var dec = &dt.Decoder{Prefix: "<", Map: strings.ToUpper}

func Decode(s string) string { return dec.Decode(s) }
