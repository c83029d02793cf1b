// Package pbmsg uses google.golang.org/protobuf the way a service does:
// well-known types, a message built at run time from a descriptor
// (dynamicpb: repeated, map, enum and message fields, an Any), binary
// marshal and unmarshal, proto.Equal, protojson and prototext.
package pbmsg

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// orderFile describes
//
//	syntax = "proto3"; package goload.peers;
//	enum State { NEW = 0; PAID = 1; SHIPPED = 2; }
//	message Item { string sku = 1; int32 qty = 2; double price = 3; }
//	message Order {
//	  string id = 1; repeated Item items = 2; map<string, int64> tags = 3;
//	  google.protobuf.Timestamp at = 4; google.protobuf.Any extra = 5;
//	  State state = 6; bytes blob = 7; google.protobuf.Struct meta = 8;
//	}
func orderFile() *descriptorpb.FileDescriptorProto {
	s := proto.String
	i := proto.Int32
	opt := descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum()
	rep := descriptorpb.FieldDescriptorProto_LABEL_REPEATED.Enum()
	typ := func(t descriptorpb.FieldDescriptorProto_Type) *descriptorpb.FieldDescriptorProto_Type {
		return t.Enum()
	}
	field := func(name string, num int32, l *descriptorpb.FieldDescriptorProto_Label, t descriptorpb.FieldDescriptorProto_Type, tn string) *descriptorpb.FieldDescriptorProto {
		f := &descriptorpb.FieldDescriptorProto{Name: s(name), Number: i(num), Label: l, Type: typ(t), JsonName: s(name)}
		if tn != "" {
			f.TypeName = s(tn)
		}
		return f
	}
	T := descriptorpb.FieldDescriptorProto_TYPE_STRING
	return &descriptorpb.FileDescriptorProto{
		Name:       s("goload/peers/order.proto"),
		Package:    s("goload.peers"),
		Syntax:     s("proto3"),
		Dependency: []string{"google/protobuf/timestamp.proto", "google/protobuf/any.proto", "google/protobuf/struct.proto"},
		EnumType: []*descriptorpb.EnumDescriptorProto{{
			Name: s("State"),
			Value: []*descriptorpb.EnumValueDescriptorProto{
				{Name: s("NEW"), Number: i(0)}, {Name: s("PAID"), Number: i(1)}, {Name: s("SHIPPED"), Number: i(2)},
			},
		}},
		MessageType: []*descriptorpb.DescriptorProto{
			{
				Name: s("Item"),
				Field: []*descriptorpb.FieldDescriptorProto{
					field("sku", 1, opt, T, ""),
					field("qty", 2, opt, descriptorpb.FieldDescriptorProto_TYPE_INT32, ""),
					field("price", 3, opt, descriptorpb.FieldDescriptorProto_TYPE_DOUBLE, ""),
				},
			},
			{
				Name: s("Order"),
				Field: []*descriptorpb.FieldDescriptorProto{
					field("id", 1, opt, T, ""),
					field("items", 2, rep, descriptorpb.FieldDescriptorProto_TYPE_MESSAGE, ".goload.peers.Item"),
					field("tags", 3, rep, descriptorpb.FieldDescriptorProto_TYPE_MESSAGE, ".goload.peers.Order.TagsEntry"),
					field("at", 4, opt, descriptorpb.FieldDescriptorProto_TYPE_MESSAGE, ".google.protobuf.Timestamp"),
					field("extra", 5, opt, descriptorpb.FieldDescriptorProto_TYPE_MESSAGE, ".google.protobuf.Any"),
					field("state", 6, opt, descriptorpb.FieldDescriptorProto_TYPE_ENUM, ".goload.peers.State"),
					field("blob", 7, opt, descriptorpb.FieldDescriptorProto_TYPE_BYTES, ""),
					field("meta", 8, opt, descriptorpb.FieldDescriptorProto_TYPE_MESSAGE, ".google.protobuf.Struct"),
				},
				NestedType: []*descriptorpb.DescriptorProto{{
					Name: s("TagsEntry"),
					Field: []*descriptorpb.FieldDescriptorProto{
						field("key", 1, opt, T, ""),
						field("value", 2, opt, descriptorpb.FieldDescriptorProto_TYPE_INT64, ""),
					},
					Options: &descriptorpb.MessageOptions{MapEntry: proto.Bool(true)},
				}},
			},
		},
	}
}

