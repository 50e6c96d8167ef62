"""Bare FastAPI on uvicorn, with the generated service's server settings."""

import os

import uvicorn
from fastapi import FastAPI

app = FastAPI()


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


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
