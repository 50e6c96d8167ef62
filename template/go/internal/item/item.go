// Package item holds the item's rules: its JSON form, the body of POST and PUT, and the
// paging bounds. Every layer (handlers, OpenAPI document, stores) uses these constants.
package item

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The limits of the API; the OpenAPI document is built from the same constants.
const (
	NameMaxLength        = 200
	DescriptionMaxLength = 2000
	LimitDefault         = 20
	LimitMax             = 100
	OffsetMax            = 1<<31 - 1
	BodyMaxBytes         = 1 << 20
)

// Item is an item as clients see it.
type Item struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	Description *string    `json:"description"`
	CreatedAt   time.Time  `json:"created_at"`
	ProcessedAt *time.Time `json:"processed_at"`
}

// Input is the body of POST /items and PUT /items/{id}.
type Input struct {
	Name        string
	Description *string
}

// Fields maps a field (or "body", "limit", "offset") to what is wrong with it.
type Fields map[string]string

// Decode parses and validates a request body; unknown fields are rejected by name.
func Decode(body []byte) (Input, Fields) {
	if !utf8.Valid(body) {
		return Input{}, Fields{"body": "is not valid UTF-8"}
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil || raw == nil {
		return Input{}, Fields{"body": "must be a JSON object"}
	}
	var in Input
	fields := Fields{}
	for key, value := range raw {
		switch key {
		case "name":
			name, problem := text(value, 1, NameMaxLength)
			if problem != "" {
				fields["name"] = problem
			}
			in.Name = name
		case "description":
			if bytes.Equal(value, []byte("null")) {
				continue
			}
			description, problem := text(value, 0, DescriptionMaxLength)
			if problem != "" {
				fields["description"] = problem
			}
			in.Description = &description
		default:
			fields[key] = "is not an allowed field"
		}
	}
	if _, ok := raw["name"]; !ok {
		fields["name"] = "is required"
	}
	if len(fields) > 0 {
		return Input{}, fields
	}
	return in, nil
}

// text decodes a JSON string of lowest..highest characters without NUL.
func text(value json.RawMessage, lowest, highest int) (string, string) {
	var s string
	if len(value) == 0 || value[0] != '"' || json.Unmarshal(value, &s) != nil {
		return "", "must be a string"
	}
	switch n := utf8.RuneCountInString(s); {
	case n < lowest:
		return "", "must not be empty"
	case n > highest:
		return "", "must be at most " + strconv.Itoa(highest) + " characters"
	case strings.ContainsRune(s, 0):
		return "", "must not contain NUL characters"
	}
	return s, ""
}

// Page reads ?limit=&offset= (defaults 20 and 0).
func Page(query url.Values) (limit, offset int, fields Fields) {
	fields = Fields{}
	limit = bounded(query, "limit", LimitDefault, 1, LimitMax, fields)
	offset = bounded(query, "offset", 0, 0, OffsetMax, fields)
	if len(fields) > 0 {
		return 0, 0, fields
	}
	return limit, offset, nil
}

func bounded(query url.Values, name string, fallback, lowest, highest int, fields Fields) int {
	if !query.Has(name) {
		return fallback
	}
	n, err := strconv.ParseInt(query.Get(name), 10, 64)
	if err != nil || n < int64(lowest) || n > int64(highest) {
		fields[name] = "must be an integer from " + strconv.Itoa(lowest) + " to " + strconv.Itoa(highest)
		return 0
	}
	return int(n)
}
