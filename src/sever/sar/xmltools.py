"""Small helpers to build FinCEN batch XML: element order, SeqNums, clean bounded text.

Reads and writes nothing. FinCEN rejects values with leading or trailing spaces, line
breaks, tabs or other control characters, and each field has a maximum length; `text`
makes any value conform (or drops it when nothing is left).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

NS = "www.fincen.gov/base"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = "www.fincen.gov/base https://www.fincen.gov/base/EFL_SARXBatchSchema.xsd"
ET.register_namespace("fc2", NS)
ET.register_namespace("xsi", XSI)

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\s]+")


def text(value: object, limit: int) -> str | None:
    """One line, single spaces, at most `limit` characters, no edge spaces; None if empty."""
    if value is None:
        return None
    clean = _CONTROL.sub(" ", str(value)).strip()[:limit].rstrip()
    return clean or None


class Builder:
    """Creates namespaced elements and numbers the ones that carry a SeqNum, in order."""

    def __init__(self) -> None:
        self.seq = 0

    def tag(self, name: str) -> str:
        return f"{{{NS}}}{name}"

    def node(self, parent: ET.Element | None, name: str) -> ET.Element:
        """A complex element with the next SeqNum."""
        self.seq += 1
        attrib = {"SeqNum": str(self.seq)}
        if parent is None:
            return ET.Element(self.tag(name), attrib)
        return ET.SubElement(parent, self.tag(name), attrib)

    def leaf(self, parent: ET.Element, name: str, value: object, limit: int = 4000) -> None:
        """A simple element, left out when the value is empty after cleaning."""
        clean = text(value, limit)
        if clean is not None:
            ET.SubElement(parent, self.tag(name)).text = clean

    def flag(self, parent: ET.Element, name: str, on: bool = True) -> None:
        if on:
            ET.SubElement(parent, self.tag(name)).text = "Y"


def serialise(root: ET.Element) -> str:
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
