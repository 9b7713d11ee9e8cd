"""ClosedFormSSL mirrors SpectralEmbedding(affinity="precomputed") and equals embed."""

from __future__ import annotations

import numpy as np
import pytest

import eigenpair


@pytest.mark.parametrize("loss", ["vicreg", "simclr", "simclr-degree", "barlow"])
def test_fit_transform_equals_embed(small_graph, loss):
    a, _ = small_graph
    model = eigenpair.ClosedFormSSL(loss=loss, dim=4)
    z = model.fit_transform(a)
    reference = eigenpair.embed(a, dim=4, loss=loss)
    np.testing.assert_array_equal(z, reference.Z[loss])
    assert model.embedding_ is z
    assert model.report_["losses"][loss] == reference.report["losses"][loss]
    assert model.affinity_matrix_ is a and model.n_features_in_ == a.shape[0]
    np.testing.assert_array_equal(model.nodes_, np.arange(a.shape[0]))


def test_dense_affinity_equals_sparse(small_graph):
    a, _ = small_graph
    sparse = eigenpair.ClosedFormSSL(dim=3).fit(a).embedding_
    dense = eigenpair.ClosedFormSSL(dim=3).fit(a.toarray()).embedding_
    np.testing.assert_array_equal(sparse, dense)


def test_params_round_trip_as_scikit_learn_expects():
    model = eigenpair.ClosedFormSSL(loss="barlow", dim=8, lam=0.5)
    params = model.get_params()
    assert params["loss"] == "barlow" and params["dim"] == 8 and params["lam"] == 0.5
    clone = type(model)(**params)
    assert clone.get_params() == params
    assert model.set_params(dim=2).dim == 2
    with pytest.raises(ValueError, match="invalid parameter"):
        model.set_params(n_components=2)
    with pytest.raises(ValueError, match="loss must be one of"):
        eigenpair.ClosedFormSSL(loss="infonce").fit(np.eye(3))
