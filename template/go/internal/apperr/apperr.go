// Package apperr holds the errors the layers share and the contract's error body.
package apperr

import (
	"encoding/json"
	"errors"
)

var (
	// ErrNotFound: no item has this id (a malformed id included).
	ErrNotFound = errors.New("item not found")
	// ErrUnavailable: the database could not be reached in DB_POOL_TIMEOUT_SECONDS; 503.
	ErrUnavailable = errors.New("database unavailable")
)

// Body is {"error": {"message": …, "fields": {…}}}; fields only for 422.
type Body struct {
	Error Detail `json:"error"`
}

// Detail is the inside of an error body.
type Detail struct {
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// JSON renders an error body.
func JSON(message string, fields map[string]string) []byte {
	body, _ := json.Marshal(Body{Error: Detail{Message: message, Fields: fields}})
	return body
}