// RoundTrip builds an Order, marshals it (deterministically), unmarshals
// the bytes into a new message and compares, and returns a report: the
// bytes' digest, the JSON and text forms, fields read back through
// reflection, and the well-known types' own round trips.
func RoundTrip() (string, error) {
	fd, err := protodesc.NewFile(orderFile(), protoregistry.GlobalFiles)
	if err != nil {
		return "", fmt.Errorf("descriptor: %w", err)
	}
	md := fd.Messages().ByName("Order")
	item := fd.Messages().ByName("Item")
	order := dynamicpb.NewMessage(md)
	f := md.Fields()
	order.Set(f.ByName("id"), protoreflect.ValueOfString("order-7"))
	items := order.Mutable(f.ByName("items")).List()
	for n, sku := range []string{"apple", "pear", "fig"} {
		it := dynamicpb.NewMessage(item)
		it.Set(item.Fields().ByName("sku"), protoreflect.ValueOfString(sku))
		it.Set(item.Fields().ByName("qty"), protoreflect.ValueOfInt32(int32(n+1)))
		it.Set(item.Fields().ByName("price"), protoreflect.ValueOfFloat64(1.25*float64(n+1)))
		items.Append(protoreflect.ValueOfMessage(it))
	}
	tags := order.Mutable(f.ByName("tags")).Map()
	for k, v := range map[string]int64{"priority": 3, "region": -7, "zz": 1 << 40} {
		tags.Set(protoreflect.ValueOfString(k).MapKey(), protoreflect.ValueOfInt64(v))
	}
	at := timestamppb.New(time.Date(2024, 2, 29, 23, 59, 58, 123000000, time.UTC))
	order.Set(f.ByName("at"), protoreflect.ValueOfMessage(at.ProtoReflect()))
	extra, err := anypb.New(durationpb.New(90*time.Minute + 500*time.Millisecond))
	if err != nil {
		return "", err
	}
	order.Set(f.ByName("extra"), protoreflect.ValueOfMessage(extra.ProtoReflect()))
	order.Set(f.ByName("state"), protoreflect.ValueOfEnum(2))
	order.Set(f.ByName("blob"), protoreflect.ValueOfBytes([]byte{0, 1, 2, 254, 255}))
	meta, err := structpb.NewStruct(map[string]any{
		"owner": "goload", "count": 42, "ok": true, "none": nil,
		"list": []any{1.5, "two", false}, "nested": map[string]any{"x": -1},
	})
	if err != nil {
		return "", err
	}
	order.Set(f.ByName("meta"), protoreflect.ValueOfMessage(meta.ProtoReflect()))

	wire, err := proto.MarshalOptions{Deterministic: true}.Marshal(order)
	if err != nil {
		return "", fmt.Errorf("marshal: %w", err)
	}
	back := dynamicpb.NewMessage(md)
	if err := proto.Unmarshal(wire, back); err != nil {
		return "", fmt.Errorf("unmarshal: %w", err)
	}
	again, err := proto.MarshalOptions{Deterministic: true}.Marshal(back)
	if err != nil {
		return "", err
	}
	js, err := protojson.Marshal(back)
	if err != nil {
		return "", fmt.Errorf("protojson: %w", err)
	}
	var compact bytes.Buffer
	// protojson and prototext add random spaces on purpose
	// (internal/detrand, keyed by the executable): compact them.
	if err := json.Compact(&compact, js); err != nil {
		return "", err
	}
	fromJSON := dynamicpb.NewMessage(md)
	if err := protojson.Unmarshal(js, fromJSON); err != nil {
		return "", fmt.Errorf("protojson unmarshal: %w", err)
	}
	txt := strings.Join(strings.Fields(prototext.Format(back)), " ")
	sum := sha256.Sum256(wire)

	var b strings.Builder
	fmt.Fprintf(&b, "wire: %d bytes sha256 %s\n", len(wire), hex.EncodeToString(sum[:8]))
	fmt.Fprintf(&b, "equal after unmarshal: %v, same bytes again: %v, equal from json: %v\n",
		proto.Equal(order, back), bytes.Equal(wire, again), proto.Equal(back, fromJSON))
	fmt.Fprintf(&b, "json: %s\n", compact.String())
	fmt.Fprintf(&b, "text: %s\n", txt)
	gotItems := back.Get(f.ByName("items")).List()
	for n := 0; n < gotItems.Len(); n++ {
		it := gotItems.Get(n).Message()
		fmt.Fprintf(&b, "item %d: %s x%d at %.2f\n", n, it.Get(item.Fields().ByName("sku")).String(),
			it.Get(item.Fields().ByName("qty")).Int(), it.Get(item.Fields().ByName("price")).Float())
	}
	var ex anypb.Any
	if err := proto.Unmarshal(mustMarshal(back.Get(f.ByName("extra")).Message().Interface()), &ex); err != nil {
		return "", err
	}
	d := new(durationpb.Duration)
	if err := ex.UnmarshalTo(d); err != nil {
		return "", fmt.Errorf("any: %w", err)
	}
	fmt.Fprintf(&b, "any: %s holds %v\n", ex.GetTypeUrl(), d.AsDuration())
	st := back.Get(f.ByName("state")).Enum()
	fmt.Fprintf(&b, "state: %s (%d)\n", md.Fields().ByName("state").Enum().Values().ByNumber(st).Name(), st)

	// The well-known types on their own.
	ts2 := new(timestamppb.Timestamp)
	if err := proto.Unmarshal(mustMarshal(at), ts2); err != nil {
		return "", err
	}
	fmt.Fprintf(&b, "timestamp: %s valid %v equal %v\n", ts2.AsTime().Format(time.RFC3339Nano), ts2.IsValid(), proto.Equal(at, ts2))
	sj, err := protojson.Marshal(meta)
	if err != nil {
		return "", err
	}
	var m2 structpb.Struct
	if err := protojson.Unmarshal(sj, &m2); err != nil {
		return "", err
	}
	compact.Reset()
	if err := json.Compact(&compact, sj); err != nil {
		return "", err
	}
	fmt.Fprintf(&b, "struct: %s equal %v\n", compact.String(), proto.Equal(meta, &m2))
	return b.String(), nil
}

func mustMarshal(m proto.Message) []byte {
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
	if err != nil {
		panic(err)
	}
	return b
}
