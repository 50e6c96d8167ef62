"""Debian packages: install what is missing in one `apt-get install`, as root."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from stackwise.services.base import ServiceError, log, run

APT_LISTS = Path("/var/lib/apt/lists")
APT_ENV = {"DEBIAN_FRONTEND": "noninteractive"}


def as_root(cmd: list[str]) -> list[str]:
    """`cmd` as root: as is when we are root, else through `sudo -n`."""
    if os.geteuid() == 0:
        return cmd
    if shutil.which("sudo"):
        return ["sudo", "-n", *cmd]
    raise ServiceError(f"{cmd[0]}: needs root (run as root or install sudo)")


def as_user(user: str, cmd: list[str]) -> list[str]:
    """`cmd` as the system user `user` (e.g. postgres for peer authentication)."""
    if os.geteuid() == 0 and shutil.which("runuser"):
        return ["runuser", "-u", user, "--", *cmd]
    return ["sudo", "-n", "-u", user, *cmd]


def lists_present() -> bool:
    return any(APT_LISTS.glob("*_Packages*"))


def install(packages: list[str]) -> None:
    """Install `packages` with one `apt-get install`; `apt-get update` only when needed."""
    if not packages:
        return
    if not shutil.which("apt-get"):
        raise ServiceError(f"apt-get not found; install {' '.join(packages)} by hand")
    wanted = sorted(set(packages))
    command = as_root(["apt-get", "install", "-y", "--no-install-recommends", *wanted])
    what = f"apt-get install {' '.join(wanted)}"
    log.info("installing %s", " ".join(wanted))
    if not lists_present():
        update()
    try:
        run(command, what=what, env=APT_ENV)
    except ServiceError:
        update()  # stale or missing lists are the usual cause: refresh them once
        run(command, what=what, env=APT_ENV)


def update() -> None:
    log.info("apt-get update")
    run(as_root(["apt-get", "update"]), what="apt-get update", env=APT_ENV)
