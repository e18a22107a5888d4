"""orggraph: how Norwegian municipalities are organised and work together, as a property graph."""
__version__ = "0.1.0"
