package binding

import (
	"bufio"
	"fmt"
	"io"
	"math/rand"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The sequence tester: random sequences of Go API calls (Open, OpenPackage,
// Lookup right and wrong, calls through looked-up values, a value held in a
// host global, Close, NewPatch, NewPatchSymbol, PatchHost, Apply, Revert,
// v1→v2 replacement, dropping patches, Original) run in a child host
// (testdata/seq/host) while its goroutines keep calling the patch targets.
// A model predicts every step: which code each target runs, which modules
// are open, whether Close must refuse and which holders it must name. A
// difference, a crash of the child or a step that does not finish within
// the watchdog fails the test with the seed and the shortest sequence found
// that still fails.
//
//	GOLOAD_SEQ_COUNT=N      sequences per Go version (default 1000)
//	GOLOAD_SEQ_STEPS=N      steps per sequence (default 30)
//	GOLOAD_SEQ_SEED=S       base seed (default: the time)
//	GOLOAD_SEQ_VERSIONS=a,b Go minors (default: the oldest and newest supported installed)
//	GOLOAD_SEQ_ONLY=i       run only sequence i of the seed
//	GOLOAD_SEQ_FROM=i       start at sequence i (batches of 100 from there:
//	                        FROM=12800 COUNT=12810 replays the first ten
//	                        sequences of the child that ran 12800..12899)
//	GOLOAD_SEQ_WATCHDOG=D   time one step may take (default 60s)
//	GOLOAD_SEQ_PARALLEL=N   child hosts at once (default 1)

const seqPkg = "github.com/goload/goload/internal/binding/testdata/seq/"

// seqSameBuild: OpenPackage's archive of testdata/seq/vN is byte-identical
// to the one Open is given (go list -export), so the two share a copy.
const seqSameBuild = true

func seqEnvInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// seqToolchains are the oldest and the newest supported toolchain installed
// (whatever GOLOAD_GO_VERSIONS says), or those GOLOAD_SEQ_VERSIONS names.
func seqToolchains(t *testing.T) []toolchain {
	want := os.Getenv("GOLOAD_SEQ_VERSIONS")
	cmd := exec.Command("bash", repoRoot+"/scripts/gotoolchains.sh")
	all := "21,22,23,24,25,26,27"
	if want != "" {
		all = want
	}
	cmd.Env = append(os.Environ(), "GOLOAD_GO_VERSIONS="+all)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("scripts/gotoolchains.sh: %v", err)
	}
	var tcs []toolchain
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if f := strings.Fields(line); len(f) == 3 {
			if tc := (toolchain{f[0], f[1], f[2]}); tc.supported() {
				tcs = append(tcs, tc)
			}
		}
	}
	if len(tcs) == 0 {
		t.Fatal("no supported Go toolchain installed")
	}
	sort.Slice(tcs, func(i, j int) bool { return tcs[i].minor < tcs[j].minor })
	if want == "" && len(tcs) > 2 {
		tcs = []toolchain{tcs[0], tcs[len(tcs)-1]}
	}
	return tcs
}

