"""Pipeline stage: rules."""
