"""Kafka in KRaft mode (one node, broker and controller) from its jars on Maven Central."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
import socket
import struct
import uuid
from importlib import resources
from pathlib import Path
from typing import ClassVar

from stackwise.services.base import (
    HOST,
    Daemon,
    ServiceError,
    exchange,
    log,
    recv_exact,
    run,
)

PORT = 9092
CONTROLLER_PORT = 9093
API_VERSIONS = 18
PRODUCE = 0
CORRELATION_ID = 0x5747
JAVA_OPTS = ["-Xms256m", "-Xmx512m", "-XX:+UseG1GC", "-Djava.awt.headless=true"]

LOG4J2 = """\
status = warn
appender.out.type = Console
appender.out.name = out
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.out.ref = out
"""


def server_properties(data: Path, port: int = PORT, controller_port: int = CONTROLLER_PORT) -> str:
    settings = {
        "process.roles": "broker,controller",
        "node.id": "1",
        "controller.quorum.bootstrap.servers": f"{HOST}:{controller_port}",
        "listeners": f"PLAINTEXT://{HOST}:{port},CONTROLLER://{HOST}:{controller_port}",
        "advertised.listeners": f"PLAINTEXT://{HOST}:{port}",
        "controller.listener.names": "CONTROLLER",
        "inter.broker.listener.name": "PLAINTEXT",
        "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "log.dirs": str(data),
        "num.partitions": "1",
        "auto.create.topics.enable": "true",
        "offsets.topic.replication.factor": "1",
        "transaction.state.log.replication.factor": "1",
        "transaction.state.log.min.isr": "1",
        "share.coordinator.state.topic.replication.factor": "1",
        "share.coordinator.state.topic.min.isr": "1",
        "group.initial.rebalance.delay.ms": "0",
    }
    return "".join(f"{key}={value}\n" for key, value in settings.items())


def cluster_id() -> str:
    """A random cluster id as Kafka writes one: URL-safe base64 of 16 bytes, no padding,
    never starting with '-' (it would read as an option)."""
    while True:
        text = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
        if not text.startswith("-"):
            return text


def api_versions_request() -> bytes:
    """ApiVersions v0, which every broker answers (client id `stackwise`)."""
    client = b"stackwise"
    body = struct.pack("!hhih", API_VERSIONS, 0, CORRELATION_ID, len(client)) + client
    return struct.pack("!i", len(body)) + body


def read_response(sock: socket.socket) -> bytes:
    size = struct.unpack("!i", recv_exact(sock, 4))[0]
    return recv_exact(sock, size)


def serves_produce(response: bytes | None) -> bool:
    """The ApiVersions answer is ours, without error, and lists Produce."""
    if response is None or len(response) < 10:
        return False
    correlation, error, count = struct.unpack_from("!ihi", response)
    if correlation != CORRELATION_ID or error != 0 or len(response) < 10 + 6 * count:
        return False
    return any(struct.unpack_from("!h", response, 10 + 6 * i)[0] == PRODUCE for i in range(count))


def java_major(version_output: str) -> int | None:
    """17 from `openjdk version "17.0.15"`, 8 from `java version "1.8.0_392"`."""
    match = re.search(r'version "(\d+)(?:\.(\d+))?', version_output)
    if not match:
        return None
    major = int(match[1])
    return int(match[2]) if major == 1 and match[2] else major


def java() -> str | None:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and Path(java_home, "bin", "java").exists():
        return str(Path(java_home, "bin", "java"))
    return shutil.which("java")


class Kafka(Daemon):
    name = "kafka"
    port = PORT
    controller_port: ClassVar[int] = CONTROLLER_PORT
    url = f"{HOST}:{PORT}"
    start_timeout = 120.0
    stop_timeout = 60.0
    marker = "kafka.Kafka"

    def __init__(self, state: Path, libs: Path | None = None) -> None:
        super().__init__(state)
        self.libs = libs or self.state / "libs"
        self.data = self.state / "data"
        self.pom = (
            resources.files("stackwise.services") / "data" / "kafka" / "pom.xml"
        ).read_bytes()

    def libs_current(self) -> bool:
        stamp = self.libs / ".pom-sha256"
        return stamp.exists() and stamp.read_text() == hashlib.sha256(self.pom).hexdigest()

    def missing_packages(self) -> list[str]:
        missing = [] if java() else ["openjdk-17-jre-headless"]
        if not self.libs_current() and not shutil.which("mvn"):
            missing.append("maven")
        return missing

    def probe(self) -> bool:
        return serves_produce(exchange(self.port, api_versions_request(), read_response))

    def prepare(self) -> None:
        binary = java()
        if binary is None:
            raise ServiceError("java not found; install a JDK 17+")
        major = java_major(run([binary, "-version"], what="java -version", merge=True))
        if major is None or major < 17:
            raise ServiceError(f"{binary} is Java {major}; Kafka 4 needs Java 17+ (JAVA_HOME)")
        if not self.libs_current():
            self.resolve_jars()

    def resolve_jars(self) -> None:
        if not shutil.which("mvn"):
            raise ServiceError("mvn not found; install Maven to fetch the Kafka jars")
        log.info("kafka: fetching the Kafka jars with Maven (once)")
        self.state.mkdir(parents=True, exist_ok=True)
        pom = self.state / "pom.xml"
        pom.write_bytes(self.pom)
        staging = self.state / "libs.partial"
        shutil.rmtree(staging, ignore_errors=True)
        run(
            [
                "mvn",
                "-q",
                "-B",
                "-f",
                pom,
                "dependency:copy-dependencies",
                "-DincludeScope=runtime",
                f"-DoutputDirectory={staging}",
            ],
            what="mvn dependency:copy-dependencies",
            timeout=900,
        )
        (staging / ".pom-sha256").write_text(hashlib.sha256(self.pom).hexdigest())
        shutil.rmtree(self.libs, ignore_errors=True)
        staging.rename(self.libs)

    def java_command(self, *args: str | Path) -> list[str | Path]:
        log4j = f"-Dlog4j2.configurationFile={self.state / 'log4j2.properties'}"
        return [java() or "java", *JAVA_OPTS, log4j, "-cp", f"{self.libs}/*", *args]

    def start(self) -> None:
        self.state.mkdir(parents=True, exist_ok=True)
        config = self.state / "server.properties"
        config.write_text(server_properties(self.data, self.port, self.controller_port))
        (self.state / "log4j2.properties").write_text(LOG4J2)
        if not (self.data / "meta.properties").exists():
            log.info("kafka: formatting the KRaft storage")
            run(
                self.java_command(
                    "kafka.tools.StorageTool",
                    "format",
                    "--standalone",
                    "--cluster-id",
                    cluster_id(),
                    "--config",
                    config,
                ),
                what="storage format",
                timeout=120,
            )
        self.launch(self.java_command("kafka.Kafka", config))
