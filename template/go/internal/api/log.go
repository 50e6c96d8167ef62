package api

import (
	"bufio"
	"encoding/json"
	"io"
	"log/slog"
	"strconv"
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

// RequestLog writes the one JSON line per request (method, path, status, duration_ms),
// with the fields and format of the slog JSON handler, when level lets LevelInfo through.
// It formats the line itself into a pooled buffer: slog's caller lookup, record and
// handler state cost more than the rest of a GET /health.
type RequestLog struct {
	w     io.Writer
	level slog.Level
}

// NewRequestLog writes request lines to w when level is LevelInfo or below.
func NewRequestLog(w io.Writer, level slog.Level) *RequestLog {
	return &RequestLog{w: w, level: level}
}

var lines = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

// Log writes the line of a request that started at started and answered status.
func (l *RequestLog) Log(method, path string, status int, started time.Time) {
	if l.level > slog.LevelInfo {
		return
	}
	now := time.Now()
	buf := lines.Get().(*[]byte)
	b := append((*buf)[:0], `{"time":"`...)
	b = now.AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","level":"INFO","msg":"request","method":`...)
	b = appendString(b, method)
	b = append(b, `,"path":`...)
	b = appendString(b, path)
	b = append(b, `,"status":`...)
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(b, `,"duration_ms":`...)
	b = strconv.AppendFloat(b, float64(now.Sub(started).Microseconds())/1000, 'f', -1, 64)
	b = append(b, "}\n"...)
	_, _ = l.w.Write(b) // a failed write to stdout has nowhere to be reported
	// A huge path's buffer is left to the GC rather than kept.
	if cap(b) <= 4<<10 {
		*buf = b
		lines.Put(buf)
	}
}

// appendString appends s as a JSON string: as it is when it needs no escaping (the
// usual path), else through encoding/json.
func appendString(b []byte, s string) []byte {
	for i := range len(s) {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			quoted, _ := json.Marshal(s)
			return append(b, quoted...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