func TestSeq(t *testing.T) {
	count := seqEnvInt("GOLOAD_SEQ_COUNT", 1000)
	steps := seqEnvInt("GOLOAD_SEQ_STEPS", 30)
	seed := int64(seqEnvInt("GOLOAD_SEQ_SEED", int(time.Now().UnixNano()%1e9)))
	only := -1
	if v, err := strconv.Atoi(os.Getenv("GOLOAD_SEQ_ONLY")); err == nil {
		only = v
	}
	from := seqEnvInt("GOLOAD_SEQ_FROM", 0)
	for _, tc := range seqToolchains(t) {
		tc := tc
		t.Run(tc.version, func(t *testing.T) {
			t.Parallel()
			r := newSeqRunner(t, tc)
			t0 := time.Now()
			var seqs [][]string
			var index []int // the sequence number of each
			for i := from; i < count; i++ {
				if only < 0 || i == only {
					seqs, index = append(seqs, genSeq(seed, i, steps)), append(index, i)
				}
			}
			// Batches of 100 sequences per child host, GOLOAD_SEQ_PARALLEL
			// of them at once (default 1). After a failure (shrunk and
			// reported) the rest of its batch runs in a new child; the
			// test stops after maxSeqFailures.
			const batch, maxSeqFailures = 100, 3
			var mu sync.Mutex
			nsteps, nseqs, failures, next := 0, 0, 0, 0
			var wg sync.WaitGroup
			for w := 0; w < seqEnvInt("GOLOAD_SEQ_PARALLEL", 1); w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						mu.Lock()
						b := next
						next += batch
						stop := failures >= maxSeqFailures
						mu.Unlock()
						if b >= len(seqs) || stop {
							return
						}
						r.runBatch(t, seqs, index, b, min(b+batch, len(seqs)), func(ran, steps int, failed bool) {
							mu.Lock()
							defer mu.Unlock()
							if failed {
								failures++
							}
							before := nseqs / 1000
							nseqs, nsteps = nseqs+ran, nsteps+steps
							if len(seqs) >= 5000 && nseqs/1000 > before {
								t.Logf("%s: %d sequences, %d steps, %d failed, %v", tc.version, nseqs, nsteps, failures, time.Since(t0).Round(time.Second))
							}
						}, seed, tc)
					}
				}()
			}
			wg.Wait()
			t.Logf("%s: seed %d: %d sequences, %d steps, %d failed, in %v; %s", tc.version, seed, nseqs, nsteps, failures,
				time.Since(t0).Round(time.Millisecond), r.stats())
		})
	}
}

// runBatch runs seqs[lo:hi] (numbered by index) in child hosts: after a
// failure, reported with its shrunk sequence, the rest of the batch runs
// in a new child. done reports the sequences and steps run.
func (r *seqRunner) runBatch(t *testing.T, seqs [][]string, index []int, lo, hi int, done func(ran, steps int, failed bool), seed int64, tc toolchain) {
	for b := lo; b < hi; {
		part := seqs[b:hi]
		f := r.run(part)
		ran := len(part)
		if f != nil {
			ran = f.seq + 1
			i := index[b+f.seq]
			t.Errorf("%s: seed %d sequence %d failed at step %d: %s", tc.version, seed, i, f.step, f.msg)
			shrunk := r.shrink(seqs[b+f.seq], f)
			var sb strings.Builder
			for k, l := range shrunk.lines {
				fmt.Fprintf(&sb, "  %2d  %s\n", k, l)
			}
			t.Errorf("%s: shortest failing sequence (%d steps, from %d), fails at step %d: %s\n%s"+
				"rerun: GOLOAD_SEQ_SEED=%d GOLOAD_SEQ_ONLY=%d GOLOAD_SEQ_VERSIONS=%s go test -run TestSeq -v .",
				tc.version, len(shrunk.lines), len(seqs[b+f.seq]), shrunk.f.step, shrunk.f.msg, sb.String(), seed, i, tc.minor)
		}
		steps := 0
		for _, s := range part[:ran] {
			steps += len(s)
		}
		done(ran, steps, f != nil)
		b += ran
	}
}

// ---- the generator

type seqGen struct {
	m       *seqModel // what the steps so far did: steps are picked among the handles that exist
	r       *rand.Rand
	lines   []string
	mods    []string // module handles, open or closed
	patches []string // patch handles, created or not
	open    int
}

// genSeq is sequence i of seed: the same steps for the same pair.
func genSeq(seed int64, i, n int) []string {
	g := &seqGen{m: newSeqModel(), r: rand.New(rand.NewSource(seed*1000003 + int64(i)))}
	for len(g.lines) < n {
		g.step()
	}
	return g.lines
}

// mod picks a module handle, mostly an open one.
func (g *seqGen) mod() string {
	var open []string
	for _, h := range g.mods {
		if g.m.mods[h].open {
			open = append(open, h)
		}
	}
	if len(open) > 0 && g.r.Intn(5) > 0 {
		return open[g.r.Intn(len(open))]
	}
	return g.mods[g.r.Intn(len(g.mods))]
}

func (g *seqGen) fn() string { return "F" + strconv.Itoa(g.r.Intn(4)) }

