"""The one vendor MIME type that every drop target accepts: ids of findings and outline nodes."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from PySide6.QtCore import QMimeData

MIME_TYPE = "application/vnd.briefing-builder.items+json"


@dataclass
class DragPayload:
    findings: list[str] = field(default_factory=list)  # finding ids, from the findings list
    nodes: list[str] = field(default_factory=list)  # outline node ids, for moves within the outline
    cut: bool = False  # Edit → Cut: pasting moves the nodes rather than copying them

    def to_mime(self) -> QMimeData:
        mime = QMimeData()
        mime.setData(
            MIME_TYPE,
            json.dumps({"findings": self.findings, "nodes": self.nodes, "cut": self.cut}).encode(),
        )
        # A plain-text version lets the officer drop ids into any text editor.
        mime.setText("\n".join(self.findings))
        return mime

    @classmethod
    def from_mime(cls, mime: QMimeData | None) -> DragPayload | None:
        if mime is None or not mime.hasFormat(MIME_TYPE):
            return None
        try:
            data = json.loads(bytes(mime.data(MIME_TYPE).data()).decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return None
        if not isinstance(data, dict):
            return None
        findings = [str(x) for x in data.get("findings", []) if isinstance(x, str)]
        nodes = [str(x) for x in data.get("nodes", []) if isinstance(x, str)]
        if not findings and not nodes:
            return None
        return cls(findings, nodes, data.get("cut") is True)
