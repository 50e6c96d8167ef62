// Package events is the item.created event: its envelope, as every broker carries it.
package events

import (
	"context"
	"encoding/json"
	"errors"
	"time"
)

// ItemCreated is the type of the only event the service publishes.
const ItemCreated = "item.created"

// Envelope is {"type":"item.created","id":…,"occurred_at":…}.
type Envelope struct {
	Type       string    `json:"type"`
	ID         string    `json:"id"`
	OccurredAt time.Time `json:"occurred_at"`
}

// Created is the event of an item created at `at`; a republished event is identical.
func Created(id string, at time.Time) Envelope {
	return Envelope{Type: ItemCreated, ID: id, OccurredAt: at.UTC()}
}

// Decode parses an event body; anything but an item.created with an id is an error.
func Decode(body []byte) (Envelope, error) {
	var e Envelope
	if err := json.Unmarshal(body, &e); err != nil {
		return e, err
	}
	if e.Type != ItemCreated || e.ID == "" {
		return e, errors.New("not an item.created event with an id")
	}
	return e, nil
}

// Handler handles the event of one item; the consumer acknowledges after it returns nil.
type Handler func(ctx context.Context, id string) error
