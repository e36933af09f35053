"""Pipeline stage: workflow."""
