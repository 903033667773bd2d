// Package testtool starts the real tools drplan's tests drive, on
// loopback, stopped when the test ends. Under CI=true a missing tool fails
// the test (scripts/test-deps.sh installs it); elsewhere the test skips,
// naming the package to install.
package testtool

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
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
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "--web.listen-address="+addr)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); cmd.Wait() })
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
			t.Fatalf("pushgateway at %s not ready: %v", url, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
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
