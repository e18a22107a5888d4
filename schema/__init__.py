"""The declarative schema and what is generated from it."""
from .model import (BOOL, DATE, FLOAT, ID_PATTERN, INT, MAX_NAME, MAX_TEXT, NODE_BY_LABEL,
                    NODE_BY_SECTION, NODES, REL_BY_NAME, RELS, STRING, NodeType, Prop, RelType,
                    max_length, rels_from, rels_into)

__all__ = ["BOOL", "DATE", "FLOAT", "INT", "STRING", "ID_PATTERN", "MAX_NAME", "MAX_TEXT", "NODES",
           "RELS", "NODE_BY_LABEL", "NODE_BY_SECTION", "REL_BY_NAME", "NodeType", "Prop", "RelType",
           "max_length", "rels_from", "rels_into"]
