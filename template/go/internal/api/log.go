package api

import (
	"context"
	"io"
	"log/slog"
	"time"
)

// NewLogger writes JSON lines at level and above.
func NewLogger(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}))
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
