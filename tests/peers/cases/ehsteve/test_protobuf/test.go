package test_protobuf

import (
	"fmt"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"
)

// Adapted: a fixed time instead of time.Now(), and prototext's output with
// its deliberately random spacing (protobuf's internal/detrand) normalized.
func TestProto() {
	fmt.Println(strings.Join(strings.Fields(timestamppb.New(time.Unix(1700000000, 123456789)).String()), " "))
}
