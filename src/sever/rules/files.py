"""Load rule files: YAML that keeps ledger text as text, every problem with file and line.

Reads `rules/*.yaml` (or one file); returns `RuleFile`s (the validated rule, its
canonical YAML and the sha256 of it, which is the version's content hash) and
`Problem`s. The canonical form leaves `cases` out: adding a test never needs a new
version. No engine is imported here.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from sever.rules.expr import ConditionError
from sever.rules.spec import Rule
from sever.yamlpos import line_of, where


class _TextLoader(yaml.SafeLoader):
    """Timestamps stay text and only true/false are booleans (`country: NO` is Norway)."""


_TextLoader.yaml_implicit_resolvers = {
    first: [
        (tag, rx)
        for tag, rx in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_TextLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


@dataclass(frozen=True)
class Problem:
    path: Path
    where: str  # e.g. condition, cases[0].expect[1].hit
    line: int | None
    message: str

    def render(self) -> str:
        at = f"{self.path}:{self.line}" if self.line else str(self.path)
        sep = "" if self.message.startswith("\n") else " "
        return f"{at}: {self.where}:{sep}{self.message}" if self.where else f"{at}: {self.message}"


@dataclass(frozen=True)
class RuleFile:
    path: Path
    rule: Rule
    canonical: str
    content_hash: str


class RuleFileError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(p.render() for p in problems))


class _Dumper(yaml.SafeDumper):
    """Canonical YAML for hashing and diffs: sorted keys, one line per line of text."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def canonical_text(body: dict[str, Any]) -> str:
    return yaml.dump(body, Dumper=_Dumper, sort_keys=True, allow_unicode=True, width=10**6)


def canonical(rule: Rule) -> str:
    return canonical_text(rule.model_dump(mode="json", exclude={"cases"}))


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _problems(path: Path, exc: ValidationError, root: yaml.Node | None) -> list[Problem]:
    out = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p[:1].isupper()))
        cause = (err.get("ctx") or {}).get("error")
        if isinstance(cause, ConditionError):
            message = "\n" + "\n".join(
                "  " + e.render().replace("\n", "\n  ") for e in cause.errors
            )
        else:
            message = err["msg"].removeprefix("Value error, ")
        out.append(Problem(path, where(loc), line_of(root, loc), message))
    return out


def parse_rule(text: str, path: Path) -> RuleFile:
    """Validate one rule's YAML text; raise `RuleFileError` with every problem."""
    try:
        root = yaml.compose(text, Loader=_TextLoader)
        data = yaml.load(text, Loader=_TextLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise RuleFileError([Problem(path, "", line, f"not valid YAML: {exc}")]) from None
    if not isinstance(data, dict):
        raise RuleFileError([Problem(path, "", 1, "a rule file is a YAML mapping")])
    try:
        rule = Rule.model_validate(data)
    except ValidationError as exc:
        raise RuleFileError(_problems(path, exc, root)) from None
    text_form = canonical(rule)
    return RuleFile(path, rule, text_form, content_hash(text_form))


def load_rule_file(path: Path) -> RuleFile:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RuleFileError([Problem(path, "", None, f"cannot read: {exc}")]) from None
    return parse_rule(text, path)


def rule_paths(rules_dir: Path) -> list[Path]:
    return sorted([*rules_dir.glob("*.yaml"), *rules_dir.glob("*.yml")])


def load_rules(rules_dir: Path) -> tuple[list[RuleFile], list[Problem]]:
    """Every rule in the folder that validates, and the problems of those that do not."""
    if not rules_dir.is_dir():
        return [], [Problem(rules_dir, "", None, "not a directory")]
    files, problems = [], []
    for path in rule_paths(rules_dir):
        try:
            files.append(load_rule_file(path))
        except RuleFileError as exc:
            problems.extend(exc.problems)
    seen: dict[str, Path] = {}
    for f in files:
        if f.rule.id in seen:
            message = f"rule id {f.rule.id!r} is also defined in {seen[f.rule.id]}"
            problems.append(Problem(f.path, "id", None, message))
        seen.setdefault(f.rule.id, f.path)
    dup = {p.path for p in problems if p.where == "id"}
    return [f for f in files if f.path not in dup], problems


def find_rule(rules_dir: Path, ref: str) -> RuleFile:
    """A rule by file path, or by id (optionally `id@version`) in the rules folder."""
    path = Path(ref)
    if path.suffix in (".yaml", ".yml") and path.is_file():
        return load_rule_file(path)
    rule_id = ref.split("@", 1)[0]
    files, problems = load_rules(rules_dir)
    for f in files:
        if f.rule.id == rule_id:
            return f
    bad = [p for p in problems if p.path.stem == rule_id]
    if bad:
        raise RuleFileError(bad)
    known = ", ".join(sorted(f.rule.id for f in files)) or "none"
    raise RuleFileError([Problem(rules_dir, "", None, f"no rule {rule_id!r} (known: {known})")])
