"""Rules stage: analyst rules (rules/*.yaml) over per-account-day features and scan scores.

Reads the rule files, f_rule_account_day / f_rule_pair_day (built from the ledger by
features/sql/05_rule_windows.sql) and the scan's scores; writes rule_hits,
rule_evaluations and rule_versions / rule_approvals (governance). What a rule is lives
in `spec`, `vocabulary` and `expr` (no engine); how it runs in `engine`, `query`,
`features`, `scores`, `backtest` and `cases`.
"""
