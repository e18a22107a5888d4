"""Org charts and dependency maps with Graphviz (issue 6)."""
