"""`sever serve`: the real-time screening service; `sever screen`: one decision, for analysts.

`serve` reads a releases folder, the release public key, the recipient's HMAC key, the
clients file and optionally the rules; it appends decision and ack logs to the state
directory and never opens the warehouse for writing (only, with `--warehouse`, reads the
rule approvals once). `screen` reads a payment as JSON (the `POST /v1/screen` body) and
prints the decision.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from sever.errors import ExitCode, SeverError, UserError

Releases = Annotated[
    Path | None,
    typer.Option(
        "--releases",
        help="Folder of releases (R<no:06d>/<recipient>/); default $SEVER_RELEASES_DIR or"
        " ./releases.",
    ),
]
Recipient = Annotated[str, typer.Option("--recipient", help="Whose releases to load.")]
PublicKey = Annotated[
    Path | None,
    typer.Option(
        "--public-key",
        help="Ed25519 release verification key (PEM); default <keys dir>/signing.pub.",
    ),
]
HmacKey = Annotated[
    Path | None,
    typer.Option(
        "--hmac-key",
        help="The recipient's HMAC key file (hex), for hashed releases; default"
        " <keys dir>/recipients/<recipient>.key when it exists.",
    ),
]
Rules = Annotated[
    Path | None,
    typer.Option("--rules", help="Analyst rules folder: those one payment decides run."),
]
Approvals = Annotated[
    Path | None,
    typer.Option(
        "--warehouse",
        help="Read rule approvals from this warehouse once (read-only); without it rules run"
        " as shadow.",
    ),
]


def _paths(
    releases: Path | None, recipient: str, public_key: Path | None, hmac_key: Path | None
) -> tuple[Path, Path, Path | None]:
    """Flags, else where `sever blocklist keys init` and `release` put things."""
    from sever.blocklist import keys
    from sever.blocklist.config import BlocklistSettings

    kp = keys.paths()
    default_hmac = kp.recipient(recipient)
    return (
        releases or BlocklistSettings().releases_dir,
        public_key or kp.signing_public,
        hmac_key or (default_hmac if default_hmac.exists() else None),
    )


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        recipient: Recipient,
        clients: Annotated[
            Path,
            typer.Option("--clients", help="Clients file: client id -> token_sha256, recipient."),
        ],
        state_dir: Annotated[
            Path, typer.Option("--state-dir", help="Where decision and ack logs are appended.")
        ],
        releases: Releases = None,
        public_key: PublicKey = None,
        hmac_key: HmacKey = None,
        rules: Rules = None,
        warehouse: Approvals = None,
        host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="TCP port.")] = 8080,
        workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
        poll: Annotated[float, typer.Option(help="Seconds between release checks.")] = 2.0,
        max_body: Annotated[int, typer.Option(help="Largest request body, bytes.")] = 64 * 1024,
    ) -> None:
        """Serve POST /v1/screen, GET /v1/release, POST /v1/ack, /healthz and /metrics.

        Refuses to start unless the latest release verifies (signature and checksum);
        afterwards a newer verified release is swapped in without dropping requests and a
        bad one is refused (logged, counted in /metrics). OpenAPI at /docs and
        /openapi.json. Load the logs into the warehouse with
        `sever.realtime.logs.import_logs`. Exits 2 on bad configuration.
        """
        import os

        import uvicorn

        from sever.realtime.api import create_app
        from sever.realtime.config import ENV, ServiceConfig

        releases, public_key, hmac_key = _paths(releases, recipient, public_key, hmac_key)
        cfg = ServiceConfig(
            releases, recipient, public_key, clients, state_dir, hmac_key, rules, warehouse,
            poll, max_body,
        )  # fmt: skip
        logging.getLogger("sever.realtime").setLevel(logging.INFO)
        try:
            app_ = create_app(cfg)  # verifies everything before a port is opened
        except SeverError as exc:
            _fail(exc)
        if workers == 1:
            uvicorn.run(app_, host=host, port=port, log_level="warning", access_log=False)
            return
        del app_
        os.environ[ENV] = cfg.to_env()
        uvicorn.run(
            "sever.realtime.api:app_from_env",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
            access_log=False,
        )

    @app.command("screen")
    def screen(
        payment: Annotated[
            Path, typer.Argument(help="Payment JSON (the POST /v1/screen body); '-' for stdin.")
        ],
        recipient: Recipient,
        releases: Releases = None,
        public_key: PublicKey = None,
        hmac_key: HmacKey = None,
        rules: Rules = None,
        warehouse: Approvals = None,
        release_no: Annotated[
            int | None, typer.Option("--release", help="Release number (default: latest).")
        ] = None,
    ) -> None:
        """Decide one payment against a verified release and print the decision as JSON."""
        from dataclasses import asdict

        from sever.blocklist.keys import read_hmac_key
        from sever.realtime import Screener
        from sever.realtime.hotpath import BadBody, parse
        from sever.realtime.rules import EMPTY, load_rule_set
        from sever.realtime.schema import ScreenRequest

        releases, public_key, hmac_key = _paths(releases, recipient, public_key, hmac_key)
        try:
            body = sys.stdin.buffer.read() if str(payment) == "-" else payment.read_bytes()
            request = parse(ScreenRequest, body)
            screener = Screener.load(
                releases,
                recipient,
                public_key,
                read_hmac_key(hmac_key) if hmac_key else None,
                release_no=release_no,
                rules=load_rule_set(rules, warehouse) if rules else EMPTY,
            )
        except OSError as exc:
            _fail(UserError(f"{payment}: cannot read ({exc})"))
        except BadBody as exc:
            _fail(UserError(f"{payment}: {json.dumps(exc.body['detail'])}"))
        except SeverError as exc:
            _fail(exc)
        decision = asdict(screener.screen(request.to_payment()))
        typer.echo(json.dumps({"payment_id": request.payment_id, **decision}, indent=2))


def _fail(exc: SeverError) -> NoReturn:
    from rich.console import Console
    from rich.markup import escape

    Console(stderr=True).print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False)
    raise typer.Exit(int(getattr(exc, "exit_code", ExitCode.USER_ERROR)))