// patch picks a patch handle: mostly one that exists, now and then one of
// a closed module's, a dropped one or one never made.
func (g *seqGen) patch() string {
	var live, closed []string
	for _, h := range g.patches {
		if p := g.m.tab[h]; p != nil {
			live = append(live, h)
			if p.mod != "" && !g.m.mods[p.mod].open {
				closed = append(closed, h)
			}
		}
	}
	switch k := g.r.Intn(20); {
	case k < 6 && len(closed) > 0:
		return closed[g.r.Intn(len(closed))]
	case k == 3 && len(g.patches) > 0:
		return g.patches[g.r.Intn(len(g.patches))]
	case k == 7 || len(live) == 0 && (k < 10 || len(g.patches) == 0):
		return "p" + strconv.Itoa(g.r.Intn(len(g.lines)+1))
	case len(live) == 0:
		return g.patches[g.r.Intn(len(g.patches))]
	}
	return live[len(live)-1-int(float64(len(live))*g.r.Float64()*g.r.Float64())]
}

func (g *seqGen) target() string { return strconv.Itoa(g.r.Intn(4)) }

func (g *seqGen) add(format string, args ...any) {
	l := fmt.Sprintf(format, args...)
	g.lines = append(g.lines, l)
	g.m.predict(l)
}

func (g *seqGen) replacement(t string) string {
	switch k := g.r.Intn(20); {
	case k < 7 && len(g.mods) > 0:
		return g.mod() + "." + g.fn()
	case k == 8:
		return "str"
	case k == 9 && len(g.mods) > 0:
		return g.mod() + ".Name"
	case k == 10:
		return "h" + t // a self-patch
	}
	return "h" + g.target()
}

func (g *seqGen) pairs() string {
	ts := []string{g.target()}
	if g.r.Intn(3) == 0 {
		if u := g.target(); u != ts[0] {
			ts = append(ts, u)
		}
	}
	var ps []string
	for _, t := range ts {
		f := g.fn()
		if g.r.Intn(25) == 0 {
			f = "Name"
		}
		ps = append(ps, t+":"+f)
	}
	return strings.Join(ps, " ")
}

func (g *seqGen) step() {
	h := strconv.Itoa(len(g.lines))
	w := g.r.Intn(100)
	if len(g.mods) == 0 || (w < 8 && len(g.mods) < 6) {
		v := "v" + strconv.Itoa(1+g.r.Intn(2))
		op := "open"
		if g.r.Intn(1500) == 0 {
			op = "openpkg"
		}
		g.mods = append(g.mods, "m"+h)
		g.add("%s m%s %s", op, h, v)
		return
	}
	switch {
	case w < 16:
		g.add("close %s", g.mod())
	case w < 21:
		kinds := []string{"right", "right", "wrong", "var", "varptr", "missing"}
		g.add("lookup %s.%s %s", g.mod(), g.fn(), kinds[g.r.Intn(len(kinds))])
	case w < 26:
		g.add("hold %d %s.%s", g.r.Intn(4), g.mod(), g.fn())
	case w < 30:
		g.add("call %d %d", g.r.Intn(4), g.r.Intn(1000))
	case w < 34:
		g.add("drop %d", g.r.Intn(4))
	case w < 44:
		g.add("target %s %d", g.target(), g.r.Intn(1000))
	case w < 53:
		t := g.target()
		g.patches = append(g.patches, "p"+h)
		g.add("newpatch p%s %s %s", h, t, g.replacement(t))
	case w < 57:
		t := g.target()
		g.patches = append(g.patches, "p"+h)
		g.add("newpatchsym p%s %s %s", h, t, g.replacement(t))
	case w < 64, w < 67:
		op := "patchhost"
		if w >= 64 {
			op = "upgrade"
		}
		pairs := g.pairs()
		for i := range strings.Fields(pairs) {
			g.patches = append(g.patches, "p"+h+"."+strconv.Itoa(i))
		}
		g.add("%s p%s %s %s", op, h, g.mod(), pairs)
	case w < 80:
		ps := []string{g.patch()}
		for g.r.Intn(3) == 0 {
			ps = append(ps, g.patch())
		}
		g.add("apply %s", strings.Join(ps, " "))
	case w < 90:
		ps := []string{g.patch()}
		for g.r.Intn(4) == 0 {
			ps = append(ps, g.patch())
		}
		g.add("revert %s", strings.Join(ps, " "))
	case w < 94:
		g.add("droppatch %s", g.patch())
	case w < 98:
		g.add("orig %s %d", g.patch(), g.r.Intn(1000))
	default:
		g.add("gc")
	}
}

