"""Pipeline stage: model. A calibrated scikit-learn classifier trained on reviews, saved with skops and a card.

Entry points: `scanner.model.build.train_model`, `scanner.model.build.evaluate_model`,
`scanner.model.io.load_model` / `save_model`; the data comes from `scanner.model.dataset`.
"""
