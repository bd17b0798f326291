"""Loading and running model libraries made by quant-compile (qc_model.h)."""

import ctypes
from dataclasses import dataclass

import numpy as np

# qc_dtype values (ONNX TensorProto.DataType) and their numpy types.
_DTYPES = {
    1: np.float32, 2: np.uint8, 3: np.int8, 4: np.uint16, 5: np.int16,
    6: np.int32, 7: np.int64, 9: np.bool_, 10: np.float16, 11: np.float64,
    12: np.uint32, 13: np.uint64,
}
_ABI_VERSION = 1


class _TensorInfo(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("dtype", ctypes.c_int32),
                ("rank", ctypes.c_int32),
                ("shape", ctypes.POINTER(ctypes.c_int64))]


@dataclass(frozen=True)
class TensorSpec:
    """An input or output of a compiled model."""
    name: str
    dtype: np.dtype
    shape: tuple


class Model:
    """A compiled model library; call it on numpy arrays."""

    def __init__(self, path):
        self.path = str(path)
        self._lib = ctypes.CDLL(self.path)
        self._declare_functions()
        version = self._lib.qc_model_abi_version()
        if version != _ABI_VERSION:
            raise RuntimeError(f"{self.path}: model ABI version {version}, "
                               f"this loader reads {_ABI_VERSION}")
        self.inputs = self._specs(self._lib.qc_model_num_inputs(),
                                  self._lib.qc_model_input)
        self.outputs = self._specs(self._lib.qc_model_num_outputs(),
                                   self._lib.qc_model_output)

    def _declare_functions(self):
        lib = self._lib
        for name in ("qc_model_num_inputs", "qc_model_num_outputs"):
            getattr(lib, name).restype = ctypes.c_size_t
        for name in ("qc_model_input", "qc_model_output"):
            getattr(lib, name).restype = ctypes.POINTER(_TensorInfo)
            getattr(lib, name).argtypes = [ctypes.c_size_t]
        lib.qc_model_abi_version.restype = ctypes.c_int32
        lib.qc_model_last_error.restype = ctypes.c_char_p
        lib.qc_model_set_num_threads.restype = ctypes.c_int
        lib.qc_model_set_num_threads.argtypes = [ctypes.c_int32]
        lib.qc_model_num_threads.restype = ctypes.c_int32
        # Libraries built before device buffers existed lack
        # qc_model_run_device.
        runs = [lib.qc_model_run]
        if hasattr(lib, "qc_model_run_device"):
            runs.append(lib.qc_model_run_device)
        for run in runs:
            run.restype = ctypes.c_int
            run.argtypes = [
                ctypes.POINTER(ctypes.c_void_p), ctypes.c_size_t,
                ctypes.POINTER(ctypes.c_void_p), ctypes.c_size_t]

    @staticmethod
    def _specs(count, getter):
        specs = []
        for index in range(count):
            info = getter(index).contents
            dtype = _DTYPES.get(info.dtype)
            if dtype is None:
                raise RuntimeError(f"unsupported element type {info.dtype}")
            specs.append(TensorSpec(info.name.decode(), np.dtype(dtype),
                                    tuple(info.shape[i]
                                          for i in range(info.rank))))
        return specs

    def _check_input(self, spec, array):
        array = np.asarray(array)
        if array.dtype != spec.dtype:
            raise TypeError(f"input '{spec.name}' expects {spec.dtype}, "
                            f"got {array.dtype}")
        if array.shape != spec.shape:
            raise ValueError(f"input '{spec.name}' expects shape {spec.shape}, "
                             f"got {array.shape}")
        return np.ascontiguousarray(array)

    def __call__(self, *args, **kwargs):
        """Runs the model on inputs given in order or by name; returns the
        outputs as a list of new arrays."""
        if args and kwargs:
            raise TypeError("give the inputs in order or by name, not both")
        if kwargs:
            missing = [s.name for s in self.inputs if s.name not in kwargs]
            unknown = set(kwargs) - {s.name for s in self.inputs}
            if missing or unknown:
                raise TypeError(f"missing inputs {missing}, unknown inputs "
                                f"{sorted(unknown)}")
            args = [kwargs[s.name] for s in self.inputs]
        if len(args) != len(self.inputs):
            raise TypeError(f"the model takes {len(self.inputs)} inputs, "
                            f"got {len(args)}")
        inputs = [self._check_input(s, a) for s, a in zip(self.inputs, args)]
        outputs = [np.empty(s.shape, s.dtype) for s in self.outputs]
        input_ptrs = (ctypes.c_void_p * max(1, len(inputs)))(
            *[a.ctypes.data for a in inputs])
        output_ptrs = (ctypes.c_void_p * max(1, len(outputs)))(
            *[a.ctypes.data for a in outputs])
        status = self._lib.qc_model_run(input_ptrs, len(inputs), output_ptrs,
                                        len(outputs))
        if status != 0:
            raise RuntimeError(self._lib.qc_model_last_error().decode())
        return outputs

    def run_device(self, inputs, outputs):
        """Runs a model compiled for a GPU on buffers in the GPU's memory:
        ``inputs`` and ``outputs`` are device addresses (ints, e.g. a torch
        CUDA tensor's ``data_ptr()``) of dense buffers with the shapes and
        types of ``self.inputs`` and ``self.outputs``. Returns when the
        outputs are written."""
        if len(inputs) != len(self.inputs) or len(outputs) != len(self.outputs):
            raise TypeError(f"the model takes {len(self.inputs)} inputs and "
                            f"{len(self.outputs)} outputs, got {len(inputs)} "
                            f"and {len(outputs)}")
        if not hasattr(self._lib, "qc_model_run_device"):
            raise RuntimeError(f"{self.path} predates device buffers "
                               "(no qc_model_run_device); compile it again")
        input_ptrs = (ctypes.c_void_p * max(1, len(inputs)))(*inputs)
        output_ptrs = (ctypes.c_void_p * max(1, len(outputs)))(*outputs)
        status = self._lib.qc_model_run_device(input_ptrs, len(inputs),
                                               output_ptrs, len(outputs))
        if status != 0:
            raise RuntimeError(self._lib.qc_model_last_error().decode())

    @property
    def num_threads(self):
        """Threads a run uses (1 for libraries compiled with
        parallel=False)."""
        return self._lib.qc_model_num_threads()

    @num_threads.setter
    def num_threads(self, count):
        """Sets the threads later runs use; 0 restores the default
        (OMP_NUM_THREADS, else one per core)."""
        if self._lib.qc_model_set_num_threads(int(count)) != 0:
            raise ValueError(self._lib.qc_model_last_error().decode())

    def __repr__(self):
        def describe(specs):
            return ", ".join(f"{s.name}: {s.dtype}{list(s.shape)}"
                             for s in specs)
        return (f"<qc.Model {self.path} ({describe(self.inputs)}) -> "
                f"({describe(self.outputs)})>")


def load(path, num_threads=None):
    """Loads a model library made by quant-compile (or qc.compile); with
    ``num_threads``, its runs use that many threads."""
    model = Model(path)
    if num_threads is not None:
        model.num_threads = num_threads
    return model
