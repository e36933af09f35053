"""scanner: signals of human trafficking and unlicensed prostitution in public sex-work ads, for human review."""

__version__ = "0.1.0"
