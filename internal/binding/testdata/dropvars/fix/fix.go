// Package fix is loaded by OpenPackage into ../host, which imports the
// packages below but never calls what fix calls: their variables that the
// host's linker dropped (time.unitMap, regexp/syntax.perlGroup,
// unicode.Categories, mime's tables...) come from the archives and must be
// initialized as in a normal build (Go 1.21+ compiles their initializers
// into map.init.N functions, which the Go linker drops with them). Each function returns what it
// computed, compared with `go run ../twin`.
package fix

import (
	"encoding/json"
	"fmt"
	"html"
	"mime"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
)

var Names = []string{"Duration", "Regexp", "Unicode", "Strconv", "Mime", "HTTP", "HTML", "JSON"}

func Duration() string {
	var out []string
	for _, s := range []string{"2h45m30.5s", "1h", "90m", "1.5s", "300ms", "2us", "7µs", "10ns", "-3h2m"} {
		d, err := time.ParseDuration(s)
		out = append(out, fmt.Sprintf("%s=%v/%v", s, d, err))
	}
	return strings.Join(out, " ")
}

func Regexp() string {
	var out []string
	for _, c := range []struct{ re, s string }{
		{`\s+`, "a  b\t\nc"}, {`\d+`, "x12y345"}, {`\w+`, "héllo wörld_1"}, {`\S+`, " ab  cd "},
		{`\D+`, "12ab34"}, {`\W+`, "a,.b"}, {`[[:alpha:]]+`, "ab12cd"}, {`[[:space:]]+`, "a \tb"},
		{`[[:^digit:]]+`, "1a2b"}, {`\pL+`, "日本go1"}, {`\p{Greek}+`, "abc αβγ"}, {`\p{Lu}+`, "abCDe"},
		{`(?i)straße`, "STRASSE Straße"},
	} {
		re, err := regexp.Compile(c.re)
		if err != nil {
			out = append(out, c.re+" error "+err.Error())
			continue
		}
		out = append(out, fmt.Sprintf("%s=%q", c.re, re.FindAllString(c.s, -1)))
	}
	return strings.Join(out, " ")
}

func Unicode() string {
	var cats []string
	for _, name := range []string{"Lu", "Nd", "Zs", "Greek", "Han", "White_Space"} {
		t := unicode.Categories[name]
		if t == nil {
			t = unicode.Scripts[name]
		}
		if t == nil {
			t = unicode.Properties[name]
		}
		cats = append(cats, fmt.Sprintf("%s:%v", name, t != nil && unicode.Is(t, 'Σ')))
	}
	return fmt.Sprintf("%d %d %d %v %v %c %c %v", len(unicode.Categories), len(unicode.Scripts), len(unicode.Properties),
		unicode.In('λ', unicode.Greek), unicode.IsOneOf([]*unicode.RangeTable{unicode.Han}, '中'),
		unicode.SimpleFold('K'), unicode.ToTitle('ǆ'), cats)
}

func Strconv() string {
	return fmt.Sprintf("%s %s %v %v %s %s", strconv.Quote("héllo\u2028\x00☺"), strconv.QuoteToASCII("日本"),
		strconv.IsPrint('\u00ad'), strconv.IsGraphic('\u3000'), strconv.QuoteToGraphic("\u3000x"),
		strconv.FormatFloat(1.0/3, 'g', -1, 32))
}

func Mime() string {
	var out []string
	for _, ext := range []string{".html", ".json", ".png", ".svg", ".wasm", ".js", ".nope"} {
		out = append(out, ext+"="+mime.TypeByExtension(ext))
	}
	exts, err := mime.ExtensionsByType("image/jpeg")
	return fmt.Sprint(strings.Join(out, " "), " ", exts, err)
}

func HTTP() string {
	var out []string
	for _, c := range []int{200, 201, 301, 404, 418, 451, 500, 599} {
		out = append(out, fmt.Sprintf("%d=%q", c, http.StatusText(c)))
	}
	return strings.Join(out, " ") + " " + http.CanonicalHeaderKey("x-fix-header") + " " + http.DetectContentType([]byte("<html><body>"))
}

func HTML() string {
	return html.UnescapeString("&amp;&lt;&eacute;&NotNestedGreaterGreater;&#x263a;&copy &hellip;") + " " + html.EscapeString("<a href='x'>")
}

func JSON() string {
	b, err := json.Marshal(map[string]any{"b": []int{1, 2}, "a": map[int]string{3: "x", 1: "y"}, "c": 1.5, "d": nil})
	var back map[string]any
	json.Unmarshal(b, &back)
	return fmt.Sprintf("%s %v %v", b, err, back)
}
