"""Read, validate and load YAML and CSV input into the graph."""
