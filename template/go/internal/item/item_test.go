package item

import (
	"net/url"
	"strings"
	"testing"
)

func TestDecodeAccepts(t *testing.T) {
	cases := map[string]struct {
		body        string
		name        string
		description *string
	}{
		"minimal":           {`{"name": "x"}`, "x", nil},
		"null description":  {`{"name": "x", "description": null}`, "x", nil},
		"empty description": {`{"name": "x", "description": ""}`, "x", ptr("")},
		"200 characters":    {`{"name": "` + strings.Repeat("日", NameMaxLength) + `"}`, strings.Repeat("日", NameMaxLength), nil},
	}
	for label, c := range cases {
		t.Run(label, func(t *testing.T) {
			in, fields := Decode([]byte(c.body))
			if fields != nil {
				t.Fatalf("refused: %v", fields)
			}
			if in.Name != c.name || (in.Description == nil) != (c.description == nil) ||
				in.Description != nil && *in.Description != *c.description {
				t.Fatalf("decoded %+v", in)
			}
		})
	}
}

func TestDecodeRefusesNamingTheField(t *testing.T) {
	cases := map[string]struct{ body, field string }{
		"not JSON":          {`{"name": "x",`, "body"},
		"array":             {`[{"name": "x"}]`, "body"},
		"null":              {`null`, "body"},
		"empty":             {``, "body"},
		"invalid UTF-8":     {"{\"name\": \"\xff\"}", "body"},
		"missing name":      {`{}`, "name"},
		"empty name":        {`{"name": ""}`, "name"},
		"long name":         {`{"name": "` + strings.Repeat("n", NameMaxLength+1) + `"}`, "name"},
		"name number":       {`{"name": 1}`, "name"},
		"name null":         {`{"name": null}`, "name"},
		"NUL in name":       {`{"name": "a\u0000b"}`, "name"},
		"long description":  {`{"name": "n", "description": "` + strings.Repeat("d", DescriptionMaxLength+1) + `"}`, "description"},
		"description array": {`{"name": "n", "description": ["d"]}`, "description"},
		"unknown field":     {`{"name": "n", "colour": "red"}`, "colour"},
	}
	for label, c := range cases {
		t.Run(label, func(t *testing.T) {
			_, fields := Decode([]byte(c.body))
			if fields[c.field] == "" {
				t.Fatalf("fields %v do not name %q", fields, c.field)
			}
		})
	}
}

func TestPage(t *testing.T) {
	limit, offset, fields := Page(url.Values{})
	if fields != nil || limit != LimitDefault || offset != 0 {
		t.Fatalf("defaults: %d %d %v", limit, offset, fields)
	}
	limit, offset, fields = Page(url.Values{"limit": {"100"}, "offset": {"2147483647"}})
	if fields != nil || limit != 100 || offset != OffsetMax {
		t.Fatalf("bounds: %d %d %v", limit, offset, fields)
	}
	for _, query := range []string{"limit=0", "limit=101", "limit=x", "offset=-1", "offset=2147483648", "limit="} {
		values, _ := url.ParseQuery(query)
		if _, _, fields := Page(values); fields == nil {
			t.Errorf("%s accepted", query)
		}
	}
}

func ptr(s string) *string { return &s }
