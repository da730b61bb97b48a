"""Extract candidate subgraphs in SQL: seeds, their neighbourhood, and the edges among them.

Reads f_fan_in, f_out, f_edge, f_shared, f_party, f_ledger, signal_hits; writes f_dwell
(for the accounts that could pass a gate reading it, then for the candidates) and f_in (for
the candidates) through `features.asked`, g_seed, g_node, g_edge, and returns them as Python
structures (thousands of rows, never the ledger).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sever.config import DetectionConfig
from sever.features.asked import write_for
from sever.match import ACCOUNT_SIGNAL_SQL
from sever.sqlutil import lit, lit_list
from sever.warehouse import Warehouse


@dataclass
class Candidates:
    nodes: dict[str, dict[str, Any]]
    edges: list[dict[str, Any]]
    shared: list[tuple[str, str, list[str]]]
    seeds: dict[str, list[str]] = field(default_factory=dict)


def _dwell_gates(cfg: DetectionConfig) -> dict[str, str]:
    """The collector and unlinked-mule gates (over f_fan_in i, f_out o, f_dwell d), and what
    each asks of an account before its dwell is known (`*_could`)."""
    col, mu = cfg.detectors["sextortion_collector"], cfg.detectors["mule"]
    co = {k: float(v) for k, v in col["coercion"].items()}
    shares = [
        f"CAST(i.escalating_payers >= {lit(co['escalation'])} * i.payers AS INT)",
        f"CAST(i.plea_payers >= {lit(co['plea'])} * i.payers AS INT)",
        f"CAST(i.night_n >= {lit(co['night'])} * i.in_n AS INT)",
    ]
    passed = f"CAST(coalesce(d.out_fwd_24h, 0) >= {lit(co['pass_through'])} * i.in_usd AS INT)"
    fan_in = f"i.payers >= {lit(int(col['min_payers']))}"
    needed = int(col["min_coercion_indicators"])
    mule = [
        f"i.payers >= {lit(int(mu['unlinked_min_payers']))}",
        f"least(i.in_usd, o.out_usd) >= {lit(float(mu['min_pass_through']))}"
        " * greatest(i.in_usd, o.out_usd)",
        "greatest(coalesce(o.out_abroad_usd, 0), coalesce(o.out_concern_usd, 0),"
        f" coalesce(o.out_cashout_usd, 0)) >= {lit(float(mu['min_abroad_share']))} * o.out_usd",
    ]
    fast = f"d.median_dwell_h <= {lit(float(mu['unlinked_max_median_dwell_h']))}"
    return {
        "collector": f"{fan_in} AND ({' + '.join([*shares, passed])}) >= {lit(needed)}",
        "collector_could": f"{fan_in} AND ({' + '.join(shares)}) >= {lit(needed - 1)}",
        "mule": " AND ".join([*mule, fast]),
        "mule_could": " AND ".join(mule),
    }


def extract(wh: Warehouse, cfg: DetectionConfig) -> Candidates:
    # Seeds pass a detector's own gate, so seeding never hides a finding and never adds noise.
    cc, ir = cfg.detectors["csam_consumer"], cfg.detectors["identity_ring"]
    gate = _dwell_gates(cfg)
    # Dwell first for the accounts that could pass a gate reading it, the candidates' later.
    wh.run(
        "graph:dwell_gated",
        "CREATE OR REPLACE TEMP TABLE g_dwell_gated AS"
        f" SELECT i.account_id FROM f_fan_in i WHERE {gate['collector_could']}"
        " UNION SELECT i.account_id FROM f_fan_in i JOIN f_out o USING (account_id)"
        f" WHERE {gate['mule_could']}",
    )
    write_for(wh, cfg, "f_dwell", "SELECT account_id FROM g_dwell_gated", fresh=True)
    wh.run(
        "graph:seeds",
        f"""
        CREATE OR REPLACE TABLE g_seed AS
        SELECT account_id, list(DISTINCT why ORDER BY why) AS why FROM (
            SELECT account_id, 'signal' AS why FROM signal_hits
            UNION ALL
            -- The collector detector's own gate: fan-in and enough signs of coercion.
            SELECT i.account_id, 'collector' FROM f_fan_in i
            LEFT JOIN f_dwell d USING (account_id)
            WHERE {gate["collector"]}
            UNION ALL
            -- The mule detector's gate for pass-through with no collector upstream (mules
            -- paid by collectors are their neighbours and join the graph through them).
            SELECT i.account_id, 'mule' FROM f_fan_in i
            JOIN f_out o USING (account_id) JOIN f_dwell d USING (account_id)
            WHERE {gate["mule"]}
            UNION ALL
            -- The identity-ring detector's gate: new accounts sharing identifiers.
            SELECT s.a, 'identity_ring' FROM f_shared s
            JOIN f_party p ON p.account_id = s.a JOIN f_out o ON o.account_id = s.a
            WHERE p.opened_at >= o.first_out_ts - INTERVAL {int(ir["max_account_age_days"])} DAY
              AND list_has_any(s.shared, [{lit_list(cfg.operator_identifier_types)}])
            UNION ALL
            SELECT s.b, 'identity_ring' FROM f_shared s
            JOIN f_party p ON p.account_id = s.b JOIN f_out o ON o.account_id = s.b
            WHERE p.opened_at >= o.first_out_ts - INTERVAL {int(ir["max_account_age_days"])} DAY
              AND list_has_any(s.shared, [{lit_list(cfg.operator_identifier_types)}])
            UNION ALL
            -- The consumer detector's gate.
            SELECT account_id, 'consumer' FROM f_out
            WHERE small_concern_n >= {lit(int(cc["min_small_remittances"]))}
              AND small_concern_receivers >= {lit(int(cc["min_receivers"]))}
              AND small_concern_days >= {lit(int(cc["min_days"]))}
        ) s
        WHERE account_id NOT IN (SELECT account_id FROM f_party WHERE kind = 'external')
        GROUP BY account_id
        """,
    )
    wh.run(
        "graph:degree",
        # Counted already: a payee's payers (f_fan_in) and a payer's payees (f_out) are its
        # f_edge rows either way; grouping the 8M rows again cost a second per night.
        "CREATE OR REPLACE TEMP TABLE g_degree AS"
        " SELECT coalesce(i.account_id, o.account_id) AS account_id,"
        " coalesce(i.payers, 0) + coalesce(o.out_receivers, 0) AS degree"
        " FROM f_fan_in i FULL OUTER JOIN f_out o ON o.account_id = i.account_id",
    )
    # Purchases (card-only edges) are not money moving between people: they neither join
    # nor expand the candidate graph, which keeps merchants out of it.
    hop = """
        SELECT e.receiver_id AS account_id, s.sig FROM f_people_edge e
        JOIN {src} s ON s.account_id = e.sender_id
        UNION ALL SELECT e.sender_id, s.sig FROM f_people_edge e
        JOIN {src} s ON s.account_id = e.receiver_id
        UNION ALL SELECT sh.b, s.sig FROM f_shared sh JOIN {src} s ON s.account_id = sh.a
        UNION ALL SELECT sh.a, s.sig FROM f_shared sh JOIN {src} s ON s.account_id = sh.b
    """
    wh.run(
        "graph:people_edges",
        "CREATE OR REPLACE TEMP VIEW f_people_edge AS SELECT * FROM f_edge WHERE n_card < n_txn",
    )
    wh.run(
        "graph:nodes0",
        "CREATE OR REPLACE TEMP TABLE g_frontier AS"
        " SELECT account_id, list_contains(why, 'signal') AS sig FROM g_seed",
    )
    wh.run("graph:nodes", "CREATE OR REPLACE TABLE g_node AS SELECT account_id FROM g_seed")
    hops, signal_hops = cfg.candidates.hops, max(cfg.candidates.signal_hops, cfg.candidates.hops)
    for i in range(signal_hops):
        # Beyond `hops`, only the neighbourhoods of signal hits keep growing: the unnamed
        # collector paid by the same victims is two payments away from the named one.
        only_sig = " WHERE sig" if i >= hops else ""
        wh.run(
            f"graph:hop{i + 1}",
            f"""
            CREATE OR REPLACE TEMP TABLE g_next AS
            SELECT n.account_id, bool_or(n.sig) AS sig
            FROM ({hop.format(src=f"(SELECT * FROM g_frontier{only_sig})")}) n
            WHERE n.account_id NOT IN (SELECT account_id FROM g_node)
            GROUP BY n.account_id
            """,
        )
        wh.run("graph:add", "INSERT INTO g_node SELECT account_id FROM g_next")
        # Hubs (merchants, payroll, sinks) are kept as leaves but never expanded through.
        wh.run(
            "graph:frontier",
            "CREATE OR REPLACE TEMP TABLE g_frontier AS SELECT n.account_id, n.sig FROM g_next n"
            " LEFT JOIN g_degree d USING (account_id)"
            f" WHERE coalesce(d.degree, 0) <= {lit(cfg.candidates.max_degree)}",
        )
    write_for(wh, cfg, "f_in", "SELECT account_id FROM g_node", fresh=True)
    write_for(wh, cfg, "f_dwell", "SELECT account_id FROM g_node", fresh=False)
    wh.run(
        "graph:edges",
        """
        CREATE OR REPLACE TABLE g_edge AS
        SELECT e.* FROM f_people_edge e
        WHERE e.sender_id IN (SELECT account_id FROM g_node)
          AND e.receiver_id IN (SELECT account_id FROM g_node)
        """,
    )
    nodes = {
        r["account_id"]: r
        for r in _records(
            wh,
            "graph:node_features",
            f"""
            WITH sig AS ({ACCOUNT_SIGNAL_SQL})
            SELECT n.account_id, p.kind, p.country, p.age, p.kyc_level, p.opened_at, p.closed_at,
                   i.* EXCLUDE (account_id), o.* EXCLUDE (account_id),
                   d.median_dwell_h, d.out_fwd_24h, coalesce(dg.degree, 0) AS degree,
                   coalesce(sig.signal_score, 0) AS signal_score, sig.signal_ids, sig.n_owners,
                   coalesce(sig.restricted, false) AS restricted, sig.harm AS signal_harm,
                   s.why AS seed_reasons
            FROM g_node n
            LEFT JOIN f_party p USING (account_id) LEFT JOIN f_in i USING (account_id)
            LEFT JOIN f_out o USING (account_id) LEFT JOIN f_dwell d USING (account_id)
            LEFT JOIN g_degree dg USING (account_id) LEFT JOIN sig USING (account_id)
            LEFT JOIN g_seed s USING (account_id)
            """,
        )
    }
    edges = _records(wh, "graph:edge_rows", "SELECT * FROM g_edge")
    shared = [
        (a, b, s)
        for a, b, s in wh.rows(
            "graph:shared",
            "SELECT a, b, shared FROM f_shared WHERE a IN (SELECT account_id FROM g_node)"
            " AND b IN (SELECT account_id FROM g_node)",
        )
    ]
    seeds = {r[0]: r[1] for r in wh.rows("graph:seed_rows", "SELECT account_id, why FROM g_seed")}
    return Candidates(nodes, edges, shared, seeds)


def _records(wh: Warehouse, step: str, sql: str) -> list[dict[str, Any]]:
    """Rows as dicts, with counts as BIGINT: DuckDB sums counts as HUGEINT, and making a
    Python int of each one took half the time of fetching the candidate graph."""
    wide = [name for name, kind, *_ in wh.rows(f"{step}:types", f"DESCRIBE {sql}")
            if kind == "HUGEINT"]  # fmt: skip
    if wide:
        casts = ", ".join(f'CAST("{c}" AS BIGINT) AS "{c}"' for c in wide)
        sql = f"SELECT * REPLACE ({casts}) FROM ({sql})"
    return wh.records(step, sql)
