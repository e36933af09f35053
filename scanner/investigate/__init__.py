"""What investigators read and do: the report, show, search, watch, review, export and the audit log.

Reads what the stages stored; above the stages, below the workflow (whose scan summary and
notifications use the same queries) and the command line.
"""