// ---- the model

type mMod struct {
	ver   string
	open  bool
	pkg   bool // by OpenPackage: it fills host method tables (see close)
	order int  // opening order
	// prov is the module whose copy of the package a stub shares (one copy
	// of a package per process), "" for a module that loaded its own.
	prov string
}

type mPatch struct {
	t     int    // target h<t>
	host  int    // replacement h<host>, or -1
	mod   string // else the module handle
	f     int    // and its F<f>
	kind  string // "new" (NewPatch, NewPatchSymbol: holds the func value) or "host" (PatchHost)
	on    bool
	inTab bool
}

type mRef struct {
	mod string
	f   int
}

type seqModel struct {
	mid     string // " @mid=...": the codes of a state the step passes through
	mods    map[string]*mMod
	held    [4]*mRef
	tab     map[string]*mPatch
	all     []*mPatch
	applied [4]*mPatch
}

func newSeqModel() *seqModel {
	return &seqModel{mods: map[string]*mMod{}, tab: map[string]*mPatch{}}
}

// expect is the model's prediction for one step.
type expect struct {
	res    string   // "ok", "nil", "val=N", "err" or "unload"
	errHas []string // for "err": substrings of the message
	must   [][]string
	may    []string // for "unload": every reason contains one of these (or a must's first word)
	note   string   // for the coverage figures: "stub", "users"
}

func (e expect) check(got string) error {
	switch e.res {
	case "ok", "nil":
		if got != e.res {
			return fmt.Errorf("got %q, want %s", got, e.res)
		}
	case "err":
		if !strings.HasPrefix(got, "err ") || strings.HasPrefix(got, "err UNLOAD") || strings.HasPrefix(got, "err CALLER") {
			return fmt.Errorf("got %q, want an error containing %q", got, e.errHas)
		}
		for _, w := range e.errHas {
			if !strings.Contains(got, w) {
				return fmt.Errorf("got %q, want an error containing %q", got, w)
			}
		}
	case "unload":
		rest, ok := strings.CutPrefix(got, "err UNLOAD ")
		if !ok {
			return fmt.Errorf("got %q, want Close to refuse naming %q", got, e.must)
		}
		reasons := strings.Split(rest, " ;; ")
		if len(e.must) <= 15 {
			for _, m := range e.must {
				found := false
				for _, r := range reasons {
					all := true
					for _, w := range m {
						all = all && strings.Contains(r, w)
					}
					found = found || all
				}
				if !found {
					return fmt.Errorf("Close refused, but no reason names %q: %q", m, reasons)
				}
			}
		}
		for _, r := range reasons {
			ok := strings.HasPrefix(r, "and ") && strings.HasSuffix(r, " more")
			for _, w := range e.may {
				ok = ok || strings.Contains(r, w)
			}
			if !ok {
				return fmt.Errorf("Close refused for an unexpected holder: %q (expected only %q)", r, e.may)
			}
		}
	default: // val=N
		if got != "ok "+e.res {
			return fmt.Errorf("got %q, want ok %s", got, e.res)
		}
	}
	return nil
}

func errs(has ...string) expect { return expect{res: "err", errHas: has} }

// owner is the module whose code and data a handle's symbols are: a
// stub's provider, else the module itself. Values looked up through a
// stub, patches by them and their holders belong to the provider.
func (m *seqModel) owner(h string) string {
	if p := m.mods[h].prov; p != "" {
		return p
	}
	return h
}

// provider is the open module that already loaded the build an Open of
// ver would load (the oldest, as goload.open passes them), or "". Only
// modules that loaded their own copy provide one; v1 and v2 are
// different packages, Open and OpenPackage the same build (seqSameBuild).
func (m *seqModel) provider(ver string, pkg bool) string {
	best := ""
	for h, o := range m.mods {
		if o.open && o.prov == "" && o.ver == ver && (o.pkg == pkg || seqSameBuild) &&
			(best == "" || o.order < m.mods[best].order) {
			best = h
		}
	}
	return best
}

