import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { describe, it } from "node:test";
import { promisify } from "node:util";

const LOG = JSON.stringify(new URL("../../src/log.js", import.meta.url).href);
const HTTP = JSON.stringify(new URL("../../src/http.js", import.meta.url).href);

type Line = Record<string, unknown>;
const parse = (out: string): Line[] =>
  out
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Line);

/** What a fresh process that runs `code` (log.ts imported as `log`) writes on stdout by its end. */
async function outputOf(code: string): Promise<string> {
  const args = ["--input-type=module", "-e", `import * as log from ${LOG};\n${code}`];
  try {
    return (await promisify(execFile)(process.execPath, args)).stdout;
  } catch (error) {
    return (error as { stdout: string }).stdout; // a crash: what it wrote before
  }
}

const linesOf = async (code: string): Promise<Line[]> => parse(await outputOf(code));

describe("log", () => {
  it("writes the request line with the contract's fields, as JSON", async () => {
    const [line] = await linesOf(`log.logRequest("GET", '/a"b\\\\c\u00e9', 404, 1.23456);`);
    assert.ok(line);
    const { time, ...fields } = line;
    assert.ok(!Number.isNaN(Date.parse(String(time))));
    assert.deepEqual(fields, {
      level: "info",
      message: "request",
      method: "GET",
      path: '/a"b\\cé',
      status: 404,
      duration_ms: 1.23,
    });
  });

  it("writes the request line as JSON.stringify would, byte for byte, odd paths included", async () => {
    const paths = ["/health", '/a"b', "/a\\b", "/\u0000\n\u001f\u007f", "/é/日/😀", "/\ud800", "/\u2028"];
    const requests = [...paths.map((path) => ["GET", path]), ["M-SEARCH", "*"]] as const;
    const output = await outputOf(
      requests
        .map(([method, path]) => `log.logRequest(${JSON.stringify(method)}, ${JSON.stringify(path)}, 200, 1.23456);`)
        .join("\n"),
    );
    const lines = output.split("\n").slice(0, -1);
    assert.deepEqual(
      lines,
      requests.map(([method, path], i) => {
        const { time } = JSON.parse(lines[i] ?? "{}") as Line;
        return JSON.stringify({
          time,
          level: "info",
          message: "request",
          method,
          path,
          status: 200,
          duration_ms: 1.23,
        });
      }),
    );
  });

  it("follows the log level", async () => {
    const lines = await linesOf(`log.setLogLevel("warning"); log.logRequest("GET", "/", 200, 1); log.log.warn("w");`);
    assert.deepEqual(
      lines.map((line) => line.message),
      ["w"],
    );
  });

  it("keeps every line whole and in order, past the size of one write and beyond", async () => {
    const lines = await linesOf(
      `for (let i = 0; i < 3000; i++) log.logRequest("GET", "/é/" + i, 200, 1);
       log.log.info("big", { text: "日".repeat(70000) });
       log.logRequest("GET", "/last", 200, 1);`,
    );
    assert.equal(lines.length, 3002);
    assert.deepEqual(
      lines.slice(0, 3000).map((line) => line.path),
      Array.from({ length: 3000 }, (_, i) => `/é/${i}`),
    );
    assert.equal(lines[3000]?.text, "日".repeat(70000));
    assert.equal(lines[3001]?.path, "/last");
  });

  it("writes a line as each response of a TimedRequest/LoggedResponse server ends, once", async () => {
    const lines = await linesOf(
      `const { createServer } = await import("node:http");
       const { LoggedResponse, TimedRequest } = await import(${HTTP});
       const options = { IncomingMessage: TimedRequest, ServerResponse: LoggedResponse };
       const server = createServer(options, (req, res) => {
         res.statusCode = req.url.startsWith("/missing") ? 404 : 200;
         res.end("x", () => {});
         res.end();
       }).listen(0, "127.0.0.1");
       await new Promise((resolve) => server.once("listening", resolve));
       const base = "http://127.0.0.1:" + server.address().port;
       await (await fetch(base + "/a?b=c")).text();
       await (await fetch(base + "/missing/", { method: "DELETE" })).text();
       process.exit(0);`,
    );
    assert.deepEqual(
      lines.map(({ method, path, status }) => [method, path, status]),
      [
        ["GET", "/a", 200],
        ["DELETE", "/missing/", 404],
      ],
    );
    assert.ok(lines.every((line) => typeof line.duration_ms === "number" && line.duration_ms >= 0));
  });

  it("loses nothing on process.exit() or a crash", async () => {
    const exit = await linesOf(`log.logRequest("GET", "/", 200, 1); process.exit(3);`);
    assert.equal(exit.length, 1);
    const crash = await linesOf(`log.log.info("before"); setImmediate(() => { throw new Error("boom"); });`);
    assert.deepEqual(
      crash.map((line) => line.message),
      ["before"],
    );
  });

  it("has every line written once logFlushed() resolves, to a pipe slow to read too", async () => {
    const code = `import * as log from ${LOG};
      log.log.info("big", { text: "x".repeat(200_000) }); // more than a pipe holds
      log.logRequest("GET", "/last", 200, 1);
      await log.logFlushed();
      process.exit(3);`;
    const env = { ...process.env, NODE: process.execPath, CODE: code };
    const shell = '"$NODE" --input-type=module -e "$CODE" | (sleep 0.3; cat)';
    const { stdout } = await promisify(execFile)("sh", ["-c", shell], { env, maxBuffer: 1 << 20 });
    assert.deepEqual(
      parse(stdout).map((line) => line.message),
      ["big", "request"],
    );
  });

  it("writes soon, not only at exit, while the process runs on", async () => {
    const code = `import * as log from ${LOG}; log.logRequest("GET", "/", 200, 1); setTimeout(() => {}, 10_000);`;
    const child = spawn(process.execPath, ["--input-type=module", "-e", code]);
    try {
      const [chunk] = (await once(child.stdout, "data")) as [Buffer];
      const [line] = parse(chunk.toString());
      assert.equal(line?.message, "request");
      assert.ok(Date.now() - Date.parse(String(line.time)) < 1000); // 50 ms, with room for a loaded machine
    } finally {
      child.kill();
    }
  });
});
