"""Errors that users can cause and fix; the CLI prints them without a traceback."""


class OrggraphError(Exception):
    """An expected failure with a message meant for the user."""

    exit_code = 1


class DatabaseBusy(OrggraphError):
    """The embedded database is held by another process."""

    exit_code = 3


class DatabaseUnavailable(OrggraphError):
    """The database server cannot be reached."""

    exit_code = 4


class QueryError(OrggraphError):
    """A named query or its parameters are wrong."""

    exit_code = 2


class QueryTimeout(OrggraphError):
    """A read ran past its time limit; the database stopped the statement."""

    exit_code = 5


class UsageError(OrggraphError):
    """A command's argument or option is wrong: a path, a date, a number."""

    exit_code = 2
