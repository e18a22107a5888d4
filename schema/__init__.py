"""The declarative schema and what is generated from it."""
from .model import (BOOL, DATE, FLOAT, INT, NODE_BY_LABEL, NODE_BY_SECTION, NODES, REL_BY_NAME,
                    RELS, STRING, ID_PATTERN, MAX_TEXT, NodeType, Prop, RelType, rels_from, rels_into)

__all__ = ["BOOL", "DATE", "FLOAT", "INT", "STRING", "ID_PATTERN", "MAX_TEXT", "NODES", "RELS",
           "NODE_BY_LABEL", "NODE_BY_SECTION", "REL_BY_NAME", "NodeType", "Prop", "RelType",
           "rels_from", "rels_into"]
