package schema

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzLoad feeds arbitrary bytes to the loader as a CUE, YAML or JSON plan
// file. Whatever the input, Load must not panic, and a failure must be an
// *Error whose every diagnostic names a file.
func FuzzLoad(f *testing.F) {
	f.Add(uint8(0), []byte(minimal))
	f.Add(uint8(0), []byte("package x\nname: \"a\" tiers: {\n"))
	f.Add(uint8(0), []byte("apiVersion: \"drplan/v1\"\nname: \"x\"\nrunbooks: r: {title: \"t\", steps: [{number: 1, id: \"A\"}]}\n"))
	f.Add(uint8(1), []byte("apiVersion: drplan/v1\nname: shop\ntiers:\n  tier0: {level: 0, title: T, rto: 5m}\n"))
	f.Add(uint8(1), []byte("a: &x [*x]\n"))
	f.Add(uint8(2), []byte(`{"apiVersion": "drplan/v1", "name": "x", "services": {"a": {"tier": "t"}}}`))
	exts := []string{".cue", ".yaml", ".json"}
	f.Fuzz(func(t *testing.T, kind uint8, data []byte) {
		dir := t.TempDir()
		name := filepath.Join(dir, "plan"+exts[int(kind)%len(exts)])
		if err := os.WriteFile(name, data, 0o644); err != nil {
			t.Fatal(err)
		}
		// A hang is a failure too: report the input instead of stalling.
		watchdog := time.AfterFunc(20*time.Second, func() {
			panic(fmt.Sprintf("Load did not finish in 20s on %q", data))
		})
		p, err := Load(dir)
		watchdog.Stop()
		if err == nil {
			if p == nil || p.Source == nil {
				t.Fatal("Load returned neither a plan nor an error")
			}
			return
		}
		var le *Error
		if !errors.As(err, &le) {
			t.Fatalf("error of type %T: %v", err, err)
		}
		if len(le.Diagnostics) == 0 {
			t.Fatal("*Error without diagnostics")
		}
		for _, d := range le.Diagnostics {
			if !d.Pos.IsValid() || d.Msg == "" {
				t.Fatalf("diagnostic without position or message: %#v", d)
			}
		}
	})
}
