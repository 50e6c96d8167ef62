package api

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
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
	a := &API{Log: NewLogger(buffer, slog.LevelInfo)}

	a.LogRequest(context.Background(), http.MethodGet, "/items/1", http.StatusOK, 1500*time.Microsecond)
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
	if line.Msg != "request" || line.Method != http.MethodGet || line.Path != "/items/1" || line.Status != http.StatusOK || line.DurationMS != 1.5 {
		t.Fatalf("request line = %+v", line)
	}

	a.Log.Info("stopped")
	if err := buffer.Close(); err != nil {
		t.Fatal(err)
	}
	if got := bytes.Count([]byte(out.String()), []byte("\n")); got != 2 {
		t.Fatalf("after Close, %d lines: %q", got, out.String())
	}
}