func (m *seqModel) modID(h string, f int) int {
	if m.mods[h].ver == "v1" {
		return 1000 + f
	}
	return 2000 + f
}

func (m *seqModel) sym(h string, f int) string {
	return seqPkg + m.mods[h].ver + ".F" + strconv.Itoa(f)
}

// code is the code id h<t> runs: a patched target runs its replacement,
// which runs on when it is itself patched.
func (m *seqModel) code(t int) int {
	p := m.applied[t]
	switch {
	case p == nil:
		return 100 + t
	case p.host >= 0:
		return m.code(p.host)
	}
	return m.modID(p.mod, p.f)
}

// hop is the host target t's entry jumps to, -1 for none.
func (m *seqModel) hop(t int) int {
	if p := m.applied[t]; p != nil && p.host >= 0 {
		return p.host
	}
	return -1
}

func (m *seqModel) exp() string {
	return fmt.Sprintf(" @exp=%d,%d,%d,%d @via=%d,%d,%d,%d", m.code(0), m.code(1), m.code(2), m.code(3),
		m.hop(0), m.hop(1), m.hop(2), m.hop(3))
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

func splitRef(ref string) (string, string) { h, f, _ := strings.Cut(ref, "."); return h, f }

// known reports whether every module a step names was opened by an earlier
// step (shrinking may remove the opening step: then the step goes too).
func (m *seqModel) known(f []string) bool {
	if f[0] == "open" || f[0] == "openpkg" {
		return true
	}
	for _, a := range f[1:] {
		if a[0] == 'm' {
			if h, _ := splitRef(a); m.mods[h] == nil {
				return false
			}
		}
	}
	return true
}

func (m *seqModel) applyPatches(hs []string, on bool) expect {
	seen := map[int]bool{}
	var todo, replaced []*mPatch
	for i, h := range hs {
		p := m.tab[h]
		if p == nil {
			return errs(fmt.Sprintf("argument %d is a nil *FuncPatch", i+1))
		}
		if seen[p.t] {
			return errs(fmt.Sprintf("main.h%d appears twice", p.t))
		}
		seen[p.t] = true
		cur := m.applied[p.t]
		switch {
		case on && cur == p, !on && !p.on:
			continue
		case on && cur != nil:
			// v1→v2: the new patch replaces the applied one in the same
			// stop (patch.go, setPatches), the target never runs its own
			// code in between.
			replaced = append(replaced, cur)
		}
		todo = append(todo, p)
	}
	if on {
		for _, p := range todo {
			if p.mod != "" && !m.mods[p.mod].open {
				return errs("(closed)", fmt.Sprintf("the replacement of main.h%d is code of module", p.t), "which is closed")
			}
		}
		next := m.applied
		for _, p := range todo {
			next[p.t] = p
		}
		for _, p := range todo {
			path := []string{fmt.Sprintf("main.h%d", p.t)}
			for q := p; q.host >= 0 && next[q.host] != nil; {
				q = next[q.host]
				path = append(path, fmt.Sprintf("main.h%d", q.t))
				if q == p {
					return errs("(cycle)", strings.Join(path, " -> "))
				}
				if len(path) > 5 {
					break
				}
			}
		}
	}
	for _, q := range replaced {
		q.on = false
	}
	for _, p := range todo {
		p.on = on
		if on {
			m.applied[p.t] = p
		} else {
			m.applied[p.t] = nil
		}
	}
	return expect{res: "ok"}
}

func (m *seqModel) newPatch(handle string, t int, repl, kind string) expect {
	p := &mPatch{t: t, host: -1, kind: kind, inTab: true}
	switch {
	case repl == "str":
		return errs("(signature)")
	case repl[0] == 'h':
		p.host = atoi(repl[1:])
		if p.host == t {
			return errs("(cycle)", fmt.Sprintf("main.h%d would jump to itself", t))
		}
	default:
		h, f := splitRef(repl)
		if !m.mods[h].open {
			return errs("the module is closed")
		}
		if f == "Name" {
			return errs("(signature)")
		}
		p.mod, p.f = m.owner(h), atoi(f[1:])
	}
	m.tab[handle] = p
	m.all = append(m.all, p)
	return expect{res: "ok"}
}

func (m *seqModel) patchHost(handle, mod string, pairs []string) expect {
	if !m.mods[mod].open {
		return errs("PatchHost: the module is closed")
	}
	sort.Strings(pairs)
	var hs []string
	var ps []*mPatch
	for _, pr := range pairs {
		t, f, _ := strings.Cut(pr, ":")
		if f == "Name" {
			return errs("(signature)")
		}
		ps = append(ps, &mPatch{t: atoi(t), host: -1, mod: m.owner(mod), f: atoi(f[1:]), kind: "host", inTab: true})
	}
	for i, p := range ps {
		h := handle + "." + strconv.Itoa(i)
		m.tab[h] = p
		m.all = append(m.all, p)
		hs = append(hs, h)
	}
	return m.applyPatches(hs, true)
}

func (m *seqModel) close(h string) expect {
	if !m.mods[h].open {
		return errs("Close: the module is closed")
	}
	// A module another open module shares a copy of refuses for that
	// alone, before any other check (unload.go: users).
	for _, o := range m.mods {
		if o.open && o.prov == h {
			return expect{res: "unload", note: "users", must: [][]string{{"uses its copy of package " + seqPkg + m.mods[h].ver,
				"(one copy of a package per process): close it first"}}, may: []string{"uses its copy of package " + seqPkg + m.mods[h].ver}}
		}
	}
	// A stub maps nothing: its Close just releases it; what was looked up
	// through it is its provider's.
	if m.mods[h].prov != "" {
		m.mods[h].open = false
		return expect{res: "ok", note: "stub"}
	}
	e := expect{res: "unload"}
	for _, r := range m.held {
		if r != nil && r.mod == h {
			e.must = append(e.must, []string{"main.held", m.sym(h, r.f)})
		}
	}
	e.may = append(e.may, "main.held")
	for _, p := range m.all {
		if p.mod != h {
			continue
		}
		if p.on {
			e.must = append(e.must, []string{fmt.Sprintf("patch of main.h%d by %s is applied", p.t, m.sym(h, p.f))})
			// callers may be running the module's code
			e.may = append(e.may, "patch of main.h", "goroutine")
		}
		if p.kind == "new" && (p.on || p.inTab) {
			e.must = append(e.must, []string{"heap object", m.sym(h, p.f)})
			e.may = append(e.may, "main.patchTab", "main.graveyard", "binding.patcher")
		}
	}
	// The host's dropped methods (runtime's, whatever the package:
	// runtime is a dependency) are filled by the host extension the first
	// OpenPackage linked, which is never closed, not by the module: no
	// module's Close is refused for them (a refusal naming "pointed into
	// this module" is an unexpected holder).
	if len(e.must) == 0 {
		m.mods[h].open = false
		return expect{res: "ok"}
	}
	return e
}

// predict runs one step on the model; ok is false for a step that names a
// module no earlier step opened.
func (m *seqModel) predict(line string) (expect, bool) {
	f := strings.Fields(line)
	if !m.known(f) {
		return expect{}, false
	}
	switch f[0] {
	case "open", "openpkg":
		pkg := f[0] == "openpkg"
		mo := &mMod{ver: f[2], open: true, pkg: pkg, order: len(m.mods), prov: m.provider(f[2], pkg)}
		m.mods[f[1]] = mo
		if mo.prov != "" {
			return expect{res: "ok", note: "stub"}, true
		}
		return expect{res: "ok"}, true
	case "lookup":
		h, fn := splitRef(f[1])
		if !m.mods[h].open {
			return errs("the module is closed"), true
		}
		switch f[2] {
		case "right":
			return expect{res: "val=" + strconv.Itoa(7+m.modID(h, atoi(fn[1:])))}, true
		case "wrong":
			return errs("mismatch: ", seqPkg+m.mods[h].ver+"."+fn+" is func(int) int in the object, not func(string) string"), true
		case "var":
			return errs("Calls is a variable"), true
		case "varptr":
			return expect{res: "ok"}, true
		}
		return errs("no symbol " + seqPkg + m.mods[h].ver + ".Nope"), true
	case "hold":
		h, fn := splitRef(f[2])
		if !m.mods[h].open {
			return errs("the module is closed"), true
		}
		m.held[atoi(f[1])] = &mRef{m.owner(h), atoi(fn[1:])}
		return expect{res: "ok"}, true
	case "call":
		r := m.held[atoi(f[1])]
		if r == nil {
			return expect{res: "nil"}, true
		}
		return expect{res: "val=" + strconv.Itoa(atoi(f[2])+m.modID(r.mod, r.f))}, true
	case "drop":
		m.held[atoi(f[1])] = nil
		return expect{res: "ok"}, true
	case "target":
		return expect{res: "val=" + strconv.Itoa(atoi(f[2])+m.code(atoi(f[1])))}, true
	case "close":
		return m.close(f[1]), true
	case "newpatch", "newpatchsym":
		return m.newPatch(f[1], atoi(f[2]), f[3], "new"), true
	case "patchhost":
		return m.patchHost(f[1], f[2], f[3:]), true
	case "upgrade":
		// PatchHost over an applied patch of the same target replaces
		// it in one step: no @mid state where the original code runs.
		return m.patchHost(f[1], f[2], f[3:]), true
	case "apply":
		return m.applyPatches(f[1:], true), true
	case "revert":
		return m.applyPatches(f[1:], false), true
	case "droppatch":
		if p := m.tab[f[1]]; p != nil {
			p.inTab = false
			delete(m.tab, f[1])
		}
		return expect{res: "ok"}, true
	case "orig":
		p := m.tab[f[1]]
		if p == nil || p.kind == "host" {
			return expect{res: "nil"}, true
		}
		return expect{res: "val=" + strconv.Itoa(atoi(f[2])+100+p.t)}, true
	case "gc":
		return expect{res: "ok"}, true
	}
	panic("unknown step " + line)
}

// script is a sequence's lines as the host reads them (with the codes the
// targets run after each step) and the model's prediction for each; steps
// naming a module nobody opened are left out.
func script(steps []string) (lines []string, exps []expect) {
	m := newSeqModel()
	for _, s := range steps {
		e, ok := m.predict(s)
		if !ok {
			continue
		}
		lines = append(lines, s+m.exp()+m.mid)
		m.mid = ""
		exps = append(exps, e)
	}
	return lines, exps
}

// ---- the runner

type seqRunner struct {
	t        *testing.T
	bin      string
	args     []string
	watchdog time.Duration
	mu       sync.Mutex
	runs     int
	calls    int64
	cover    map[string]int // "op result" -> steps
}

func newSeqRunner(t *testing.T, tc toolchain) *seqRunner {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	r := &seqRunner{t: t, bin: buildHost(t, tc, "./testdata/seq/host", ""),
		args:     []string{archiveBy(t, tc, "./testdata/seq/v1"), archiveBy(t, tc, "./testdata/seq/v2"), wd},
		watchdog: 60 * time.Second, cover: map[string]int{}}
	if d, err := time.ParseDuration(os.Getenv("GOLOAD_SEQ_WATCHDOG")); err == nil {
		r.watchdog = d
	}
	return r
}

func (r *seqRunner) stats() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var cs []string
	for k, n := range r.cover {
		cs = append(cs, fmt.Sprintf("%s: %d", k, n))
	}
	sort.Strings(cs)
	return fmt.Sprintf("%d host processes, %d calls by their caller goroutines; steps by prediction:\n  %s",
		r.runs, r.calls, strings.Join(cs, "\n  "))
}

