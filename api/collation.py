"""Norwegian ordering and matching for the API: the project's one implementation."""
from orggraph.collation import fold, order_key, rank, sort_key

__all__ = ["fold", "order_key", "rank", "sort_key"]
