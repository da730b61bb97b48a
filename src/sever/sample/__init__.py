"""Deterministic synthetic datasets with planted schemes and labels (`sever sample generate`).

`generator.generate` is the entry point. The other modules, in the order it uses them:

- `population`, `rawforms`: accounts and their raw identifiers.
- `sextortion`, `flows`, `cover`: sextortion rings, where their money goes, and the ordinary
  activity some collectors keep up as cover.
- `consumers`: child-exploitation consumers.
- `lookalikes`, `lookalikes_hard`: benign look-alikes, and harder ones that share more of
  the schemes' surface (night, pleas, fan-in, fast pass-through, shared devices).
- `planting`: labels and the helpers these scheme modules share.
- `identifiers`: `account_identifiers`.
- `background`, `recurring`: the vectorised ordinary ledger.
- `ledger`: merging the ledger and rendering its rows.
- `signals`, `variants`: shared signals and other raw spellings of identifiers.
- `writer`: the files.
- `clock`: time zones and formatting; `vocab`: word lists.
"""
