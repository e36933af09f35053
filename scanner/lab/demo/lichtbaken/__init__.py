"""A second demo world on a third site, lichtbaken, written to differ from the main one (docs/demo-world.md).

`LichtbakenWorld.generate(LichtbakenConfig(seed=1))` builds it; `DemoServer(world)` serves it. Used
only to measure the pipeline (bench/linking_quality.py), never to train or calibrate it.
"""

from scanner.lab.demo.lichtbaken.world import LichtbakenConfig, LichtbakenWorld

__all__ = ["LichtbakenConfig", "LichtbakenWorld"]
