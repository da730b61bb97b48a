"""Deterministic synthetic datasets with planted schemes and labels (`sever sample generate`).

`generator.generate` is the entry point. The other modules, in the order it uses them:

- `population`, `rawforms`: accounts and their raw identifiers.
- `sextortion`, `flows`: sextortion rings, and where their money goes.
- `consumers`: child-exploitation consumers.
- `lookalikes`: benign look-alikes.
- `planting`: labels and the helpers these scheme modules share.
- `identifiers`: `account_identifiers`.
- `background`, `recurring`: the vectorised ordinary ledger.
- `ledger`: merging the ledger and rendering its rows.
- `signals`, `variants`: shared signals and other raw spellings of identifiers.
- `writer`: the files.
- `clock`: time zones and formatting; `vocab`: word lists.
"""
