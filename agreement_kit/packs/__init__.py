"""Clause packs: the pack, policy and clause models; loading, overlays and validation; the clause reference."""
