"""The lab: off-line work above the pipeline, never imported by a stage.

demo/              the synthetic demo world: its people and ads, the demo sites served on 127.0.0.1,
                   a perfect crawl loaded without HTTP, and `scanner demo` end to end
link_quality.py    linking measured against the demo world's true networks (`scanner link --evaluate-demo`)
demo_training.py   labelled ads from the demo world's ground truth (the bootstrap model's training data)
training.py        train a model with its card and measure it with the full score (`scanner model`)
"""
