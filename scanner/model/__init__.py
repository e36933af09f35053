"""Pipeline stage: model. A calibrated scikit-learn classifier trained on reviews, saved with skops and a card.

dataset.py    ad records from the database, review labels, JSON lines, review snapshots
features.py   what the model reads of an ad, and the scikit-learn transformer that reads it
train.py      the calibrated pipeline and cross-validation grouped by network
evaluate.py   PR-AUC, precision at k, recall, Brier score, calibration plot, per site and language
sources.py    training sets from reviews or a JSON lines file (the demo world's: scanner.lab.demo_training)
io.py         skops save and load with the checks that refuse a file (`save_model`, `load_model`)
card.py       the model card, JSON and Markdown
predict.py    a loaded model: probabilities and the features that raised them
"""
