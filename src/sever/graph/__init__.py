"""Graph stage: candidate subgraphs extracted in SQL, scored by NetworkX detectors.

Reads the feature tables (f_*) and signal_hits; writes g_seed, g_node, g_edge
(candidates) and account_scores (the combiner's one score per account and
typology). NetworkX only ever sees the candidate subgraphs.
"""
