"""Bare FastAPI on uvicorn, with the generated service's server settings.

GET /health answers as the service's handler does, with the JSON already encoded, so
that the two differ only by what the template adds around the handler."""

import os

import uvicorn
from fastapi import FastAPI, Response

app = FastAPI()


@app.get("/health")
async def health() -> Response:
    return Response(b'{"status":"ok"}', media_type="application/json")


if __name__ == "__main__":
    uvicorn.run(
        app,
        host="0.0.0.0",
        port=int(os.environ["PORT"]),
        log_config=None,
        access_log=False,
        server_header=False,
        proxy_headers=True,
    )
