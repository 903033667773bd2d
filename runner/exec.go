package runner

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// maxOutput bounds the output kept for the expected-output check; the
// terminal still shows all of it.
const maxOutput = 4 << 20

// killGrace is how long a timed-out or interrupted step has between SIGTERM
// and SIGKILL to stop by itself.
const killGrace = 5 * time.Second

// execResult is what one script run did.
type execResult struct {
	Output   string
	ExitCode int
	TimedOut bool
	// Interrupted: the run was stopped (Ctrl-C) while the script ran.
	Interrupted bool
	Err         error
	Duration    time.Duration
}

// lineWriter prefixes every line of a script's output, so that the output
// of steps running in parallel stays readable.
type lineWriter struct {
	mu     *sync.Mutex
	w      io.Writer
	prefix string
	buf    bytes.Buffer
	kept   bytes.Buffer
}

func (l *lineWriter) Write(p []byte) (int, error) {
	if room := maxOutput - l.kept.Len(); room > 0 {
		l.kept.Write(p[:min(len(p), room)])
	}
	l.buf.Write(p)
	for {
		i := bytes.IndexByte(l.buf.Bytes(), '\n')
		if i < 0 {
			break
		}
		line := l.buf.Next(i + 1)
		l.mu.Lock()
		fmt.Fprintf(l.w, "%s%s", l.prefix, line)
		l.mu.Unlock()
	}
	return len(p), nil
}

func (l *lineWriter) flush() {
	if l.buf.Len() > 0 {
		l.mu.Lock()
		fmt.Fprintf(l.w, "%s%s\n", l.prefix, l.buf.Bytes())
		l.mu.Unlock()
		l.buf.Reset()
	}
}

// runScript runs a bundle script with sh, in its own process group so that
// a timeout or Ctrl-C stops everything it started, and with a parent-death
// signal so that killing drplan does not leave the step's shell running.
func runScript(ctx context.Context, dir, script string, timeout time.Duration, env []string, out io.Writer, outMu *sync.Mutex, prefix string) execResult {
	return runSh(ctx, []string{filepath.Join(dir, filepath.FromSlash(script))}, timeout, env, out, outMu, prefix)
}

// runSh runs sh with args as runScript describes.
func runSh(ctx context.Context, args []string, timeout time.Duration, env []string, out io.Writer, outMu *sync.Mutex, prefix string) execResult {
	cmd := exec.Command("sh", args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = nil
	lw := &lineWriter{mu: outMu, w: out, prefix: prefix}
	cmd.Stdout = lw
	cmd.Stderr = lw
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}

	start := time.Now()
	if err := cmd.Start(); err != nil {
		return execResult{ExitCode: -1, Err: err}
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	var deadline <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		deadline = t.C
	}
	var res execResult
	var err error
	select {
	case err = <-done:
	case <-deadline:
		res.TimedOut = true
		err = stopGroup(cmd.Process.Pid, done)
	case <-ctx.Done():
		res.Interrupted = true
		err = stopGroup(cmd.Process.Pid, done)
	}
	res.Duration = time.Since(start)
	lw.flush()
	res.Output = lw.kept.String()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		res.ExitCode = exit.ExitCode()
	default:
		res.ExitCode = -1
		res.Err = err
	}
	return res
}

// stopGroup asks the process group to stop, then forces it.
func stopGroup(pid int, done <-chan error) error {
	_ = syscall.Kill(-pid, syscall.SIGTERM)
	select {
	case err := <-done:
		return err
	case <-time.After(killGrace):
		_ = syscall.Kill(-pid, syscall.SIGKILL)
		return <-done
	}
}

// measureLine is how a step reports a measurement for the drill record.
const measureLine = "drplan-measure:"

// parseMeasures reads "drplan-measure: key=value" lines; the last value of
// a key wins.
func parseMeasures(output string) map[string]string {
	var m map[string]string
	sc := bufio.NewScanner(strings.NewReader(output))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		rest, ok := strings.CutPrefix(line, measureLine)
		if !ok {
			continue
		}
		k, v, ok := strings.Cut(strings.TrimSpace(rest), "=")
		if !ok {
			continue
		}
		if m == nil {
			m = map[string]string{}
		}
		m[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return m
}

// tail returns the last n bytes of s, cut at a line start.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[len(s)-n:]
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return s
}
