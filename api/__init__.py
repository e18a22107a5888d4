"""The GraphQL API (issue 5)."""
