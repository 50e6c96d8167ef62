package api

import (
	"context"
	"net/http"
	"slices"
	"strings"
)

// Operation is one documented route; the OpenAPI document and the router both read
// Operations, and a test checks that they agree.
type Operation struct {
	Method    string
	Path      string // OpenAPI form: /items/{id}
	ID        string
	Summary   string
	Body      bool // takes the item body (415 and 422 apply)
	Paging    bool // takes ?limit=&offset=
	Responses []int
}

// Operations is the whole API.
var Operations = []Operation{
	{http.MethodGet, "/health", "health", "Liveness; touches no dependency", false, false, []int{200}},
	{http.MethodGet, "/ready", "ready", "Readiness of the database, the cache and the queue", false, false, []int{200, 503}},
	{http.MethodGet, "/openapi.json", "openapi", "This document", false, false, []int{200}},
	{http.MethodGet, "/items", "listItems", "List items, newest first", false, true, []int{200, 422, 503}},
	{http.MethodPost, "/items", "createItem", "Create an item; publishes item.created", true, false, []int{201, 415, 422, 503}},
	{http.MethodGet, "/items/{id}", "getItem", "Read an item (cache-aside, X-Cache header)", false, false, []int{200, 404, 503}},
	{http.MethodPut, "/items/{id}", "updateItem", "Replace an item's name and description", true, false, []int{200, 404, 415, 422, 503}},
	{http.MethodDelete, "/items/{id}", "deleteItem", "Delete an item", false, false, []int{204, 404, 503}},
}

// Route is a method and path with its handler, for the framework to register.
type Route struct {
	Method string
	Path   string // OpenAPI form; the adapter converts {id} to its own syntax
	Handle func(context.Context, Request) Response
}

// Allow is the Allow header of a path: every method it supports.
func Allow(path string) string {
	var methods []string
	for _, op := range Operations {
		if op.Path == path {
			methods = append(methods, op.Method)
		}
	}
	return strings.Join(methods, ", ")
}

// Template is the documented path that a request path matches ("/items/{id}" for
// "/items/abc"), or "" when there is none.
func Template(path string) string {
	segments := strings.Split(path, "/")
	for _, op := range Operations {
		pattern := strings.Split(op.Path, "/")
		if len(pattern) == len(segments) && slices.EqualFunc(pattern, segments, func(p, s string) bool {
			return p == s || strings.HasPrefix(p, "{") && s != ""
		}) {
			return op.Path
		}
	}
	return ""
}

// Unmatched answers a request no route took: 405 with Allow when the path exists with
// other methods (whatever the method, even one the framework does not know), else 404.
func Unmatched(path string) Response {
	if allow := Allow(Template(path)); allow != "" {
		return MethodNotAllowed(allow)
	}
	return NotFound()
}

// Routes are the documented operations with their handlers.
func (a *API) Routes() []Route {
	handlers := map[string]func(context.Context, Request) Response{
		"health": a.health, "ready": a.ready, "openapi": a.openAPI,
		"listItems": a.listItems, "createItem": a.createItem, "getItem": a.getItem,
		"updateItem": a.updateItem, "deleteItem": a.deleteItem,
	}
	routes := make([]Route, 0, len(Operations))
	for _, op := range Operations {
		routes = append(routes, Route{op.Method, op.Path, handlers[op.ID]})
	}
	return routes
}
