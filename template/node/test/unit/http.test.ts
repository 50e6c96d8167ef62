import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HttpError } from "../../src/errors.js";
import { allowedMethods, readItemInput, readPaging, wrongMethod } from "../../src/http.js";

const body = (text: string) => new TextEncoder().encode(text);

function status(action: () => unknown): number | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof HttpError) return error.status;
    throw error;
  }
  return undefined;
}

describe("readItemInput", () => {
  it("accepts a valid item and treats a null description as omitted", () => {
    assert.deepEqual(readItemInput("application/json", body('{"name":"a"}')), { name: "a", description: null });
    assert.deepEqual(readItemInput("application/json; charset=utf-8", body('{"name":"日","description":null}')), {
      name: "日",
      description: null,
    });
  });

  it("counts characters, not UTF-16 units", () => {
    assert.equal(readItemInput("application/json", body(JSON.stringify({ name: "🚀".repeat(200) }))).name.length, 400);
    assert.equal(
      status(() => readItemInput("application/json", body(JSON.stringify({ name: "🚀".repeat(201) })))),
      422,
    );
  });

  it("answers 415 for a body that is not JSON", () => {
    assert.equal(
      status(() => readItemInput("text/plain", body('{"name":"a"}'))),
      415,
    );
    assert.equal(
      status(() => readItemInput(undefined, body('{"name":"a"}'))),
      415,
    );
  });

  for (const [label, raw] of [
    ["malformed JSON", '{"name":'],
    ["an array", "[]"],
    ["an empty name", '{"name":""}'],
    ["a NUL", '{"name":"a\\u0000b"}'],
    ["an unknown field", '{"name":"a","colour":"red"}'],
    ["a wrong type", '{"name":1}'],
  ]) {
    it(`answers 422 for ${label}`, () => {
      assert.equal(
        status(() => readItemInput("application/json", body(raw as string))),
        422,
      );
    });
  }

  it("answers 422 for invalid UTF-8 and names unknown fields", () => {
    assert.equal(
      status(() => readItemInput("application/json", new Uint8Array([0x7b, 0xff, 0x7d]))),
      422,
    );
    try {
      readItemInput("application/json", body('{"name":"a","id":"x"}'));
    } catch (error) {
      assert.ok(error instanceof HttpError && error.fields?.id);
    }
  });
});

describe("readPaging", () => {
  it("has defaults and bounds", () => {
    assert.deepEqual(readPaging({}), { limit: 20, offset: 0 });
    assert.deepEqual(readPaging({ limit: "100", offset: "2147483647" }), { limit: 100, offset: 2147483647 });
    for (const query of [
      { limit: "0" },
      { limit: "101" },
      { offset: "-1" },
      { offset: "2147483648" },
      { limit: "x" },
      { limit: ["1", "2"] },
    ]) {
      assert.equal(
        status(() => readPaging(query)),
        422,
        JSON.stringify(query),
      );
    }
  });
});

describe("methods", () => {
  it("answers 405 with Allow on a known path only", () => {
    assert.deepEqual(allowedMethods("/items/abc"), ["GET", "PUT", "DELETE"]);
    assert.equal(allowedMethods("/nope"), undefined);
    assert.equal(wrongMethod("HEAD", "/health"), undefined);
    assert.equal(wrongMethod("DELETE", "/nope"), undefined);
    const error = wrongMethod("DELETE", "/items");
    assert.ok(error instanceof HttpError);
    assert.equal(error.status, 405);
    assert.equal(error.headers.Allow, "GET, POST");
  });
});
