"""The synthetic demo world: generated people and their ads, served as demo sites on 127.0.0.1.

See docs/demo-world.md. Nothing here is real; `scanner demo` scans it end to end (`run.py`).
"""
