"""Bring the local services up, down, or report them; in parallel where they are independent."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from stackwise.services import apt
from stackwise.services.base import Service, ServiceError, ServiceStatus, home, wait_until
from stackwise.services.kafka import Kafka
from stackwise.services.mongodb import MongoDB
from stackwise.services.postgres import Postgres
from stackwise.services.rabbitmq import RabbitMQ
from stackwise.services.redis import Redis

SERVICES: dict[str, type[Service]] = {
    cls.name: cls for cls in (Postgres, Redis, RabbitMQ, Kafka, MongoDB)
}
NAMES = tuple(SERVICES)

T = TypeVar("T")


class ServicesError(ServiceError):
    """Some services did not come up; `results` has every service's status."""

    def __init__(self, results: dict[str, ServiceStatus]) -> None:
        self.results = results
        failed = [f"{r.name}: {r.detail}" for r in results.values() if not r.ok]
        super().__init__("; ".join(failed))


def urls() -> dict[str, str]:
    """Where each service answers once it is up."""
    return {name: cls.url for name, cls in SERVICES.items()}


def select(names: Iterable[str] | None, *, with_requirements: bool) -> list[str]:
    """Validated names in start order (all by default), plus what they need to run."""
    chosen = set(names or NAMES)
    unknown = chosen - set(NAMES)
    if unknown:
        raise ServiceError(
            f"unknown service {', '.join(sorted(unknown))} (choose from {', '.join(NAMES)})"
        )
    if with_requirements:
        chosen |= {req for name in chosen for req in SERVICES[name].requires}
    return [name for name in NAMES if name in chosen]


def instances(names: list[str]) -> list[Service]:
    state = home()
    return [SERVICES[name](state) for name in names]


def each(services: list[Service], work: Callable[[Service], T]) -> dict[str, T]:
    """`work` on every service at once, results by name."""
    with ThreadPoolExecutor(max_workers=max(len(services), 1)) as pool:
        futures = {svc.name: pool.submit(work, svc) for svc in services}
    return {name: future.result() for name, future in futures.items()}


def status(names: Iterable[str] | None = None) -> dict[str, ServiceStatus]:
    """Which services answer on their port (probes only, nothing is started)."""
    services = instances(select(names, with_requirements=False))
    answers = each(services, lambda svc: svc.probe())
    return {svc.name: svc.status("up" if answers[svc.name] else "down") for svc in services}


def up(names: Iterable[str] | None = None, *, check: bool = True) -> dict[str, ServiceStatus]:
    """Install what is missing, start what is down, wait until each answers.

    Services that need another (mongodb needs postgres) bring it up too. With `check`,
    raise ServicesError if any failed; otherwise failures have state "error".
    """
    began = time.monotonic()
    services = instances(select(names, with_requirements=True))
    ready = each(services, lambda svc: svc.ready())
    results = {svc.name: svc.status("up") for svc in services if ready[svc.name]}
    todo = [svc for svc in services if not ready[svc.name]]
    try:
        apt.install([pkg for svc in todo for pkg in svc.missing_packages()])
    except ServiceError as exc:
        results |= {svc.name: svc.status("error", str(exc)) for svc in todo}
        todo = []
    futures: dict[str, Future[ServiceStatus]] = {}
    with ThreadPoolExecutor(max_workers=max(len(todo), 1)) as pool:
        for svc in todo:  # start order: what a service requires is submitted before it
            needs = [futures[req] for req in svc.requires if req in futures]
            futures[svc.name] = pool.submit(bring_up, svc, needs, began)
    results |= {name: future.result() for name, future in futures.items()}
    ordered = {name: results[name] for name in NAMES if name in results}
    if check and any(not r.ok for r in ordered.values()):
        raise ServicesError(ordered)
    return ordered


def bring_up(svc: Service, needs: list[Future[ServiceStatus]], began: float) -> ServiceStatus:
    for need in needs:
        needed = need.result()
        if not needed.ok:
            return svc.status("error", f"needs {needed.name}, which failed")
    try:
        svc.prepare()
        if not svc.probe():
            svc.start()
            wait_until(lambda: svc.probe() or not svc.running(), svc.start_timeout)
            if not svc.probe():
                raise ServiceError(svc.failure())
        svc.configure()
    except (ServiceError, OSError) as exc:
        return svc.status("error", str(exc), time.monotonic() - began)
    return svc.status("started", seconds=time.monotonic() - began)


def down(names: Iterable[str] | None = None) -> dict[str, ServiceStatus]:
    """Stop the services (all by default); state "stopped", or "down" if none ran."""
    services = instances(select(names, with_requirements=False))

    def stop(svc: Service) -> ServiceStatus:
        try:
            return svc.status("stopped" if svc.stop() else "down")
        except (ServiceError, OSError) as exc:
            return svc.status("error", str(exc))

    return each(services, stop)