type seqFailure struct {
	seq, step int // the sequence of the batch, its step (-1: the reset after it)
	msg       string
}

// run runs a batch of sequences in one child host, each followed by a
// reset; nil when every step gave what the model predicted.
func (r *seqRunner) run(seqs [][]string) *seqFailure {
	type at struct{ seq, step int }
	var lines []string
	var exps []expect
	var where []at
	for i, s := range seqs {
		ls, es := script(s)
		lines = append(lines, fmt.Sprintf("seq %d @exp=100,101,102,103", i))
		exps = append(exps, expect{res: "ok"})
		where = append(where, at{i, -2})
		for k := range ls {
			where = append(where, at{i, k})
		}
		lines, exps = append(lines, ls...), append(exps, es...)
		lines = append(lines, "reset @exp=100,101,102,103")
		exps = append(exps, expect{res: "ok"})
		where = append(where, at{i, -1})
	}
	cmd := exec.Command(r.bin, r.args...)
	cmd.Stdin = strings.NewReader(strings.Join(lines, "\n") + "\n")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		r.t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		r.t.Fatal(err)
	}
	r.mu.Lock()
	r.runs++
	r.mu.Unlock()
	got := make(chan string)
	go func() {
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 1<<16), 1<<22)
		for sc.Scan() {
			got <- sc.Text()
		}
		close(got)
	}()
	fail := func(i int, msg string) *seqFailure {
		cmd.Process.Kill()
		go io.Copy(io.Discard, out)
		cmd.Wait()
		step, _, _ := strings.Cut(lines[i], " @")
		return &seqFailure{where[i].seq, where[i].step, fmt.Sprintf("%q: %s\n    stderr: %s", step, msg, headTail(stderr.String(), 1200))}
	}
	for i := range lines {
		select {
		case l, ok := <-got:
			if !ok {
				cmd.Wait()
				return fail(i, fmt.Sprintf("the host died (%v)", cmd.ProcessState))
			}
			if err := exps[i].check(strings.TrimPrefix(l, "r ")); err != nil {
				return fail(i, err.Error())
			}
			res := exps[i].res
			if strings.HasPrefix(res, "val=") {
				res = "val"
			} else if res == "err" {
				res = "err " + strings.Join(exps[i].errHas, " ")
				if len(res) > 40 {
					res = res[:40]
				}
			}
			if n := exps[i].note; n != "" {
				res += " (" + n + ")"
			}
			r.mu.Lock()
			r.cover[strings.Fields(lines[i])[0]+" "+res]++
			r.mu.Unlock()
		case <-time.After(r.watchdog):
			return fail(i, fmt.Sprintf("no answer within %v: the step hangs", r.watchdog))
		}
	}
	cmd.Wait()
	if m := regexpCalls.FindStringSubmatch(stderr.String()); m != nil {
		n, _ := strconv.ParseInt(m[1], 10, 64)
		r.mu.Lock()
		r.calls += n
		r.mu.Unlock()
	}
	return nil
}

