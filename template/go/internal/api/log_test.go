package api

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"maps"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer that the flushing goroutine and the test can share.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func TestRequestLineIsFlushedByTheIntervalAndByClose(t *testing.T) {
	var out lockedBuffer
	buffer := NewLogBuffer(&out)
	log := NewLogger(buffer, slog.LevelInfo)

	NewRequestLog(buffer, slog.LevelInfo).Log(http.MethodGet, "/items/1", http.StatusOK, time.Now().Add(-1500*time.Microsecond))
	deadline := time.Now().Add(5 * flushInterval)
	for out.String() == "" && time.Now().Before(deadline) {
		time.Sleep(flushInterval / 10)
	}
	var line struct {
		Msg        string  `json:"msg"`
		Method     string  `json:"method"`
		Path       string  `json:"path"`
		Status     int     `json:"status"`
		DurationMS float64 `json:"duration_ms"`
	}
	if err := json.Unmarshal([]byte(out.String()), &line); err != nil {
		t.Fatalf("not one JSON line after %s: %q (%v)", 5*flushInterval, out.String(), err)
	}
	if line.Msg != "request" || line.Method != http.MethodGet || line.Path != "/items/1" || line.Status != http.StatusOK || line.DurationMS < 1.5 {
		t.Fatalf("request line = %+v", line)
	}

	log.Info("stopped")
	if err := buffer.Close(); err != nil {
		t.Fatal(err)
	}
	if got := bytes.Count([]byte(out.String()), []byte("\n")); got != 2 {
		t.Fatalf("after Close, %d lines: %q", got, out.String())
	}
}

// The request line has the keys and the time format of the slog JSON handler's lines, and
// stays one valid JSON line whatever the path holds.
func TestRequestLineMatchesSlog(t *testing.T) {
	var lines, slogLines bytes.Buffer
	started := time.Now()
	for _, path := range []string{"/health", "/a\"b\\c", "/\x00\n\t", "/\xff\xfe", "/é/<&>"} {
		NewRequestLog(&lines, slog.LevelInfo).Log("GET", path, 404, started)
		NewLogger(&slogLines, slog.LevelInfo).LogAttrs(context.Background(), slog.LevelInfo, "request",
			slog.String("method", "GET"), slog.String("path", path), slog.Int("status", 404), slog.Float64("duration_ms", 0))
	}
	ours, theirs := strings.Split(lines.String(), "\n"), strings.Split(slogLines.String(), "\n")
	if len(ours) != len(theirs) {
		t.Fatalf("%d lines, slog wrote %d", len(ours), len(theirs))
	}
	for i := range len(ours) - 1 {
		var got, want map[string]any
		if err := json.Unmarshal([]byte(ours[i]), &got); err != nil {
			t.Fatalf("line %q: %v", ours[i], err)
		}
		if err := json.Unmarshal([]byte(theirs[i]), &want); err != nil {
			t.Fatal(err)
		}
		if at, err := time.Parse(time.RFC3339Nano, got["time"].(string)); err != nil || at.Before(started) {
			t.Errorf("time %q, slog writes %q", got["time"], want["time"])
		}
		got["time"], want["time"], got["duration_ms"] = nil, nil, 0.0
		if !maps.EqualFunc(got, want, func(a, b any) bool { return a == b }) {
			t.Errorf("line %v, slog writes %v", got, want)
		}
	}
}

func TestRequestLineFollowsTheLevel(t *testing.T) {
	var lines bytes.Buffer
	NewRequestLog(&lines, slog.LevelWarn).Log("GET", "/health", 200, time.Now())
	if lines.Len() != 0 {
		t.Fatalf("at LevelWarn: %q", lines.String())
	}
}
