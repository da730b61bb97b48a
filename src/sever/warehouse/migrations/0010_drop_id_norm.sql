-- Identifier normalisation results are a temporary table now: drop the stored one older
-- versions left behind.
DROP TABLE IF EXISTS id_norm