type shrunk struct {
	lines []string
	f     *seqFailure
}

// shrink removes steps while the sequence still fails on its own in a
// fresh host (chunks of halving size, then single steps), within a budget.
func (r *seqRunner) shrink(steps []string, f *seqFailure) shrunk {
	cur := append([]string(nil), steps...)
	best := shrunk{cur, f}
	if g := r.run([][]string{cur}); g != nil {
		best.f = g
	} else {
		r.t.Logf("the failing sequence passes on its own in a fresh host: not shrunk")
		return best
	}
	deadline := time.Now().Add(5 * time.Minute)
	for n := len(cur) / 2; n >= 1 && time.Now().Before(deadline); {
		removed := false
		for i := 0; i+n <= len(cur) && time.Now().Before(deadline); {
			cand := append(append([]string(nil), cur[:i]...), cur[i+n:]...)
			if g := r.run([][]string{cand}); g != nil {
				cur, best, removed = cand, shrunk{cand, g}, true
				continue
			}
			i += n
		}
		if !removed {
			n /= 2
		}
	}
	ls, _ := script(best.lines)
	for i := range ls {
		ls[i] = strings.Split(ls[i], " @")[0]
	}
	best.lines = ls
	return best
}

var regexpCalls = regexp.MustCompile(`calls by the caller goroutines: (\d+)`)

// headTail keeps the first and the last n bytes of s: a crash's reason and
// the failing goroutine come first in a Go traceback.
func headTail(s string, n int) string {
	if len(s) <= 2*n {
		return s
	}
	return s[:n] + "\n...\n" + s[len(s)-n:]
}
