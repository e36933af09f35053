"""Pipeline stage: score. Rules and model combined into explained assessments (formula in `combine`)."""

from scanner.score.combine import FORMULA, Score, combine
from scanner.score.store import QueueItem, ScoreStats, configured_model, review_queue, score_all

__all__ = ["FORMULA", "QueueItem", "Score", "ScoreStats", "combine", "configured_model", "review_queue", "score_all"]
