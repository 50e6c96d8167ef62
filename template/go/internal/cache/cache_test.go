package cache

import (
	"crypto/rand"
	"log/slog"
	"os"
	"testing"
	"time"
)

var discard = slog.New(slog.DiscardHandler)

func TestCacheAside(t *testing.T) {
	url := os.Getenv("REDIS_URL")
	if url == "" {
		t.Skip("integration test needs REDIS_URL")
	}
	c, err := New(url, "test-"+rand.Text(), time.Minute, discard)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := t.Context()
	if !c.Ping(ctx) {
		t.Fatal("Redis does not answer")
	}
	if _, status := c.Get(ctx, "a"); status != Miss {
		t.Fatalf("empty cache: %s", status)
	}
	c.Set(ctx, "a", []byte(`{"id":"a"}`))
	if body, status := c.Get(ctx, "a"); status != Hit || string(body) != `{"id":"a"}` {
		t.Fatalf("after set: %s %q", status, body)
	}
	if ttl := c.client.TTL(ctx, c.Key("a")).Val(); ttl <= 0 || ttl > time.Minute {
		t.Fatalf("TTL %s", ttl)
	}
	c.Delete(ctx, "a")
	if _, status := c.Get(ctx, "a"); status != Miss {
		t.Fatalf("after delete: %s", status)
	}
}

func TestUnreachableRedisIsBypass(t *testing.T) {
	c, err := New("redis://127.0.0.1:1/0", "test", time.Minute, discard)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, status := c.Get(t.Context(), "a"); status != Bypass {
		t.Fatalf("status %s", status)
	}
	if c.Ping(t.Context()) {
		t.Fatal("ping succeeded")
	}
}

func TestFailedInvalidationIsDoneBeforeTheNextRead(t *testing.T) {
	url := os.Getenv("REDIS_URL")
	if url == "" {
		t.Skip("integration test needs REDIS_URL")
	}
	c, err := New(url, "test-"+rand.Text(), time.Minute, discard)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := t.Context()
	c.Set(ctx, "a", []byte(`{"id":"a"}`))
	c.stale["a"] = struct{}{} // as if Delete had failed while Redis was away
	if _, status := c.Get(ctx, "a"); status != Miss {
		t.Fatalf("a read after a failed invalidation: %s, want MISS", status)
	}
}
