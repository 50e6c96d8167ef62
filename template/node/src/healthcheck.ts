// The image's HEALTHCHECK: GET /health on this container's PORT; exit 0 when it answers 200.
const port = process.env.PORT ?? "8000";
try {
  const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(4000) });
  process.exit(response.ok ? 0 : 1);
} catch {
  process.exit(1);
}
