"""Each feature's share of a boosted-tree model's log-odds, read off the decision paths.

Every node of every tree is given the value the tree would predict from there on average over
the training leads (its leaves' values weighted by how many leads reached them). Going down a
lead's path, each split changes that value; the change is credited to the feature the split
tested. A tree's leaf value is then its root's value plus the credits along the way, so summed
over the trees a lead's log-odds is exactly the model's average plus its features' credits
(the method of "treeinterpreter", Saabas 2014).

It is computed for a whole batch at once: each tree tells which leaf every lead lands in (the
tree's own compiled predictor, run on a copy whose leaves hold their own numbers), and one
sparse product of those leaves with the per-leaf credits gives every lead's contributions.

This reads scikit-learn's private tree arrays (``_predictors``, ``_bin_mapper``,
``_baseline_prediction``), checked against the model's own log-odds by the tests.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.ensemble._hist_gradient_boosting.predictor import TreePredictor


class TreePaths:
    def __init__(self, booster: HistGradientBoostingClassifier, features: int) -> None:
        self.booster = booster
        self.leaf_finders: list[TreePredictor] = []
        credits, expected, offset = [], float(booster._baseline_prediction.ravel()[0]), 0
        for (tree,) in booster._predictors:
            values = _average_values(tree.nodes)
            credits.append(_path_credits(tree.nodes, values, features))
            expected += values[0]
            finder = tree.nodes.copy()
            finder["value"] = np.arange(offset, offset + len(finder))
            self.leaf_finders.append(
                TreePredictor(finder, tree.binned_left_cat_bitsets, tree.raw_left_cat_bitsets)
            )
            offset += len(finder)
        self.credits = np.vstack(credits) if credits else np.zeros((0, features))
        self.expected = expected

    def contributions(self, matrix: NDArray[np.float64]) -> NDArray[np.float64]:
        """Leads x features: each feature's credit in raw log-odds; with ``expected`` they sum
        to the model's raw log-odds for the lead."""
        rows = len(matrix)
        if not self.leaf_finders or not rows:
            return np.zeros((rows, self.credits.shape[1]))
        checked = self.booster._preprocess_X(matrix, reset=False)
        known, feature_map = self.booster._bin_mapper.make_known_categories_bitsets()
        leaves = np.empty((rows, len(self.leaf_finders)), dtype=np.int64)
        for column, finder in enumerate(self.leaf_finders):
            leaves[:, column] = finder.predict(checked, known, feature_map, 1)
        indicator = sparse.csr_matrix(
            (np.ones(leaves.size), leaves.ravel(), np.arange(0, leaves.size + 1, leaves.shape[1])),
            shape=(rows, len(self.credits)),
        )
        return np.asarray(indicator @ self.credits)


def _average_values(nodes: Any) -> NDArray[np.float64]:
    """Leaves keep their value; a split node gets its children's, weighted by their leads.
    Children always come after their parent in the array."""
    values = nodes["value"].astype(np.float64)
    for index in range(len(nodes) - 1, -1, -1):
        node = nodes[index]
        if node["is_leaf"]:
            continue
        left, right = int(node["left"]), int(node["right"])
        weights = float(nodes[left]["count"]), float(nodes[right]["count"])
        total = sum(weights) or 2.0
        if not sum(weights):
            weights = (1.0, 1.0)
        values[index] = (weights[0] * values[left] + weights[1] * values[right]) / total
    return values


def _path_credits(nodes: Any, values: NDArray[np.float64], features: int) -> NDArray[np.float64]:
    """Nodes x features: the credits each feature earned on the way from the root."""
    credits = np.zeros((len(nodes), features))
    for index in range(len(nodes)):
        node = nodes[index]
        if node["is_leaf"]:
            continue
        feature = int(node["feature_idx"])
        for child in (int(node["left"]), int(node["right"])):
            credits[child] = credits[index]
            credits[child, feature] += values[child] - values[index]
    return credits
