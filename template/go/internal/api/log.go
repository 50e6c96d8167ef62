package api

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"sync"
	"time"
)

// flushInterval bounds how long a log line waits in a LogBuffer.
const flushInterval = 100 * time.Millisecond

// NewLogger writes JSON lines at level and above.
func NewLogger(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}))
}

// LogBuffer collects log lines for w and writes them out every flushInterval, so that
// a busy service makes one write per batch rather than one per request. A crash loses
// at most the last flushInterval of lines (a panic's trace goes to stderr, unbuffered).
type LogBuffer struct {
	mu   sync.Mutex
	buf  *bufio.Writer
	stop chan struct{}
	done chan struct{}
}

// NewLogBuffer starts flushing to w; Close writes out the rest.
func NewLogBuffer(w io.Writer) *LogBuffer {
	b := &LogBuffer{buf: bufio.NewWriterSize(w, 64<<10), stop: make(chan struct{}), done: make(chan struct{})}
	go b.flushEvery(flushInterval)
	return b
}

func (b *LogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// Close stops the periodic flush and writes out what is left.
func (b *LogBuffer) Close() error {
	close(b.stop)
	<-b.done
	return b.flush()
}

func (b *LogBuffer) flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Flush()
}

func (b *LogBuffer) flushEvery(interval time.Duration) {
	defer close(b.done)
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			_ = b.flush() // a failed write to stdout has nowhere to be reported
		case <-b.stop:
			return
		}
	}
}

// LogRequest writes the one line per request: method, path, status, duration.
func (a *API) LogRequest(ctx context.Context, method, path string, status int, elapsed time.Duration) {
	a.Log.LogAttrs(ctx, slog.LevelInfo, "request",
		slog.String("method", method),
		slog.String("path", path),
		slog.Int("status", status),
		slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
	)
}
