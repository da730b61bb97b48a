"""SAR drafts: a case's evidence as a FinCEN SAR, a goAML STR and an evidence pack.

Reads a case's evidence (`sever.cases`) and the institution config; writes
sar_documents (validated drafts and their approval) and, on export, the evidence pack
folder. Pure models (`config`, `facts`, `why`) import no engine; the XML writers
(`fincen`, `goaml`) validate what they produce, and nothing invalid is stored or written.
"""

from __future__ import annotations

from sever.sar.config import InstitutionConfig, load_institution
from sever.sar.documents import draft, export, load, validate
from sever.sar.xsd import SchemaValidationError

__all__ = [
    "InstitutionConfig",
    "SchemaValidationError",
    "draft",
    "export",
    "load",
    "load_institution",
    "validate",
]
