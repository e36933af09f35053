"""The HTML renderers of the demo sites, one module per site."""
