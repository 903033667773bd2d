// Package testtool starts the real tools drplan's tests drive, on
// loopback, stopped when the test ends. Under CI=true a missing tool fails
// the test (scripts/test-deps.sh installs it); elsewhere the test skips,
// naming the package to install.
package testtool

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// Need returns the path of tool, failing under CI=true and skipping
// otherwise when it is missing.
func Need(t testing.TB, tool, debianPackage string) string {
	t.Helper()
	p, err := exec.LookPath(tool)
	if err == nil {
		return p
	}
	Unavailable(t, fmt.Sprintf("%s not installed (Debian package %s; scripts/test-deps.sh installs it)", tool, debianPackage))
	return ""
}

// Unavailable ends a test that cannot run here: under CI=true it fails,
// since CI must install what the tests need; elsewhere it skips, saying why.
func Unavailable(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(why)
	}
	t.Skip(why)
}

// Pushgateway starts Debian's prometheus-pushgateway on a free loopback
// port and returns its URL; it is stopped when the test ends.
func Pushgateway(t testing.TB) string {
	t.Helper()
	bin := Need(t, "prometheus-pushgateway", "prometheus-pushgateway")
	return start(t, bin, func(addr string) []string { return []string{"--web.listen-address=" + addr} })
}

// Prometheus starts Debian's prometheus on a free loopback port with the
// given configuration file and the other files it names (rule files),
// written with it to a temporary folder that also holds its storage, and
// returns its URL; it is stopped when the test ends.
func Prometheus(t testing.TB, config string, files map[string][]byte) string {
	t.Helper()
	bin := Need(t, "prometheus", "prometheus")
	dir := t.TempDir()
	files["prometheus.yml"] = []byte(config)
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return start(t, bin, func(addr string) []string {
		return []string{"--config.file=" + filepath.Join(dir, "prometheus.yml"), "--storage.tsdb.path=" + filepath.Join(dir, "data"),
			"--web.listen-address=" + addr, "--log.level=warn"}
	})
}

// start runs bin with the arguments args gives for a free loopback
// address, and waits until it answers /-/ready.
func start(t testing.TB, bin string, args func(addr string) []string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, args(addr)...)
	var out SyncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		cmd.Wait()
		if t.Failed() {
			t.Logf("%s output:\n%s", filepath.Base(bin), out.String())
		}
	})
	url := "http://" + addr
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := client.Get(url + "/-/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return url
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s at %s not ready: %v", filepath.Base(bin), url, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// SyncBuffer collects output written by other goroutines (a process's,
// through exec's copying goroutines; a server's log) for the test to read.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Metrics returns the text of url's /metrics (a Pushgateway's, an
// exporter's), failing the test when it cannot be read.
func Metrics(t testing.TB, url string) string {
	t.Helper()
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s/metrics: %s", url, resp.Status)
	}
	return string(b)
}
