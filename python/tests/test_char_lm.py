"""The character-level language model fixture (models/char-lm): its data
(qc.datasets.char_lm_*), the bits-per-character metric, QC's float compile
against torch's logits (test_data_set_0) and the exact outlier injection
(models/char-lm/inject_outliers.py).

The Moby-Dick tests need scripts/fetch-models.sh's text (skipped without
it); the compile tests need QC's tools and python3-onnx. The libraries are
single-threaded (parallel=False) and compiled once per module. QC's
vectorized float compile of this model takes about a minute (the float
layer norms' and softmaxes' row reductions become vector transposes that
LLVM gets as one shufflevector per element), so only the comparison with
torch uses it; the rest compile scalar loops (vectorize=False, seconds).
"""

import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "python"))
import qc  # noqa: E402
from qc import datasets  # noqa: E402

FIXTURE = ROOT / "models/char-lm"
MODEL = FIXTURE / "char_lm.onnx"
TEST_DATA = FIXTURE / "test_data_set_0"


needs_text = pytest.mark.skipif(
    not (datasets.moby_dick_dir() / "chapter_1.json").is_file(),
    reason="Moby-Dick not fetched (scripts/fetch-models.sh)")
needs_tools = pytest.mark.skipif(not qc.tools_available(),
                                 reason="QC's tools are not built")


def _onnx():
    return pytest.importorskip("onnx")


def _read_pb(path):
    onnx = _onnx()
    from onnx import numpy_helper

    tensor = onnx.TensorProto()
    tensor.ParseFromString(Path(path).read_bytes())
    return tensor.name, numpy_helper.to_array(tensor)


# --------------------------------------------------------------------------
# bits per character
# --------------------------------------------------------------------------


def test_bits_per_character_hand_computed():
    # Two classes, logits (0, ln 3): p = (1/4, 3/4). Targets 1, 0, 1:
    # -log2(3/4), -log2(1/4) = 2, -log2(3/4).
    logits = np.array([[[0.0, math.log(3)]] * 3], np.float32)
    targets = np.array([[1, 0, 1]])
    expected = (2 * -math.log2(0.75) + 2.0) / 3
    assert datasets.bits_per_character(logits, targets) == pytest.approx(
        expected, rel=1e-6)


def test_bits_per_character_uniform_and_shift_invariant():
    vocabulary = len(datasets.CHAR_LM_VOCABULARY)
    rng = np.random.default_rng(0)
    targets = rng.integers(0, vocabulary, (3, 64))
    uniform = np.full((3, 64, vocabulary), 7.5, np.float32)
    assert datasets.bits_per_character(uniform, targets) == pytest.approx(
        math.log2(vocabulary), rel=1e-9)
    logits = rng.normal(0, 3, (3, 64, vocabulary)).astype(np.float32)
    shifted = logits + np.float32(1000)  # no overflow: log-sum-exp
    assert datasets.bits_per_character(shifted, targets) == pytest.approx(
        datasets.bits_per_character(logits, targets), rel=1e-6)
    with pytest.raises(ValueError, match="do not match"):
        datasets.bits_per_character(logits, targets[:, 1:])


# --------------------------------------------------------------------------
# Text, vocabulary, split and windows
# --------------------------------------------------------------------------


def test_vocabulary_and_normalization():
    vocabulary = datasets.CHAR_LM_VOCABULARY
    assert len(vocabulary) == 78 and len(set(vocabulary)) == 78
    assert vocabulary[-1] == datasets.CHAR_LM_FALLBACK
    assert datasets.char_lm_normalize("a$b\r\nc[é]") == "a~b\nc~~~"
    tokens = datasets.char_lm_encode("Call me Ishmael.\n")
    assert tokens.dtype == np.int64
    assert datasets.char_lm_decode(tokens) == "Call me Ishmael.\n"


def test_windows_from_given_tokens():
    tokens = np.arange(1000)
    windows = datasets.char_lm_eval_windows(tokens=tokens)
    # Inputs at multiples of 64 without overlap, one more token as target.
    assert windows.shape == ((1000 - 1) // 64, 65)
    assert windows[:, 0].tolist() == list(range(0, 15 * 64, 64))
    assert (windows[3] == np.arange(192, 257)).all()
    assert datasets.char_lm_eval_windows(2, tokens=tokens)[:, 0].tolist() == [
        0, 14 * 64]
    calibration = datasets.char_lm_calibration_windows(4, tokens=tokens)
    assert calibration.shape == (4, 64)
    assert calibration[:, 0].tolist() == [0, 320, 576, 896]


@needs_text
def test_split_and_windows():
    text = datasets.char_lm_normalize(datasets.moby_dick_text())
    assert len(text) == 1186770
    assert set(text) == set(datasets.CHAR_LM_VOCABULARY)
    index = datasets.char_lm_split_index(text)
    assert 0.9 < index / len(text) < 0.901
    assert text[index - 2:index] == "\n\n" and text[index] != "\n"
    train = datasets.char_lm_tokens("train")
    held_out = datasets.char_lm_tokens("held_out")
    assert len(train) == index and len(held_out) == len(text) - index
    assert datasets.char_lm_decode(held_out[:12]) == "Deliberately"
    windows = datasets.char_lm_eval_windows()
    assert windows.shape == (1850, 65)
    assert (windows[1, 0] == held_out[64]) and (windows[0, 64] == held_out[64])
    chosen = datasets.char_lm_eval_windows(200)
    assert chosen.shape == (200, 65)
    assert (chosen[0] == windows[0]).all()
    assert (chosen[-1] == windows[-1]).all()
    calibration = datasets.char_lm_calibration_windows(64)
    assert calibration.shape == (64, 64)
    # Calibration windows come from the training part only.
    assert all(calibration[k].tolist() == train[s:s + 64].tolist()
               for k, s in [(0, 0), (63, (len(train) // 64 - 1) * 64)])


@needs_text
def test_test_data_is_the_first_held_out_window():
    name, tokens = _read_pb(TEST_DATA / "input_0.pb")
    assert name == "tokens" and tokens.dtype == np.int64
    assert tokens.shape == (1, 64)
    assert (tokens[0] == datasets.char_lm_eval_windows(200)[0, :64]).all()


def test_model_interface_and_metadata():
    onnx = _onnx()
    model = onnx.load(str(MODEL))
    assert model.opset_import[0].version == 17
    metadata = {p.key: p.value for p in model.metadata_props}
    assert json.loads(metadata["vocabulary"]) == datasets.CHAR_LM_VOCABULARY
    assert int(metadata["context"]) == datasets.CHAR_LM_CONTEXT
    [tokens] = model.graph.input
    [logits] = model.graph.output

    def dims(value):
        return [d.dim_value for d in value.type.tensor_type.shape.dim]

    assert tokens.name == "tokens" and dims(tokens) == [1, 64]
    assert logits.name == "logits" and dims(logits) == [1, 64, 78]
    ops = [n.op_type for n in model.graph.node]
    assert ops.count("LayerNormalization") == 5 and ops.count("Erf") == 2
    assert ops.count("Softmax") == 2 and ops.count("MatMul") == 17
    name, expected = _read_pb(TEST_DATA / "output_0.pb")
    assert name == "logits" and expected.shape == (1, 64, 78)


# --------------------------------------------------------------------------
# Outlier injection
# --------------------------------------------------------------------------


def _inject(model, **options):
    sys.path.insert(0, str(FIXTURE))
    from inject_outliers import inject_outliers

    return inject_outliers(model, **options)


def test_injection_scales_gamma_beta_and_rows():
    onnx = _onnx()
    from onnx import numpy_helper

    model = onnx.load(str(MODEL))
    injected, description = _inject(model, channels=(5, 60), factor=50.0)
    assert [name for name, _ in description] == [
        "/blocks.0/ln1/LayerNormalization", "/blocks.0/ln2/LayerNormalization",
        "/blocks.1/ln1/LayerNormalization", "/blocks.1/ln2/LayerNormalization"]
    assert description[0][1] == [f"/blocks.0/attention/{p}/MatMul"
                                 for p in "qkv"]
    assert description[1][1] == ["/blocks.0/fc1/MatMul"]

    def arrays(m):
        return {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}

    before, after = arrays(model), arrays(injected)
    nodes = {n.name: n for n in model.graph.node}
    ln = nodes["/blocks.0/ln1/LayerNormalization"]
    for name in ln.input[1:3]:
        np.testing.assert_array_equal(after[name][[5, 60]],
                                      before[name][[5, 60]] * np.float32(50))
        np.testing.assert_array_equal(np.delete(after[name], [5, 60]),
                                      np.delete(before[name], [5, 60]))
    weight = nodes["/blocks.0/attention/k/MatMul"].input[1]
    np.testing.assert_array_equal(after[weight][[5, 60]],
                                  before[weight][[5, 60]] / np.float32(50))
    np.testing.assert_array_equal(np.delete(after[weight], [5, 60], 0),
                                  np.delete(before[weight], [5, 60], 0))
    # The final layer norm and the head are untouched.
    head = nodes["/head/MatMul"].input[1]
    np.testing.assert_array_equal(after[head], before[head])
    with pytest.raises(ValueError, match="no LayerNormalization"):
        _inject(model, layer_norms=["/blocks.0/attention/Softmax"])
    with pytest.raises(ValueError, match="scaled twice"):
        _inject(model, layer_norms=["/blocks.0/ln1/LayerNormalization"] * 2)
    with pytest.raises(ValueError, match="outside"):
        _inject(model, channels=(128,))


def _spelled_out_layer_norm_model(onnx, width=8):
    """x -> a layer norm spelled out as exporters before opset 17 write it
    (gamma, beta and the MatMul weight in Constant nodes, as paddle2onnx
    does) -> MatMul, with a Shape node also reading the layer norm."""
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(3)

    def constant(name, array):
        return helper.make_node("Constant", [], [name], name=name,
                                value=numpy_helper.from_array(array, name))

    nodes = [
        constant("gamma", rng.uniform(0.5, 1.5, width).astype(np.float32)),
        constant("beta", rng.normal(0, 0.1, width).astype(np.float32)),
        constant("w", rng.normal(0, 0.3, (width, 4)).astype(np.float32)),
        constant("two", np.array(2.0, np.float32)),
        constant("eps", np.array(1e-5, np.float32)),
        helper.make_node("ReduceMean", ["x"], ["mean"], axes=[-1]),
        helper.make_node("Sub", ["x", "mean"], ["centered"]),
        helper.make_node("Pow", ["centered", "two"], ["square"]),
        helper.make_node("ReduceMean", ["square"], ["variance"], axes=[-1]),
        helper.make_node("Add", ["variance", "eps"], ["shifted"]),
        helper.make_node("Sqrt", ["shifted"], ["deviation"]),
        helper.make_node("Div", ["centered", "deviation"], ["normalized"]),
        helper.make_node("Mul", ["normalized", "gamma"], ["scaled"]),
        helper.make_node("Add", ["scaled", "beta"], ["ln"], name="ln_end"),
        helper.make_node("Shape", ["ln"], ["ln_shape"]),
        helper.make_node("MatMul", ["ln", "w"], ["y"], name="project"),
    ]
    graph = helper.make_graph(
        nodes, "spelled_out",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, width])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3, 4]),
         helper.make_tensor_value_info("ln_shape", TensorProto.INT64, [3])])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def test_injection_into_a_spelled_out_layer_norm():
    onnx = _onnx()
    from onnx import numpy_helper

    model = _spelled_out_layer_norm_model(onnx)
    injected, description = _inject(model, layer_norms=["ln_end"],
                                    channels=(2, 5), factor=40.0)
    assert description == [("ln_end", ["project"])]

    def constants(m):
        return {n.output[0]: numpy_helper.to_array(n.attribute[0].t)
                for n in m.graph.node if n.op_type == "Constant"}

    before, after = constants(model), constants(injected)
    for name in ("gamma", "beta"):
        np.testing.assert_array_equal(after[name][[2, 5]],
                                      before[name][[2, 5]] * np.float32(40))
    np.testing.assert_array_equal(after["w"][[2, 5]],
                                  before["w"][[2, 5]] / np.float32(40))
    np.testing.assert_array_equal(np.delete(after["w"], [2, 5], 0),
                                  np.delete(before["w"], [2, 5], 0))

    def evaluate(c, x):
        centered = x - x.mean(-1, keepdims=True)
        normalized = centered / np.sqrt((centered ** 2).mean(-1, keepdims=True)
                                        + 1e-5)
        return (normalized * c["gamma"] + c["beta"]) @ c["w"]

    x = np.random.default_rng(4).normal(0, 1, (1, 3, 8)).astype(np.float32)
    np.testing.assert_allclose(evaluate(after, x), evaluate(before, x),
                               rtol=1e-5, atol=1e-6)
    # The spelled-out layer norm is found by default (it is the only one
    # feeding MatMuls, so "all but the last" leaves none) and by name only.
    assert _inject(model)[1] == []
    with pytest.raises(ValueError, match="no LayerNormalization"):
        _inject(model, layer_norms=["project"])


# --------------------------------------------------------------------------
# QC's float compile
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    """compiled(model, vectorize): the model compiled by QC (float,
    single-threaded) and loaded, once per module."""
    directory = tmp_path_factory.mktemp("char_lm")
    libraries = {}

    def get(model, vectorize):
        key = (str(model), vectorize)
        if key not in libraries:
            library = directory / (f"{Path(model).stem}-"
                                   f"{'vector' if vectorize else 'scalar'}.so")
            libraries[key] = qc.load(qc.compile(
                model, library, parallel=False, vectorize=vectorize))
        return libraries[key]

    return get


# The vectorized compile takes about a minute (see the module docstring);
# the scalar reference loops (vectorize=False) a few seconds.
@needs_tools
@pytest.mark.parametrize("vectorize", [False, True],
                         ids=["scalar", "vectorized"])
def test_float_compile_matches_torch(compiled, vectorize):
    _, tokens = _read_pb(TEST_DATA / "input_0.pb")
    _, expected = _read_pb(TEST_DATA / "output_0.pb")
    (logits,) = compiled(MODEL, vectorize)(tokens)
    assert logits.shape == (1, 64, 78) and logits.dtype == np.float32
    # Largest logit 14; QC differs from torch by about 1e-5.
    np.testing.assert_allclose(logits, expected, rtol=1e-5, atol=1e-4)


@needs_tools
def test_injected_model_computes_the_same(compiled, tmp_path):
    onnx = _onnx()
    injected, _ = _inject(onnx.load(str(MODEL)))
    path = tmp_path / "char_lm_outliers.onnx"
    onnx.save(injected, str(path))
    original, model = compiled(MODEL, False), compiled(path, False)
    rng = np.random.default_rng(1)
    _, first = _read_pb(TEST_DATA / "input_0.pb")
    for tokens in [first, rng.integers(0, 78, (1, 64))]:
        (expected,) = original(tokens)
        (logits,) = model(tokens)
        difference = np.abs(logits - expected).max() / np.abs(expected).max()
        assert difference < 1e-5
