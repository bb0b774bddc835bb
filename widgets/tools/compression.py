"""Optimising a model for serving: a real small neural network before and after float16 and int8
quantisation, magnitude pruning and distillation into a smaller network, each served by ONNX Runtime,
measured for size, latency and accuracy, and checked against a phone's or an edge box's memory and a
latency budget.

Data
    scikit-learn's bundled handwritten digits (``load_digits``): 1,797 images of 8 x 8 grey pixels,
    10 balanced classes. Pixels are divided by 16 so that they lie in 0-1 (no scaler to export). The
    split is the one of :mod:`widgets.tools.model_choice`: a stratified 70% (1,257 images) to train,
    30% (540 images) held out, ``random_state=0``. Nothing is downloaded.

The model (the *teacher*)
    ``MLPClassifier(hidden_layer_sizes=(256, 128))``, ReLU, Adam, 40 epochs, ``random_state=0``, fitted on
    float32 pixels so that its weights are float32 (scikit-learn keeps the input's float32): 50,826
    parameters, about a second to fit on one thread. It is exported with skl2onnx (``zipmap=False``: the
    probabilities come out as one float32 matrix).

Variants (``VARIANTS``)
    - ``sklearn``: the float32 model run by scikit-learn (``predict_proba``, numpy underneath): the
      reference every accuracy loss is measured against.
    - ``float32``: the same weights exported to ONNX and run by ONNX Runtime's CPU execution provider.
    - ``float16``: ``onnxruntime.transformers.float16.convert_float_to_float16(keep_io_types=True)``:
      weights and arithmetic in float16, inputs and outputs still float32 (Cast nodes at the edges).
    - ``int8``: ``onnxruntime.quantization.quantize_dynamic(weight_type=QuantType.QInt8)``: weights
      stored as 8-bit integers with a float32 scale per tensor; activations quantised to 8 bits on the
      fly at every call (``DynamicQuantizeLinear`` + ``MatMulInteger``), so no calibration data is needed
      (ONNX Runtime docs, "Quantize ONNX models": dynamic quantisation).
    - ``pruned``: per layer, the ``round(sparsity x n)`` weights of smallest magnitude set to 0, biases
      kept, no retraining (one-shot magnitude pruning, Han et al. 2015, "Learning both Weights and
      Connections for Efficient Neural Networks"; per-layer targets as in Zhu & Gupta 2017, "To prune, or
      not to prune"). Without retraining, the accuracy lost is the most pruning costs.
    - ``distilled``: a student ``MLPClassifier((hidden,))`` trained on the teacher's predicted labels
      for a transfer set (the training images plus a copy with Gaussian noise of sd 0.15, clipped to
      0-1): model compression as in Bucilă, Caruana & Niculescu-Mizil 2006, "Model Compression". Hinton et
      al. 2015 ("Distilling the Knowledge in a Neural Network") train on the teacher's soft probabilities;
      ``MLPClassifier``'s loss takes only labels.

Measurements (measured, on this machine)
    - size: ``len`` of the serialised ONNX model in bytes, tensors written as raw little-endian bytes
      (``onnx.numpy_helper.from_array``, as exporters write them; the float16 converter writes
      ``int32_data`` fields, whose varint encoding would take about 2.5 bytes per float16 value). For
      ``sklearn``: ``len(pickle.dumps(model))`` without the state only resuming training needs (Adam's
      moments and a copy of the best weights, ``TRAINING_STATE``: with them the pickle is four times larger).
    - latency: ``time.perf_counter`` around one call, ``WARMUP`` untimed calls then ``REQUEST_RUNS`` (1,000)
      timed calls of one request or ``BATCH_RUNS`` (200) of one batch; p50 and p99 are ``numpy.percentile`` (linear interpolation) of those times, in milliseconds. Per
      request: batch 1, cycling through the held-out rows. Per batch: ``batch_size`` rows (held-out rows
      repeated when the batch is larger). ONNX Runtime runs with ``intra_op_num_threads=1`` and
      ``inter_op_num_threads=1``; scikit-learn under ``threadpoolctl.threadpool_limits(1)``: one thread,
      as one serving worker, so the numbers are stable and do not fight other programs.
    - accuracy: share of the 540 held-out images predicted right (``sklearn.metrics.accuracy_score``);
      *accuracy lost* is the float32 scikit-learn model's accuracy minus the variant's, in percentage
      points; *agreement* is the share of held-out images on which the variant predicts the same digit
      as the float32 model.

Estimates (not measured; each labelled as such where shown, with its formula)
    - size if stored sparse (pruned model): the dense ONNX file does not shrink when weights are 0.
      Stored as CSR (a 4-byte value and a 4-byte column index per non-zero weight, a 4-byte row pointer
      per row and one more): ``file bytes - 4 x weights + sum over layers (8 x non-zeros + 4 x (rows + 1))``.
      It only pays past 50% sparsity.
    - memory needed on a device: ``file bytes + 4 bytes x (inputs + hidden units + outputs)`` (the weights
      once and the float32 activations of one request); the runtime library itself is not counted.
    - latency on a device: ``p99 here x (peak here / device peak)``, where *peak here* is one core of this
      machine (we measure on one thread): clock x 32 FP32 FLOP/cycle, the convention of ``hardware.csv``'s
      CPU rows, and the device's peak is its ``peak_tflops``. It assumes the device brings its whole peak to
      one request as efficiently as one core does here; a model this small is bound by per-call overhead
      and memory rather than arithmetic, so read it as an optimistic order of magnitude.

Devices
    ``data/hardware.csv`` rows of kind ``phone`` and ``edge`` (:func:`device_profiles`). An app may use only
    part of a device's memory (``APP_MEMORY_SHARE``, an assumption shown with the result).
"""

from __future__ import annotations

import logging
import math
import re
import time
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

import numpy as np

from widgets.tools import capacity as cap
from widgets.tools.model_choice import format_sig3

#: The variants, in the order they are shown.
VARIANTS = ("sklearn", "float32", "float16", "int8", "pruned", "distilled")
#: What each variant is called on the page.
LABELS = {"sklearn": "float32, scikit-learn", "float32": "float32 ONNX", "float16": "float16 ONNX",
          "int8": "int8 ONNX (dynamic)", "pruned": "pruned ONNX", "distilled": "distilled student ONNX"}
#: What each variant does, in a line.
DESCRIPTIONS = {
    "sklearn": "the trained float32 model run by scikit-learn (numpy): the reference",
    "float32": "the same float32 weights exported to ONNX, run by ONNX Runtime",
    "float16": "weights and arithmetic in float16; inputs and outputs stay float32",
    "int8": "weights stored as int8 with one scale per tensor; activations quantised to int8 at each call",
    "pruned": "the smallest weights of each layer set to 0 (no retraining); the file stays dense",
    "distilled": "a smaller network trained on the teacher's predictions",
}
TEACHER_HIDDEN = (256, 128)
TEACHER_EPOCHS = 40
#: Hidden units the student may have (one hidden layer).
STUDENT_SIZES = (8, 16, 32, 64)
#: Timed calls per latency figure, after untimed warm-up calls: a p99 of single requests moves less from one
#: measurement to the next over 1,000 calls than over 200 (about 12-17 against 12-18 microseconds here), and a
#: thousand requests take a few milliseconds; 200 calls of a batch keep a 1,024-row batch to about a second.
REQUEST_RUNS = 1000
BATCH_RUNS = 200
WARMUP = 20
#: The largest batch timed (200 calls of a larger one would take seconds).
MAX_BATCH = 1024
MAX_SPARSITY = 0.99
#: FP32 FLOPs one core does per cycle, the convention of hardware.csv's CPU rows (two 8-wide FMA units).
FLOPS_PER_CYCLE = 32
#: Clock assumed when this machine does not say its own (GHz).
DEFAULT_CLOCK_GHZ = 3.0
#: Assumption: the share of a device's memory one app (or the model's process on a server) may use.
APP_MEMORY_SHARE = {"phone": 0.25, "edge": 0.5, "cpu": 0.8, "gpu": 0.8}
MEMORY_SHARE_REASON = {
    "phone": "iOS and Android end apps that use much more, and the rest of the app needs memory too",
    "edge": "the operating system, the rest of the pipeline and its buffers take the rest",
    "cpu": "the operating system and the serving process take the rest",
    "gpu": "the framework, the CUDA context and the batches in flight take the rest",
}
#: The device kinds this tool checks (server kinds are the capacity estimators').
DEVICE_KINDS = ("phone", "edge")
NOISE_SD = 0.15
#: What a fitted MLPClassifier keeps only to resume training: Adam's moments and a copy of the best weights.
TRAINING_STATE = ("_optimizer", "_best_coefs", "_best_intercepts")
BYTES_PER_FLOAT = 4


# --------------------------------------------------------------------------------------------
# checking what a person sets
# --------------------------------------------------------------------------------------------
def _finite(value, message: str) -> float:
    if isinstance(value, (bool, np.bool_, str)) or value is None:
        raise ValueError(message)
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValueError(message) from None
    if not math.isfinite(x):
        raise ValueError(message)
    return x


def check_sparsity(sparsity) -> float:
    """The pruning sparsity as a float from 0 to ``MAX_SPARSITY`` (0.99), or a ``ValueError``.

    Examples
    --------
    >>> check_sparsity(0.5)
    0.5
    """
    message = "The pruning sparsity must be between 0 and 0.99 (0.9 = 90% of the weights set to 0)."
    x = _finite(sparsity, message)
    if not 0 <= x <= MAX_SPARSITY:
        raise ValueError(message)
    return x


def check_batch_size(batch_size) -> int:
    """The batch size as an int from 1 to ``MAX_BATCH`` (1,024), or a ``ValueError``.

    Examples
    --------
    >>> check_batch_size(32)
    32
    """
    x = _finite(batch_size, "The batch size must be a whole number of at least 1.")
    if x < 1 or x != int(x):
        raise ValueError("The batch size must be a whole number of at least 1.")
    if x > MAX_BATCH:
        raise ValueError(f"The batch size must be at most {MAX_BATCH:,} (200 timed calls of a larger one take "
                         "too long here).")
    return int(x)


def check_latency_budget(latency_budget_ms) -> float:
    """The latency budget in milliseconds, more than 0, or a ``ValueError``.

    Examples
    --------
    >>> check_latency_budget(5)
    5.0
    """
    message = "The latency budget must be more than 0 ms."
    x = _finite(latency_budget_ms, message)
    if x <= 0:
        raise ValueError(message)
    return x


def check_hidden(hidden) -> int:
    """The student's hidden units, one of ``STUDENT_SIZES``, or a ``ValueError``.

    Examples
    --------
    >>> check_hidden(16)
    16
    """
    message = f"The student's hidden units must be one of {', '.join(map(str, STUDENT_SIZES))}."
    x = _finite(hidden, message)
    if x not in STUDENT_SIZES:
        raise ValueError(message)
    return int(x)


# --------------------------------------------------------------------------------------------
# pruning and sizes
# --------------------------------------------------------------------------------------------
def prune_weights(weights: Sequence[np.ndarray], sparsity: float) -> list[np.ndarray]:
    """Magnitude pruning: in each weight matrix, set the ``round(sparsity x size)`` entries of smallest
    absolute value to 0 (ties broken by position, so exactly that many are zeroed).

    One-shot, per layer, without retraining (Han et al. 2015; per-layer targets as in Zhu & Gupta 2017).
    The input is not changed.

    Parameters
    ----------
    weights : the weight matrices (an ``MLPClassifier``'s ``coefs_``); biases are not pruned.
    sparsity : share of each matrix's entries to zero, 0 to 0.99.

    Returns
    -------
    list of arrays with the same shapes and dtypes.

    Examples
    --------
    >>> w = [np.array([[0.1, -2.0], [0.5, -0.05]])]
    >>> prune_weights(w, 0.5)[0]
    array([[ 0. , -2. ],
           [ 0.5,  0. ]])
    >>> bool((prune_weights(w, 0)[0] == w[0]).all())
    True
    """
    s = check_sparsity(sparsity)
    pruned = []
    for w in weights:
        w = np.asarray(w)
        out = w.copy()
        k = round(s * w.size)
        if k:
            # argsort with a stable sort: the k smallest magnitudes, ties in reading order
            order = np.argsort(np.abs(w), axis=None, kind="stable")[:k]
            out.reshape(-1)[order] = 0
        pruned.append(out)
    return pruned


def sparse_size_estimate(dense_bytes: int, shapes: Sequence[tuple[int, int]], nonzeros: Sequence[int]) -> int:
    """Bytes of a model file whose weight matrices are stored sparse (CSR) instead of dense: an estimate.

    ``dense_bytes - 4 x sum(rows x columns) + sum(8 x non-zeros + 4 x (rows + 1))``: each dense float32
    weight (4 bytes) is replaced by a 4-byte value and a 4-byte column index per non-zero, plus one 4-byte
    row pointer per row and one more (the CSR layout of ``scipy.sparse.csr_matrix`` with int32 indices).
    Sparse storage is smaller only past 50% sparsity.

    Examples
    --------
    >>> sparse_size_estimate(10_000, [(10, 100)], [100])     # 90% zeros: 4,000 dense bytes become 844
    6844
    """
    if len(shapes) != len(nonzeros):
        raise ValueError("Give one count of non-zero weights per weight matrix.")
    dense_weights = sum(r * c for r, c in shapes)
    csr = sum(2 * BYTES_PER_FLOAT * nnz + BYTES_PER_FLOAT * (r + 1) for (r, c), nnz in zip(shapes, nonzeros))
    return int(dense_bytes - BYTES_PER_FLOAT * dense_weights + csr)


# --------------------------------------------------------------------------------------------
# timing
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Latency:
    """Measured times of one call (see :func:`time_calls`), in milliseconds."""

    p50_ms: float
    p99_ms: float
    runs: int
    batch_size: int

    @property
    def per_row_ms(self) -> float:
        """p50 divided by the batch size: the cost of one row inside the batch, ms."""
        return self.p50_ms / self.batch_size


def time_calls(call: Callable[[int], object], runs: int = BATCH_RUNS, warmup: int = WARMUP,
               batch_size: int = 1) -> Latency:
    """Time ``call(i)`` for ``i = 0 .. runs - 1`` after ``warmup`` untimed calls; p50 and p99 in ms.

    Each call is timed alone with ``time.perf_counter``; the percentiles are ``numpy.percentile`` (linear
    interpolation) of the ``runs`` times. Python's garbage collector stays on, as in a server.

    Examples
    --------
    >>> lat = time_calls(lambda i: sum(range(100)), runs=50, warmup=5)
    >>> lat.runs, lat.p50_ms <= lat.p99_ms
    (50, True)
    """
    for i in range(warmup):
        call(i)
    clock = time.perf_counter
    times = np.empty(runs)
    for i in range(runs):
        start = clock()
        call(i)
        times[i] = clock() - start
    p50, p99 = np.percentile(times * 1e3, [50, 99])
    return Latency(float(p50), float(p99), runs, batch_size)


# --------------------------------------------------------------------------------------------
# ONNX
# --------------------------------------------------------------------------------------------
def _raw_tensors(model):
    """The same ONNX model with every initializer stored as raw little-endian bytes."""
    from onnx import numpy_helper

    for i, tensor in enumerate(model.graph.initializer):
        if not tensor.HasField("raw_data"):
            model.graph.initializer[i].CopyFrom(numpy_helper.from_array(numpy_helper.to_array(tensor), tensor.name))
    return model


def to_onnx_bytes(model, X_sample: np.ndarray) -> bytes:
    """A fitted scikit-learn classifier as a serialised ONNX model (skl2onnx ``to_onnx``, ``zipmap=False``).

    Parameters
    ----------
    model : a fitted classifier skl2onnx converts (here an ``MLPClassifier``).
    X_sample : rows of the input; the first one fixes the input's type (float32) and width.

    Returns
    -------
    bytes : the ONNX model, tensors stored raw (4 bytes a float32). Its input is ``X`` (float32, any number of
        rows); its outputs are ``label`` (the predicted class) and ``probabilities`` (float32, a column per class).
    """
    import skl2onnx

    onx = skl2onnx.to_onnx(model, np.asarray(X_sample[:1], dtype=np.float32), options={id(model): {"zipmap": False}})
    return _raw_tensors(onx).SerializeToString()


def float16_bytes(onnx_bytes: bytes) -> bytes:
    """A float32 ONNX model converted to float16, inputs and outputs kept float32.

    ``onnxruntime.transformers.float16.convert_float_to_float16(keep_io_types=True)`` (ONNX Runtime docs, "Float16
    and mixed precision models"): every float32 tensor becomes float16 (2 bytes), with Cast nodes at the inputs and
    outputs. The tensors are then stored raw, so the file is about half the float32 one.

    Parameters
    ----------
    onnx_bytes : a serialised float32 ONNX model.

    Returns
    -------
    bytes : the serialised float16 model.
    """
    import onnx
    from onnxruntime.transformers.float16 import convert_float_to_float16

    half = convert_float_to_float16(onnx.load_from_string(onnx_bytes), keep_io_types=True)
    return _raw_tensors(half).SerializeToString()


@contextmanager
def _quiet_root_logger():
    """Silence ONNX Runtime's "run pre-processing" advice (a ``logging.warning`` on the root logger) without
    ``logging.warning`` installing a handler on the root logger for the rest of the session."""
    root = logging.getLogger()
    handler, level = logging.NullHandler(), root.level
    root.addHandler(handler)
    root.setLevel(logging.ERROR)
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def int8_bytes(onnx_bytes: bytes) -> bytes:
    """A float32 ONNX model with int8 weights: ``onnxruntime.quantization.quantize_dynamic(weight_type=QInt8)``.

    Dynamic quantisation (ONNX Runtime docs, "Quantize ONNX models"): each weight matrix is stored as 8-bit
    integers with a float32 scale (1 byte a weight); activations are quantised at run time, so no calibration data
    is needed. The quantiser works on files, so the model goes through a temporary folder; its advice to run
    pre-processing first (shape inference and graph optimisation, which matter for larger models) is silenced.

    Parameters
    ----------
    onnx_bytes : a serialised float32 ONNX model.

    Returns
    -------
    bytes : the serialised int8 model.
    """
    import os
    import tempfile

    from onnxruntime.quantization import QuantType, quantize_dynamic

    with tempfile.TemporaryDirectory() as folder:
        source, target = os.path.join(folder, "model.onnx"), os.path.join(folder, "model.int8.onnx")
        with open(source, "wb") as f:
            f.write(onnx_bytes)
        with _quiet_root_logger():
            quantize_dynamic(source, target, weight_type=QuantType.QInt8)
        with open(target, "rb") as f:
            return f.read()


def onnx_session(onnx_bytes: bytes):
    """An ONNX Runtime session on the CPU execution provider with one thread.

    ``intra_op_num_threads=1`` and ``inter_op_num_threads=1`` (ONNX Runtime docs, "Thread management"): one
    serving worker's latency, stable from run to run and not competing with other programs for cores.

    Parameters
    ----------
    onnx_bytes : a serialised ONNX model.

    Returns
    -------
    onnxruntime.InferenceSession
    """
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.log_severity_level = 3   # errors only: no notes about the graph in the notebook
    return ort.InferenceSession(onnx_bytes, options, providers=["CPUExecutionProvider"])


# --------------------------------------------------------------------------------------------
# the study: data, teacher and variants
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class CompressionStudy:
    """The digits split and the fitted teacher (see :func:`compression_study`)."""

    X_train: np.ndarray     # float32, pixels / 16
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    teacher: object          # the fitted MLPClassifier
    fit_seconds: float
    description: str


@lru_cache(maxsize=1)
def compression_study() -> CompressionStudy:
    """Split the digits and fit the teacher once (about a second, on one thread).

    Examples
    --------
    >>> s = compression_study()
    >>> s.X_train.shape, s.X_test.shape, s.X_test.dtype, s.teacher.coefs_[0].dtype
    ((1257, 64), (540, 64), dtype('float32'), dtype('float32'))
    """
    import warnings

    from sklearn.datasets import load_digits
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import train_test_split
    from sklearn.neural_network import MLPClassifier
    from threadpoolctl import threadpool_limits

    X, y = load_digits(return_X_y=True)
    X = (X / 16.0).astype(np.float32)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
    teacher = MLPClassifier(hidden_layer_sizes=TEACHER_HIDDEN, max_iter=TEACHER_EPOCHS, random_state=0)
    with threadpool_limits(limits=1), warnings.catch_warnings():
        # 40 epochs stop before Adam's tolerance is met; the held-out accuracy is already 98%
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        teacher.fit(X_train, y_train)
        seconds = time.perf_counter() - start
    description = (f"{len(y):,} handwritten digits (8x8 grey pixels, 10 classes) bundled with scikit-learn; "
                   f"trained on a stratified {len(y_train):,}, scored on the other {len(y_test):,}")
    return CompressionStudy(X_train, X_test, y_train, y_test, teacher, seconds, description)


def _layer_shapes(model) -> list[tuple[int, int]]:
    return [tuple(w.shape) for w in model.coefs_]


def _parameters(model) -> int:
    return int(sum(w.size for w in model.coefs_) + sum(b.size for b in model.intercepts_))


def _layer_widths(model) -> list[int]:
    """Inputs, hidden units and outputs: the float32 activations of one request."""
    return [model.coefs_[0].shape[0]] + [w.shape[1] for w in model.coefs_]


@dataclass(frozen=True, eq=False)
class ModelVariant:
    """One variant's model, file and held-out predictions (no latency: see :func:`variant_latency`)."""

    key: str
    setting: float | int | None     # the sparsity of ``pruned``, the hidden units of ``distilled``
    model: object                    # the scikit-learn model behind it
    onnx: bytes | None               # the serialised ONNX model (None for ``sklearn``)
    session: object | None
    size_bytes: int
    size_what: str
    sparse_bytes: int | None         # estimate, pruned only
    parameters: int
    nonzero: int
    layer_widths: tuple[int, ...]
    labels: np.ndarray               # held-out predictions
    probabilities: np.ndarray
    accuracy: float

    def predict(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Labels and probabilities for rows ``X`` from the runtime the variant is served by."""
        return _predict(self.model, self.session, X)


def _setting(key: str, sparsity, hidden):
    """The one setting that changes a variant's model (so a cache holds one entry per model)."""
    if key == "pruned":
        return round(check_sparsity(sparsity), 4)
    if key == "distilled":
        return check_hidden(hidden)
    return None


def model_variant(key: str, sparsity: float = 0.5, hidden: int = 16) -> ModelVariant:
    """The model of variant ``key`` (one of ``VARIANTS``), built once per setting and cached.

    ``sparsity`` matters only to ``pruned``, ``hidden`` only to ``distilled``.

    Examples
    --------
    >>> v = model_variant("int8")
    >>> v.size_bytes < model_variant("float32").size_bytes
    True
    """
    if key not in VARIANTS:
        raise ValueError(f"Unknown variant {key!r}; choose one of {', '.join(VARIANTS)}.")
    return _variant(key, _setting(key, sparsity, hidden))


def _student(hidden: int):
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    from threadpoolctl import threadpool_limits

    study = compression_study()
    noisy = np.random.default_rng(0).normal(0, NOISE_SD, study.X_train.shape)
    transfer = np.vstack([study.X_train, np.clip(study.X_train + noisy, 0, 1)]).astype(np.float32)
    student = MLPClassifier(hidden_layer_sizes=(hidden,), max_iter=200, random_state=0)
    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        student.fit(transfer, study.teacher.predict(transfer))
    return student


@lru_cache(maxsize=64)
def _variant(key: str, setting) -> ModelVariant:
    import copy
    import pickle

    from sklearn.metrics import accuracy_score
    from threadpoolctl import threadpool_limits

    study = compression_study()
    model, onnx, sparse = study.teacher, None, None
    if key == "sklearn":
        kept = copy.copy(model)
        for name in TRAINING_STATE:   # needed to resume training, not to serve
            kept.__dict__.pop(name, None)
        size, size_what = len(pickle.dumps(kept)), "pickle"
    elif key == "float32":
        onnx = _teacher_onnx()
    elif key == "float16":
        onnx = float16_bytes(_teacher_onnx())
    elif key == "int8":
        onnx = int8_bytes(_teacher_onnx())
    elif key == "pruned":
        model = copy.deepcopy(study.teacher)
        model.coefs_ = prune_weights(study.teacher.coefs_, setting)
        onnx = to_onnx_bytes(model, study.X_test)
    else:
        model = _student(setting)
        onnx = to_onnx_bytes(model, study.X_test)
    if onnx is not None:
        size, size_what = len(onnx), "ONNX file (dense)" if key == "pruned" else "ONNX file"
    if key == "pruned":
        sparse = sparse_size_estimate(size, _layer_shapes(model), [int(np.count_nonzero(w)) for w in model.coefs_])
    session = onnx_session(onnx) if onnx is not None else None
    # one BLAS thread here too: a multi-threaded call leaves OpenBLAS's worker spinning for a while, and the
    # spinning worker takes the core the next single-threaded timing runs on (4 ms pauses in its p99)
    with threadpool_limits(limits=1):
        labels, probabilities = _predict(model, session, study.X_test)
    nonzero = int(sum(np.count_nonzero(w) for w in model.coefs_) + sum(b.size for b in model.intercepts_))
    return ModelVariant(key, setting, model, onnx, session, size, size_what, sparse, _parameters(model), nonzero,
                        tuple(_layer_widths(model)), labels, probabilities,
                        float(accuracy_score(study.y_test, labels)))


def _predict(model, session, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    X = np.ascontiguousarray(X, dtype=np.float32)
    if session is None:
        return model.predict(X), model.predict_proba(X)
    labels, probabilities = session.run(None, {session.get_inputs()[0].name: X})
    return np.asarray(labels), np.asarray(probabilities)


@lru_cache(maxsize=1)
def _teacher_onnx() -> bytes:
    study = compression_study()
    return to_onnx_bytes(study.teacher, study.X_test)


def _rows(X: np.ndarray, n: int) -> np.ndarray:
    """``n`` rows of ``X`` (repeated from the start when ``n`` is larger), float32, contiguous."""
    return np.ascontiguousarray(np.take(X, np.arange(n) % len(X), axis=0), dtype=np.float32)


@lru_cache(maxsize=512)
def _latency(key: str, setting, batch_size: int) -> Latency:
    from threadpoolctl import threadpool_limits

    variant = _variant(key, setting)
    X = compression_study().X_test
    if batch_size == 1:
        inputs = [_rows(X[i:], 1) for i in range(len(X))]
    else:
        inputs = [_rows(X, batch_size)]
    if variant.session is None:
        predict = variant.model.predict_proba

        def call(i):
            return predict(inputs[i % len(inputs)])
    else:
        run, name = variant.session.run, variant.session.get_inputs()[0].name

        def call(i):
            return run(None, {name: inputs[i % len(inputs)]})
    with threadpool_limits(limits=1):
        return time_calls(call, REQUEST_RUNS if batch_size == 1 else BATCH_RUNS, batch_size=batch_size)


def variant_latency(key: str, batch_size: int = 1, sparsity: float = 0.5, hidden: int = 16) -> Latency:
    """The measured latency of variant ``key`` for one call on ``batch_size`` rows (cached per setting).

    Examples
    --------
    >>> lat = variant_latency("float32", 1)
    >>> lat.runs, lat.batch_size, 0 < lat.p50_ms <= lat.p99_ms
    (1000, 1, True)
    """
    if key not in VARIANTS:
        raise ValueError(f"Unknown variant {key!r}; choose one of {', '.join(VARIANTS)}.")
    return _latency(key, _setting(key, sparsity, hidden), check_batch_size(batch_size))


# --------------------------------------------------------------------------------------------
# the comparison the tool shows
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class VariantResult:
    """One variant's measured numbers (and the sparse-size estimate for ``pruned``)."""

    key: str
    label: str
    size_bytes: int
    size_what: str
    sparse_bytes: int | None     # estimate (pruned only)
    parameters: int
    nonzero: int
    layer_widths: tuple[int, ...]
    accuracy: float              # share, 0..1
    accuracy_lost: float         # percentage points against the float32 scikit-learn model
    agreement: float             # share of held-out predictions equal to the float32 model's
    request: Latency             # batch 1
    batch: Latency               # batch_size rows

    @property
    def activation_bytes(self) -> int:
        """Float32 activations of one request: 4 bytes x (inputs + hidden units + outputs), an estimate."""
        return BYTES_PER_FLOAT * sum(self.layer_widths)


@dataclass(frozen=True)
class Comparison:
    """Every variant at one setting of sparsity, student size and batch size; see :func:`compare_variants`."""

    sparsity: float
    hidden: int
    batch_size: int
    results: tuple[VariantResult, ...]
    n_test: int

    def result(self, key: str) -> VariantResult:
        """The numbers of variant ``key``."""
        for r in self.results:
            if r.key == key:
                return r
        raise ValueError(f"Unknown variant {key!r}; choose one of {', '.join(VARIANTS)}.")

    def working(self, key: str | None = None) -> list[str]:
        """How each number was made, in plain words with the formulas (one variant, or all)."""
        ref = self.result("float32")
        lines = [(f"Latency: {WARMUP} untimed warm-up calls, then {REQUEST_RUNS:,} timed calls of one request (1 row) "
                  f"and {BATCH_RUNS} of one batch ({self.batch_size} rows), on one thread; p50 and p99 are the 50th "
                  "and 99th percentiles of those times."),
                 (f"Accuracy: share of the {self.n_test} held-out digits predicted right; accuracy lost = float32 "
                  "scikit-learn accuracy - the variant's, in percentage points.")]
        for r in self.results:
            if key is not None and r.key != key:
                continue
            lines.append(f"{r.label}: {DESCRIPTIONS[r.key]}. " + self._detail(r, ref))
        return lines

    def _detail(self, r: VariantResult, ref: VariantResult) -> str:
        if r.key == "sklearn":
            return (f"Size: len(pickle.dumps(model)) without the training state (Adam's moments, a copy of the best "
                    f"weights) = {r.size_bytes:,} bytes; "
                    f"{r.parameters:,} float32 parameters.")
        if r.key == "float32":
            return f"Size: the ONNX file, {r.size_bytes:,} bytes for {r.parameters:,} float32 parameters (4 bytes each)."
        ratio = r.size_bytes / ref.size_bytes
        if r.key in ("float16", "int8"):
            return (f"Size: {r.size_bytes:,} bytes, {ratio:.2f} x float32's {ref.size_bytes:,} "
                    f"(weights at {2 if r.key == 'float16' else 1} byte{'s' if r.key == 'float16' else ''} each, "
                    "plus the graph and scales).")
        if r.key == "pruned":
            zeros = 1 - (r.nonzero / r.parameters)
            widths = r.layer_widths
            weights = sum(a * b for a, b in pairwise(widths))
            nonzero_weights = r.nonzero - sum(widths[1:])   # biases are never pruned
            rows = sum(a + 1 for a in widths[:-1])
            return (f"{self.sparsity:.0%} of each weight matrix set to 0 ({zeros:.1%} of all parameters, biases "
                    f"included); the dense file stays {r.size_bytes:,} bytes. If stored sparse (estimate, CSR with "
                    "4-byte values and column indices): file - 4 x weights + 8 x non-zero weights + 4 x (rows + 1 per "
                    f"matrix) = {r.size_bytes:,} - 4 x {weights:,} + 8 x {nonzero_weights:,} + 4 x {rows:,} = "
                    f"{r.sparse_bytes:,} bytes. Dense kernels still multiply the zeros, so it is no faster.")
        return (f"One hidden layer of {self.hidden} units, {r.parameters:,} parameters; {r.size_bytes:,} bytes, "
                f"{ratio:.2f} x float32's {ref.size_bytes:,}; "
                f"trained on the teacher's predicted digits for the training images and a noisy copy of them.")

    def say(self, focus: str | None = None, check: DeviceCheck | None = None) -> str:
        """The sentence to say in the interview, filled with these numbers (``focus``: one variant or all)."""
        ref = self.result("float32")
        ms = format_sig3
        if focus in (None, "sklearn", "float32"):
            i8, f16, pr, st = (self.result(k) for k in ("int8", "float16", "pruned", "distilled"))
            text = (f"Served by ONNX Runtime on one CPU thread, the float32 network ({ref.size_bytes / 1e3:,.0f} kB) "
                    f"answers a request in {ms(ref.request.p50_ms)} ms p50, {ms(ref.request.p99_ms)} ms p99, and a "
                    f"batch of {self.batch_size} in {ms(ref.batch.p50_ms)} ms p50. "
                    f"Int8 quantisation makes it {ref.size_bytes / i8.size_bytes:.1f}x smaller for "
                    f"{_points(i8.accuracy_lost)} of accuracy (a batch runs {_speed(i8.batch, ref.batch)} float32), "
                    f"float16 {ref.size_bytes / f16.size_bytes:.1f}x smaller; "
                    f"pruning {self.sparsity:.0%} of the weights loses {_points(pr.accuracy_lost)} and only shrinks "
                    f"the file if stored sparse; a student with {self.hidden} hidden units is "
                    f"{ref.size_bytes / st.size_bytes:.0f}x smaller and loses {_points(st.accuracy_lost)}.")
            if focus == "sklearn":
                sk = self.result("sklearn")
                text = (f"The same float32 model run by scikit-learn takes {ms(sk.request.p50_ms)} ms p50 a request, "
                        f"{sk.request.p50_ms / ref.request.p50_ms:.0f}x ONNX Runtime's: the serving runtime matters as "
                        "much as the model. " + text)
        else:
            text = _focus_sentence(self.result(focus), ref, self.batch_size)
        if check is not None:
            text += " " + check.say()
        return text


def _points(lost: float) -> str:
    """Accuracy lost in percentage points, with the sign said in words."""
    if abs(lost) < 0.05:
        return "0.0 points"
    return f"{lost:.1f} points" if lost > 0 else f"nothing ({-lost:.1f} points gained)"


def _speed(variant: Latency, reference: Latency) -> str:
    """How the medians compare: "1.7x faster than", "about as fast as" (within 10%) or "1.2x slower than"."""
    ratio = variant.p50_ms / reference.p50_ms
    if ratio < 1 / 1.1:
        return f"{1 / ratio:.1f}x faster than"
    return f"{ratio:.1f}x slower than" if ratio > 1.1 else "about as fast as"


def _focus_sentence(r: VariantResult, ref: VariantResult, batch_size: int) -> str:
    ms = format_sig3
    same_request = _speed(r.request, ref.request) == "about as fast as"
    faster_batch = _speed(r.batch, ref.batch).endswith("faster than")
    text = (f"The {r.label} model is {r.size_bytes / 1e3:,.0f} kB ({r.size_bytes / ref.size_bytes:.2f}x the float32 "
            f"file) and loses {_points(r.accuracy_lost)} of accuracy; it answers a request in {ms(r.request.p50_ms)} "
            f"ms p50, {ms(r.request.p99_ms)} ms p99 ({_speed(r.request, ref.request)} float32 ONNX) and a batch of "
            f"{batch_size} in {ms(r.batch.p50_ms)} ms p50 ({_speed(r.batch, ref.batch)} float32).")
    if r.key == "int8":
        text += " Dynamic quantisation needs no calibration data."
        if same_request and faster_batch:
            text += (" One request is bound by the runtime's per-call overhead, a batch by arithmetic, which is "
                     "where 8-bit integers pay.")
    elif r.key == "float16":
        text += (" The file halves; this CPU has no faster float16 arithmetic to offer." if not faster_batch
                 else " The file halves and the arithmetic is faster too.")
    elif r.key == "pruned":
        text += (f" The zeros only pay when stored sparse (about {r.sparse_bytes / 1e3:,.0f} kB, an estimate) and run "
                 "by sparse kernels; dense kernels multiply them anyway. This is one-shot pruning: fine-tuning "
                 "afterwards usually wins back most of the loss (Han et al. 2015).")
    elif r.key == "distilled":
        text += (" It learned the teacher's answers, so most of the accuracy stays at a fraction of the size and "
                 "the arithmetic.")
    return text


def compare_variants(sparsity: float = 0.5, hidden: int = 16, batch_size: int = 32) -> Comparison:
    """Every variant's size, latency (per request and per batch) and accuracy at one setting.

    Models and measurements are cached per setting, so moving back to a setting seen before is instant.

    Parameters
    ----------
    sparsity : share of each weight matrix the pruned variant zeroes, 0 to 0.99.
    hidden : the student's hidden units, one of ``STUDENT_SIZES``.
    batch_size : rows per call for the per-batch latency, 1 to 1,024.

    Examples
    --------
    >>> c = compare_variants(0.5, 16, 32)
    >>> [r.key for r in c.results] == list(VARIANTS), c.result("sklearn").accuracy_lost
    (True, 0.0)
    """
    s, h, b = check_sparsity(sparsity), check_hidden(hidden), check_batch_size(batch_size)
    reference = model_variant("sklearn")
    results = []
    for key in VARIANTS:
        v = model_variant(key, s, h)
        results.append(VariantResult(
            key, LABELS[key], v.size_bytes, v.size_what, v.sparse_bytes, v.parameters, v.nonzero, v.layer_widths,
            v.accuracy, (reference.accuracy - v.accuracy) * 100, float(np.mean(v.labels == reference.labels)),
            variant_latency(key, 1, s, h), variant_latency(key, b, s, h)))
    return Comparison(s, h, b, tuple(results), len(compression_study().y_test))


# --------------------------------------------------------------------------------------------
# where it runs
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class HostCompute:
    """One core of this machine: ``clock x FLOPS_PER_CYCLE`` (see :func:`host_compute`)."""

    clock_ghz: float
    flops_per_cycle: int
    measured_clock: bool     # False: the clock is ``DEFAULT_CLOCK_GHZ``, assumed

    @property
    def tflops(self) -> float:
        """Peak FP32 TFLOPS of one core: ``clock (GHz) x 10^9 x FLOP/cycle / 10^12``."""
        return self.clock_ghz * 1e9 * self.flops_per_cycle / 1e12

    def describe(self) -> str:
        """The estimate written out, for the working."""
        where = "its clock" if self.measured_clock else "an assumed clock"
        return (f"one core of this machine, {self.clock_ghz:.2f} GHz ({where}) x {self.flops_per_cycle} FP32 "
                f"FLOP/cycle = {self.tflops:.3f} TFLOPS (estimate)")


def _clock_ghz(cpuinfo: str) -> float | None:
    """The clock in GHz from the text of ``/proc/cpuinfo``: the "@ 3.20GHz" of the model name, else the
    fastest "cpu MHz"; ``None`` when neither is there.

    Examples
    --------
    >>> _clock_ghz("model name : Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz\\ncpu MHz : 1200.0")
    2.9
    >>> _clock_ghz("model name : AMD EPYC\\ncpu MHz : 2400.0\\ncpu MHz : 2500.0")
    2.5
    """
    named = re.search(r"model name\s*:.*@\s*([0-9.]+)\s*GHz", cpuinfo)
    if named:
        return float(named.group(1))
    mhz = [float(m) for m in re.findall(r"cpu MHz\s*:\s*([0-9.]+)", cpuinfo)]
    return max(mhz) / 1000 if mhz else None


@lru_cache(maxsize=1)
def host_compute() -> HostCompute:
    """The peak of one core of this machine, an estimate: clock x 32 FP32 FLOP/cycle (the convention of
    ``hardware.csv``'s CPU rows: two 8-wide fused multiply-add units). The clock is read from
    ``/proc/cpuinfo`` (Linux); elsewhere 3 GHz is assumed.

    Examples
    --------
    >>> h = host_compute()
    >>> h.flops_per_cycle, h.tflops > 0
    (32, True)
    """
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            ghz = _clock_ghz(f.read())
    except OSError:
        ghz = None
    if ghz is None or not 0.1 < ghz < 10:
        return HostCompute(DEFAULT_CLOCK_GHZ, FLOPS_PER_CYCLE, False)
    return HostCompute(ghz, FLOPS_PER_CYCLE, True)


def device_profiles() -> list[cap.HardwareProfile]:
    """The phones and edge devices of ``hardware.csv`` (kinds ``phone`` and ``edge``), in file order.

    Examples
    --------
    >>> sorted({d.kind for d in device_profiles()})
    ['edge', 'phone']
    """
    frame = cap.load_hardware()
    frame = frame[frame["kind"].isin(DEVICE_KINDS)]
    return [cap.HardwareProfile(r["name"], r["kind"], float(r["peak_tflops"]), float(r["memory_gb"]),
                                float(r["price_per_hour_usd"]), r["source"], r["as_of"]) for _, r in frame.iterrows()]


@dataclass(frozen=True)
class MemoryFit:
    """Whether a model fits the share of a device's memory an app may use; see :func:`memory_fit`."""

    needed_bytes: float
    memory_bytes: float
    share: float
    budget_bytes: float
    fits: bool

    @property
    def share_of_budget(self) -> float:
        """``needed / budget``: above 1 does not fit."""
        return self.needed_bytes / self.budget_bytes


def memory_fit(needed_bytes, memory_gb, share) -> MemoryFit:
    """``budget = memory_gb x 10^9 x share``; the model fits when ``needed_bytes <= budget``.

    Bytes are decimal (1 GB = 10^9 B), as in :mod:`widgets.tools.capacity`.

    Examples
    --------
    >>> f = memory_fit(150_000, 0.000256, 0.5)       # 150 kB against half of 256 kB
    >>> f.budget_bytes, f.fits
    (128000.0, False)
    >>> memory_fit(128_000, 0.000256, 0.5).fits       # exactly the budget fits
    True
    """
    needed = cap._non_negative("needed_bytes", needed_bytes)
    memory = cap._positive("memory_gb", memory_gb)
    s = cap._share("share", share)
    budget = memory * 1e9 * s
    return MemoryFit(needed, memory * 1e9, s, budget, needed <= budget)


def device_latency_ms(measured_ms, host_tflops, device_tflops) -> float:
    """Latency on a device scaled from a measurement here by the ratio of peak compute, an estimate:
    ``measured_ms x host_tflops / device_tflops``.

    Examples
    --------
    >>> device_latency_ms(0.02, 0.08, 0.16)     # a device with twice the compute: half the time
    0.01
    """
    ms = cap._non_negative("measured_ms", measured_ms)
    return ms * cap._positive("host_tflops", host_tflops) / cap._positive("device_tflops", device_tflops)


@dataclass(frozen=True)
class DeviceCheck:
    """Whether one variant fits a device's memory budget and meets a latency budget there; see :func:`device_check`."""

    device: cap.HardwareProfile
    variant: str
    memory: MemoryFit
    measured_p99_ms: float
    host_tflops: float
    latency_ms: float            # estimate
    latency_budget_ms: float
    meets_budget: bool
    working: tuple[str, ...] = field(repr=False)

    @property
    def fits(self) -> bool:
        """Whether the model fits the memory an app may use."""
        return self.memory.fits

    def say(self) -> str:
        """The verdict in a sentence, its estimates called estimates."""
        fit = "fits" if self.fits else "does NOT fit"
        meet = "meets" if self.meets_budget else "misses"
        return (f"On the {self.device.name} the {self.variant} model {fit} the {self.memory.share:.0%} of memory an "
                f"app may use ({_bytes(self.memory.needed_bytes)} of {_bytes(self.memory.budget_bytes)}), and its p99, "
                f"estimated at {format_sig3(self.latency_ms)} ms from the ratio of compute, {meet} the "
                f"{self.latency_budget_ms:g} ms budget.")


def _bytes(n: float) -> str:
    return cap.format_bytes(n)


def _percent(share: float) -> str:
    """A share as a percentage a person reads: 44%, 0.0055%.

    Examples
    --------
    >>> _percent(0.44), _percent(0.000055), _percent(0)
    ('44%', '0.0055%', '0%')
    """
    return f"{share:.0%}" if share >= 0.01 or share == 0 else f"{share * 100:.2g}%"


def device_check(size_bytes, activation_bytes, measured_p99_ms, device, latency_budget_ms, host_tflops,
                 variant: str = "model") -> DeviceCheck:
    """Memory fit and latency budget of a model on a device, from numbers measured here.

    Memory (estimate): ``needed = size_bytes + activation_bytes`` against ``memory_gb x 10^9 x share``, the
    share an app may use (``APP_MEMORY_SHARE`` by the device's kind, an assumption). Latency (estimate):
    ``measured_p99_ms x host_tflops / device peak_tflops`` (:func:`device_latency_ms`) against
    ``latency_budget_ms``.

    Parameters
    ----------
    size_bytes, activation_bytes : the model file and the activations of one request, bytes.
    measured_p99_ms : p99 per request measured here, ms.
    device : a :class:`~widgets.tools.capacity.HardwareProfile` or its name in ``hardware.csv``.
    latency_budget_ms : the target, ms (> 0).
    host_tflops : the peak of the compute the measurement used (one core here), TFLOPS.

    Examples
    --------
    >>> mcu = cap.HardwareProfile("tiny", "edge", 0.0001, 0.000256, 0.001, "made up", "2025-06")
    >>> c = device_check(100_000, 2_000, 0.01, mcu, 5, 0.1)
    >>> c.fits, round(c.latency_ms, 3), c.meets_budget
    (True, 10.0, False)
    """
    d = cap._profile(device)
    budget = check_latency_budget(latency_budget_ms)
    size = cap._non_negative("size_bytes", size_bytes)
    act = cap._non_negative("activation_bytes", activation_bytes)
    share = APP_MEMORY_SHARE.get(d.kind, 0.5)
    fit = memory_fit(size + act, d.memory_gb, share)
    latency = device_latency_ms(measured_p99_ms, host_tflops, d.peak_tflops)
    working = (
        (f"memory needed (estimate): {size:,.0f} B file + {act:,.0f} B of float32 activations for one request "
         f"= {_bytes(size + act)}"),
        f"memory budget (assumption): {_bytes(fit.memory_bytes)} x {share:.0%} an app may use "
        f"({MEMORY_SHARE_REASON.get(d.kind, 'the rest is for everything else')}) = {_bytes(fit.budget_bytes)}: "
        + ("fits" if fit.fits else "does NOT fit") + f" ({_percent(fit.share_of_budget)} of it)",
        f"p99 on the device (estimate): {format_sig3(float(measured_p99_ms))} ms here x {host_tflops:.3g} TFLOPS here / "
        f"{d.peak_tflops:g} TFLOPS there = {format_sig3(latency)} ms against a {budget:g} ms budget: "
        + ("met" if latency <= budget else "missed"),
    )
    return DeviceCheck(d, variant, fit, float(measured_p99_ms), float(host_tflops), latency, budget,
                       latency <= budget, working)


def check_on_device(result: VariantResult, device, latency_budget_ms, host: HostCompute | None = None) -> DeviceCheck:
    """:func:`device_check` for one measured variant, with one core of this machine as the reference compute.

    Parameters
    ----------
    result : a variant's measured numbers (:class:`VariantResult`): its file size, the activations of one
        request and its p99 per request (batch 1), ms.
    device : a :class:`~widgets.tools.capacity.HardwareProfile` or its name in ``hardware.csv``.
    latency_budget_ms : the p99 target on the device, ms.
    host : the compute the measurement used (default :func:`host_compute`).

    Returns
    -------
    DeviceCheck
    """
    host = host or host_compute()
    return device_check(result.size_bytes, result.activation_bytes, result.request.p99_ms, device,
                        latency_budget_ms, host.tflops, result.label)


def checks_on_device(comparison: Comparison, device, latency_budget_ms,
                     host: HostCompute | None = None) -> dict[str, DeviceCheck]:
    """:func:`check_on_device` for every variant ONNX Runtime serves (a device does not run scikit-learn).

    Returns
    -------
    dict : variant key -> :class:`DeviceCheck`, in the order of ``VARIANTS``.
    """
    return {r.key: check_on_device(r, device, latency_budget_ms, host) for r in comparison.results
            if r.key != "sklearn"}


def best_on_device(comparison: Comparison, checks: dict[str, DeviceCheck]) -> str | None:
    """The variant to ship on the device: of those that fit its memory budget and meet the latency budget, the one
    that loses the least accuracy, the smallest file among equals; ``None`` when none does.

    Examples
    --------
    >>> c = compare_variants(0.5, 16, 32)
    >>> phone = cap.HardwareProfile("phone", "phone", 0.2, 8, 0.04, "made up", "2025-06")
    >>> best_on_device(c, checks_on_device(c, phone, 1000)) in ("float32", "float16")
    True
    """
    fine = [comparison.result(k) for k, check in checks.items() if check.fits and check.meets_budget]
    if not fine:
        return None
    return min(fine, key=lambda r: (round(r.accuracy_lost, 6), r.size_bytes)).key
