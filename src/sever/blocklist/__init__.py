"""Block lists: candidates, analyst approval, signed releases, appeals and redress."""
