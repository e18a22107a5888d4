"""Norwegian ordering and matching for the API: the project's one implementation."""
from orggraph.collation import fold, rank, sort_key

__all__ = ["fold", "rank", "sort_key"]
