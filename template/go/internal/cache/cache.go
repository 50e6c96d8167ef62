// Package cache is the Redis cache-aside of GET /items/{id}: key <QUEUE_PREFIX>:item:<id>,
// TTL CACHE_TTL_SECONDS. It never fails a request: an unreachable Redis is a BYPASS.
package cache

import (
	"context"
	"errors"
	"log/slog"
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

// timeout bounds every Redis call, so a hung Redis costs a read well under a second.
const timeout = 300 * time.Millisecond

// Cache holds one Redis client (its own pool) for the process.
type Cache struct {
	client *redis.Client
	prefix string
	ttl    time.Duration
	log    *slog.Logger
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
	return &Cache{client: redis.NewClient(opts), prefix: prefix, ttl: ttl, log: log}, nil
}

// Key is the Redis key of an item.
func (c *Cache) Key(id string) string { return c.prefix + ":item:" + id }

// Get returns the cached JSON of an item, and whether it was a HIT, a MISS or a BYPASS.
func (c *Cache) Get(ctx context.Context, id string) ([]byte, Status) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	body, err := c.client.Get(ctx, c.Key(id)).Bytes()
	switch {
	case err == nil:
		return body, Hit
	case errors.Is(err, redis.Nil):
		return nil, Miss
	default:
		c.log.WarnContext(ctx, "cache unreachable", "error", err)
		return nil, Bypass
	}
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
		c.log.WarnContext(ctx, "cache delete failed", "id", id, "error", err)
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
