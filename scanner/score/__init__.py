"""Pipeline stage: score."""
