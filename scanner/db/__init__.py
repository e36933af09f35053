"""Storage: the tables (`models`) and the way in (`session.open_database`)."""

from scanner.db.session import Database, open_database

__all__ = ["Database", "open_database"]
