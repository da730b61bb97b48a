"""`sever blocklist ...`: propose, approve, appeal and publish signed block-list releases.

Reads and writes the block-list tables through `sever.blocklist`, key files under
`$SEVER_KEYS_DIR` and releases under `$SEVER_RELEASES_DIR`. Lists show identifiers
masked (type and a short prefix); `show --reveal` prints one entry's value for the
analyst deciding it. Every change needs `--actor` (or `$SEVER_ACTOR`) and is audited.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from sever.cli.alert_cmd import mask
from sever.cli.common import WarehouseOption, warehouse_from
from sever.errors import ExitCode, UserError

out = Console(width=None if Console().is_terminal else 160)

ActorOption = typer.Option(..., "--actor", envvar="SEVER_ACTOR", help="Who acts (audited).")
ConfigOption = typer.Option(
    None, "--config", envvar="SEVER_BLOCKLIST_CONFIG", help="Block-list config YAML."
)
KeysOption = typer.Option(None, "--keys-dir", envvar="SEVER_KEYS_DIR", help="Key directory.")
ReleasesOption = typer.Option(
    None, "--releases-dir", envvar="SEVER_RELEASES_DIR", help="Release directory."
)
ENTRY_COLS = [
    "entry_id",
    "state",
    "action",
    "applies_to",
    "id_type",
    "value",
    "reason_code",
    "subject_account_id",
    "provenance",
    "expires_at",
]


def _now() -> datetime:
    from sever.blocklist.store import now

    return now()


def _masked(value: str) -> str:
    return value[:3] + "…" if len(value) > 4 else "…"


def _row(e: dict[str, Any], reveal: bool = False) -> dict[str, Any]:
    provenance = e["alert_id"] or e["rule_ref"] or e["appeal_id"] or e["source"]
    value = e["value_norm"] if reveal else _masked(e["value_norm"])
    return {**e, "value": value, "provenance": provenance}


def _table(title: str, rows: list[dict[str, Any]], cols: list[str]) -> Table:
    table = Table(title=title)
    for col in cols:
        table.add_column(col)
    for r in rows:
        table.add_row(*(mask(r.get(c)) for c in cols))
    return table


def register(app: typer.Typer) -> None:
    bl = typer.Typer(
        help="Block lists: candidates, approval, appeals, signed releases, acknowledgements."
    )
    app.add_typer(bl, name="blocklist")
    keys_app = typer.Typer(help="Release signing key and recipient HMAC keys.")
    bl.add_typer(keys_app, name="keys")

    @bl.command("candidates")
    def candidates_cmd(
        propose: bool = typer.Option(
            False, "--propose", help="Propose from alerts and rules first."
        ),
        state: str = typer.Option("candidate", help="Entries in this state (or 'all')."),
        limit: int = typer.Option(200, help="Show at most this many."),
        config: Path | None = ConfigOption,
        warehouse: Path | None = WarehouseOption,
    ) -> None:
        """List entries awaiting a decision (or in another state); --propose refreshes them."""
        from sever.blocklist import candidates, store
        from sever.blocklist import config as bl_config

        wh = warehouse_from(warehouse)
        try:
            if propose:
                counts = candidates.propose(wh, _now(), bl_config.load(config))
                out.print(
                    f"proposed {counts['proposed']}, auto-approved {counts['auto_approved']}"
                    f", already known {counts['known']}; excluded {counts['excluded']};"
                    f" skipped {counts['skipped']}"
                )
            rows = store.list_entries(wh, None if state == "all" else state, limit)
        finally:
            wh.close()
        out.print(_table(f"entries: {state} ({len(rows)})", [_row(r) for r in rows], ENTRY_COLS))

    @bl.command("show")
    def show_cmd(
        entry_id: str = typer.Argument(...),
        reveal: bool = typer.Option(False, "--reveal", help="Print the identifier unmasked."),
        warehouse: Path | None = WarehouseOption,
    ) -> None:
        """One entry: what, why, provenance, signals, audit trail and appeals."""
        from sever.blocklist import store

        wh = warehouse_from(warehouse)
        try:
            e = _row(store.get(wh, entry_id), reveal)
            trail = store.history(wh, entry_id)
            appeals = wh.records(
                "cli:blocklist:appeals",
                "SELECT appeal_id, state, filed_by, filed_at, decided_by, decided_at"
                " FROM block_appeals WHERE entry_id = ? ORDER BY appeal_id",
                [entry_id],
            )
        finally:
            wh.close()
        facts = Table(show_header=False, box=None)
        for key in (
            "entry_id",
            "state",
            "action",
            "applies_to",
            "id_type",
            "value",
            "reason_code",
            "reason",
            "source",
            "subject_account_id",
            "alert_id",
            "rule_ref",
            "appeal_id",
            "override_of",
            "signal_ids",
            "auto_approved",
            "decided_by",
            "decided_at",
            "expires_at",
        ):
            value = e.get(key)
            facts.add_row(key, mask(", ".join(value) if isinstance(value, list) else value))
        out.print(facts)
        out.print(_table("appeals", appeals, list(appeals[0]) if appeals else ["appeal_id"]))
        out.print(
            _table(
                "audit trail", trail, ["at", "actor", "action", "from_state", "to_state", "note"]
            )
        )

    @bl.command("approve")
    def approve_cmd(
        entry_ids: list[str] = typer.Argument(..., help="Entries to approve."),
        actor: str = ActorOption,
        note: str | None = typer.Option(None, "--note", help="Why (audited)."),
        override_allow: bool = typer.Option(
            False, "--override-allow", help="New evidence: lift an appeal's allow override."
        ),
        config: Path | None = ConfigOption,
        warehouse: Path | None = WarehouseOption,
    ) -> None:
        """Approve candidates: in force from the next release until they expire."""
        from sever.blocklist import config as bl_config
        from sever.blocklist import decisions

        cfg = bl_config.load(config)
        wh = warehouse_from(warehouse)
        try:
            for entry_id in entry_ids:
                e = decisions.approve(
                    wh, entry_id, actor, _now(), note, override_allow=override_allow, cfg=cfg
                )
                out.print(
                    f"{e['entry_id']}: approved ({e['action']}) until {e['expires_at']:%Y-%m-%d}"
                )
        finally:
            wh.close()

    @bl.command("reject")
    def reject_cmd(
        entry_ids: list[str] = typer.Argument(..., help="Entries to reject."),
        actor: str = ActorOption,
        note: str | None = typer.Option(None, "--note", help="Why (audited)."),
        warehouse: Path | None = WarehouseOption,
    ) -> None:
        """Reject candidates; the same evidence never proposes them again."""
        from sever.blocklist import decisions

        wh = warehouse_from(warehouse)
        try:
            for entry_id in entry_ids:
                decisions.reject(wh, entry_id, actor, _now(), note)
                out.print(f"{entry_id}: rejected")
        finally:
            wh.close()

    @bl.command("renew")
    def renew_cmd(
        entry_id: str = typer.Argument(...),
        actor: str = ActorOption,
        days: int | None = typer.Option(None, "--days", help="Days from now (default: config)."),
        note: str | None = typer.Option(None, "--note", help="Why (audited)."),
        config: Path | None = ConfigOption,
        warehouse: Path | None = WarehouseOption,
    ) -> None:
        """Keep an approved, appealed or expired entry in force for longer."""
        from sever.blocklist import config as bl_config
        from sever.blocklist import decisions

        wh = warehouse_from(warehouse)
        try:
            e = decisions.renew(wh, entry_id, actor, _now(), days, note, cfg=bl_config.load(config))
        finally:
            wh.close()
        out.print(f"{entry_id}: {e['state']} until {e['expires_at']:%Y-%m-%d}")

    @bl.command("appeal")
    def appeal_cmd(
        entry_id: str = typer.Argument(...),
        reason: str = typer.Option(..., "--reason", help="What the person says (audited)."),
        actor: str = ActorOption,
        warehouse: Path | None = WarehouseOption,
    ) -> None:
        """File an appeal: the entry stays in force, flagged, until another analyst decides."""
        from sever.blocklist import appeals

        wh = warehouse_from(warehouse)
        try:
            a = appeals.file_appeal(wh, entry_id, reason, actor, _now())
        finally:
            wh.close()
        out.print(
            f"{a['appeal_id']} filed on {entry_id}; decide with "
            f"`sever blocklist appeal-decide {a['appeal_id']} --uphold|--deny`"
        )

    @bl.command("appeal-decide")
    def appeal_decide_cmd(
        appeal_id: str = typer.Argument(...),
        uphold: bool = typer.Option(..., "--uphold/--deny", help="Uphold (remove) or deny."),
        actor: str = ActorOption,
        note: str | None = typer.Option(None, "--note", help="Why (audited)."),
        config: Path | None = ConfigOption,
        warehouse: Path | None = WarehouseOption,
    ) -> None:
        """Decide an appeal; upheld removes the entries and writes allow overrides."""
        from sever.blocklist import appeals
        from sever.blocklist import config as bl_config

        wh = warehouse_from(warehouse)
        try:
            a = appeals.decide(
                wh, appeal_id, uphold, actor, _now(), note, cfg=bl_config.load(config)
            )
        finally:
            wh.close()
        tail = f"; allow overrides {', '.join(a['allow_entries'])}" if a["allow_entries"] else ""
        out.print(f"{appeal_id}: {a['state']}{tail}")

    @bl.command("appeals")
    def appeals_cmd(
        state: str | None = typer.Option(None, help="open, upheld or denied."),
        warehouse: Path | None = WarehouseOption,
    ) -> None:
        """List appeals."""
        from sever.blocklist import appeals

        wh = warehouse_from(warehouse)
        try:
            rows = appeals.list_appeals(wh, state)
        finally:
            wh.close()
        cols = [
            "appeal_id",
            "entry_id",
            "state",
            "filed_by",
            "filed_at",
            "decided_by",
            "decided_at",
        ]
        out.print(_table(f"appeals ({len(rows)})", rows, cols))

    @bl.command("auto-approve")
    def auto_approve_cmd(
        rule_ref: str = typer.Argument(..., help="RULE_ID@VERSION of a block_candidate rule."),
        actor: str = ActorOption,
        note: str | None = typer.Option(None, "--note", help="Why (recorded)."),
        revoke: bool = typer.Option(False, "--revoke", help="Stop automatic action."),
        warehouse: Path | None = WarehouseOption,
    ) -> None:
        """Approve a published block_candidate rule version for automatic action (or revoke)."""
        from sever.blocklist import decisions

        wh = warehouse_from(warehouse)
        try:
            if revoke:
                text = decisions.revoke_rule(wh, rule_ref, actor, _now())
            else:
                text = decisions.approve_rule(wh, rule_ref, actor, _now(), note)
        finally:
            wh.close()
        out.print(text)

    @bl.command("housekeep")
    def housekeep_cmd(warehouse: Path | None = WarehouseOption) -> None:
        """Expire due entries and remove entries resting on deleted signals."""
        from sever.blocklist import housekeeping

        wh = warehouse_from(warehouse)
        try:
            removed = housekeeping.propagate_deletions(wh, _now())
            expired = housekeeping.expire_entries(wh, _now())
        finally:
            wh.close()
        out.print(f"removed {removed} (deleted signals), expired {expired}")

    @bl.command("release")
    def release_cmd(
        actor: str = ActorOption,
        config: Path | None = ConfigOption,
        keys_dir: Path | None = KeysOption,
        releases_dir: Path | None = ReleasesOption,
        warehouse: Path | None = WarehouseOption,
    ) -> None:
        """Publish the next signed release for every configured recipient."""
        from sever.blocklist import config as bl_config
        from sever.blocklist import release

        wh = warehouse_from(warehouse)
        try:
            results = release.publish(
                wh,
                _now(),
                actor,
                cfg=bl_config.load(config),
                keys_dir=keys_dir,
                releases_dir=releases_dir,
            )
        finally:
            wh.close()
        for r in results:
            if not r.created:
                out.print(f"{r.recipient}: {r.note}")
                continue
            c = r.counts
            out.print(
                f"{r.recipient}: R{r.release_no:06d} at {r.path}: {c['total']} entries"
                f" (+{c['added']} -{c['removed']}, {c['under_appeal']} under appeal)"
            )

    @bl.command("verify")
    def verify_cmd(
        path: Path = typer.Argument(..., help="A release directory R<no>/<recipient>."),
        public_key: Path | None = typer.Option(
            None, "--public-key", help="Signing public key (default: <keys>/signing.pub)."
        ),
        keys_dir: Path | None = KeysOption,
    ) -> None:
        """Check a release's signature and every checksum; exits 1 if anything is off."""
        from sever.blocklist import keys
        from sever.blocklist.signing import SignatureError
        from sever.blocklist.verify import verify_release

        try:
            m = verify_release(path, public_key or keys.paths(keys_dir).signing_public)
        except SignatureError as exc:
            Console(stderr=True).print(f"[bold red]REJECTED[/] {mask(str(exc))}")
            raise typer.Exit(int(ExitCode.FAILED)) from None
        out.print(
            f"[green]OK[/] R{m.release_no:06d} for {m.recipient}: {m.counts['total']} "
            f"entries, signed by key {m.signature.key_id if m.signature else '?'}"
        )

    @keys_app.command("init")
    def keys_init_cmd(
        config: Path | None = ConfigOption, keys_dir: Path | None = KeysOption
    ) -> None:
        """Create the signing key pair and any missing recipient HMAC key (never overwrites)."""
        from sever.blocklist import config as bl_config
        from sever.blocklist import keys

        for line in keys.init(bl_config.load(config), keys_dir):
            out.print(line)

    @bl.command("ack")
    def ack_cmd(
        client: str = typer.Option(..., "--client", help="The payment system that loaded it."),
        recipient: str = typer.Option(..., "--recipient", help="The release's recipient."),
        release_no: int = typer.Option(..., "--release", help="Release number loaded."),
        loaded_at: datetime | None = typer.Option(None, "--loaded-at", help="When (UTC)."),
        warehouse: Path | None = WarehouseOption,
    ) -> None:
        """Record that a payment system loaded a release."""
        from sever.blocklist import acks

        wh = warehouse_from(warehouse)
        try:
            a = acks.ack(wh, client, recipient, release_no, _now(), loaded_at, via="cli")
        finally:
            wh.close()
        out.print(f"{a['client_id']} runs R{release_no:06d} for {recipient}")

    @bl.command("status")
    def status_cmd(
        state_dir: Path | None = typer.Option(
            None,
            "--state-dir",
            help="First load the screening service's decision and ack logs from this folder.",
        ),
        warehouse: Path | None = WarehouseOption,
    ) -> None:
        """Which payment system runs which release, and how far behind the latest it is."""
        from sever.blocklist import acks

        wh = warehouse_from(warehouse)
        try:
            if state_dir is not None:
                from sever.realtime.logs import import_logs

                loaded = import_logs(wh, state_dir)
                out.print(
                    f"service logs: {loaded['acks_added']} new acks,"
                    f" {loaded['outcomes_added']} new screening outcomes",
                    highlight=False,
                )
            rows = acks.status(wh)
            counts = wh.records(
                "cli:blocklist:counts",
                "SELECT state, action, count(*) AS n FROM block_entries GROUP BY ALL ORDER BY ALL",
            )
        finally:
            wh.close()
        if not rows:
            raise UserError(
                "no block-list release has been published yet: `sever blocklist release`"
            )
        cols = [
            "recipient",
            "client_id",
            "release_no",
            "latest_no",
            "behind",
            "loaded_at",
            "reported_at",
            "via",
        ]
        out.print(_table("clients and releases", rows, cols))
        out.print(_table("entries", counts, ["state", "action", "n"]))
