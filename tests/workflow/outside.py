"""What a scan tells the world, caught on 127.0.0.1: a local SMTP server, a notification command, the metrics file."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import sys
import textwrap
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from prometheus_client.parser import text_string_to_metric_families

# A notification command as an operator would write one: it reads the JSON on stdin and keeps it.
KEEPER = textwrap.dedent(
    """
    import sys
    document = sys.stdin.read()
    with open(sys.argv[1], "a", encoding="utf-8") as out:
        out.write(document.replace("\\n", " ") + "\\n")
    """
)


@dataclass
class Inbox:
    """An SMTP server's handler that keeps every message it is given."""

    messages: list[EmailMessage] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)
    port: int = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"

    def attachment(self, index: int = -1) -> dict[str, Any]:
        """The JSON document attached to a message."""
        for part in self.messages[index].iter_attachments():
            if part.get_content_type() == "application/json":
                return dict(json.loads(part.get_content()))
        raise AssertionError("the message has no JSON attachment")

    def body(self, index: int = -1) -> str:
        part = self.messages[index].get_body(preferencelist=("plain",))
        assert part is not None
        return str(part.get_content())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SmtpServer:
    """An aiosmtpd server on 127.0.0.1; a context manager giving its Inbox."""

    def __init__(self) -> None:
        self.inbox = Inbox(port=free_port())
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.inbox.port)

    def __enter__(self) -> Inbox:
        self.controller.start()
        return self.inbox

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


@dataclass
class Outside:
    """Where one test's scans report to, and the settings (as SCANNER_* variables) that send them there."""

    inbox: Inbox
    folder: Path

    @property
    def metrics_file(self) -> Path:
        return self.folder / "scanner.prom"

    @property
    def commands_file(self) -> Path:
        return self.folder / "notified.jsonl"

    def env(self, events: list[str] | None = None) -> dict[str, str]:
        keeper = self.folder / "keeper.py"
        keeper.write_text(KEEPER, encoding="utf-8")
        values = {
            "SCANNER_MONITORING_TEXTFILE": str(self.metrics_file),
            "SCANNER_NOTIFY_EMAIL_TO": '["zeden@gemeente.example", "wachtdienst@politie.example"]',
            "SCANNER_NOTIFY_EMAIL_FROM": "scanner@gemeente.example",
            "SCANNER_NOTIFY_SMTP_HOST": "127.0.0.1",
            "SCANNER_NOTIFY_SMTP_PORT": str(self.inbox.port),
            "SCANNER_NOTIFY_COMMAND": json.dumps([sys.executable, str(keeper), str(self.commands_file)]),
            "SCANNER_NOTIFY_LINK_BASE": "https://scanner.gemeente.example",
        }
        if events is not None:
            values["SCANNER_NOTIFY_EVENTS"] = json.dumps(events)
        return values

    def commands(self) -> list[dict[str, Any]]:
        if not self.commands_file.exists():
            return []
        return [json.loads(line) for line in self.commands_file.read_text(encoding="utf-8").splitlines()]

    def metrics(self) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
        return read_metrics(self.metrics_file)


def read_metrics(path: Path) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a Prometheus text file, by name and sorted labels, as Prometheus would parse it."""
    samples = {}
    for family in text_string_to_metric_families(path.read_text(encoding="utf-8")):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples
