"""Pipeline stage: model."""
