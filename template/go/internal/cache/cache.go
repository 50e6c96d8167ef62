// Package cache is the Redis cache-aside of GET /items/{id}: key <QUEUE_PREFIX>:item:<id>,
// TTL CACHE_TTL_SECONDS. It never fails a request: an unreachable Redis is a BYPASS, and
// after a failure reads skip Redis for a moment instead of waiting on it each time. An
// invalidation that failed is remembered and done before the next read, so Redis coming
// back cannot serve a copy that a PUT or DELETE made stale meanwhile.
package cache

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Status is the X-Cache header of a read.
type Status string

// The X-Cache values.
const (
	Hit    Status = "HIT"
	Miss   Status = "MISS"
	Bypass Status = "BYPASS"
)

const (
	// timeout bounds every Redis call, so a hung Redis costs a read well under a second.
	timeout = 300 * time.Millisecond
	// pause is how long reads skip Redis after it failed.
	pause = time.Second
)

// Cache holds one Redis client (its own pool) for the process.
type Cache struct {
	client *redis.Client
	prefix string
	ttl    time.Duration
	log    *slog.Logger

	mu          sync.Mutex
	pausedUntil time.Time
	stale       map[string]struct{} // ids whose invalidation failed
}

// New parses the URL; it does not connect (the first command does).
func New(url, prefix string, ttl time.Duration, log *slog.Logger) (*Cache, error) {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return nil, err
	}
	opts.DialTimeout = timeout
	opts.ReadTimeout = timeout
	opts.WriteTimeout = timeout
	opts.PoolTimeout = timeout
	opts.MaxRetries = -1 // a retry would double the wait on a Redis that is down
	opts.DisableIdentity = true
	return &Cache{client: redis.NewClient(opts), prefix: prefix, ttl: ttl, log: log, stale: map[string]struct{}{}}, nil
}

// Key is the Redis key of an item.
func (c *Cache) Key(id string) string { return c.prefix + ":item:" + id }

// Get returns the cached JSON of an item, and whether it was a HIT, a MISS or a BYPASS.
func (c *Cache) Get(ctx context.Context, id string) ([]byte, Status) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if !c.usable(ctx) {
		return nil, Bypass
	}
	body, err := c.client.Get(ctx, c.Key(id)).Bytes()
	switch {
	case err == nil:
		return body, Hit
	case errors.Is(err, redis.Nil):
		return nil, Miss
	default:
		c.failed(ctx, err)
		return nil, Bypass
	}
}

// usable reports whether to try Redis now: not paused after a failure, and every
// remembered invalidation done.
func (c *Cache) usable(ctx context.Context) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if time.Now().Before(c.pausedUntil) {
		return false
	}
	if len(c.stale) == 0 {
		return true
	}
	keys := make([]string, 0, len(c.stale))
	for id := range c.stale {
		keys = append(keys, c.Key(id))
	}
	if err := c.client.Del(ctx, keys...).Err(); err != nil {
		c.pausedUntil = time.Now().Add(pause)
		return false
	}
	clear(c.stale)
	return true
}

func (c *Cache) failed(ctx context.Context, err error) {
	c.log.WarnContext(ctx, "cache unreachable; reads bypass it for a moment", "error", err)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pausedUntil = time.Now().Add(pause)
}

// Set stores an item's JSON for the TTL; a failure only costs a later MISS.
func (c *Cache) Set(ctx context.Context, id string, body []byte) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := c.client.Set(ctx, c.Key(id), body, c.ttl).Err(); err != nil {
		c.log.WarnContext(ctx, "cache set failed", "id", id, "error", err)
	}
}

// Delete drops an item's copy after a write.
func (c *Cache) Delete(ctx context.Context, id string) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := c.client.Del(ctx, c.Key(id)).Err(); err != nil {
		c.failed(ctx, err)
		c.mu.Lock()
		defer c.mu.Unlock()
		c.stale[id] = struct{}{}
	}
}

// Ping reports whether Redis answers.
func (c *Cache) Ping(ctx context.Context) bool {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return c.client.Ping(ctx).Err() == nil
}

// Close closes the pool.
func (c *Cache) Close() error { return c.client.Close() }
