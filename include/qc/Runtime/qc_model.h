/*===- qc_model.h - C ABI of models compiled by QC ----------------*- C -*-===*
 *
 * A shared library made by `quant-compile model.onnx -o model.so` exports
 * the functions below. Link against it, or dlopen it and look them up.
 *
 *   size_t n = qc_model_num_inputs();
 *   const qc_tensor_info *x = qc_model_input(0);   // name, dtype, shape
 *   qc_model_set_num_threads(2);                    // optional
 *   qc_status s = qc_model_run(inputs, n_in, outputs, n_out);
 *   if (s != QC_OK) fprintf(stderr, "%s\n", qc_model_last_error());
 *
 * Buffers are dense, row-major, with the element type and shape the model
 * reports; the caller owns them. The model keeps no state between calls.
 *
 *===----------------------------------------------------------------------===*/

#ifndef QC_RUNTIME_QC_MODEL_H
#define QC_RUNTIME_QC_MODEL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Version of this ABI; qc_model_abi_version() of a library must match. */
#define QC_MODEL_ABI_VERSION 1

/* Element types, numbered as ONNX's TensorProto.DataType. */
typedef enum qc_dtype {
  QC_DTYPE_FLOAT32 = 1,
  QC_DTYPE_UINT8 = 2,
  QC_DTYPE_INT8 = 3,
  QC_DTYPE_UINT16 = 4,
  QC_DTYPE_INT16 = 5,
  QC_DTYPE_INT32 = 6,
  QC_DTYPE_INT64 = 7,
  QC_DTYPE_BOOL = 9,
  QC_DTYPE_FLOAT16 = 10,
  QC_DTYPE_FLOAT64 = 11,
  QC_DTYPE_UINT32 = 12,
  QC_DTYPE_UINT64 = 13,
  QC_DTYPE_BFLOAT16 = 16
} qc_dtype;

typedef enum qc_status {
  QC_OK = 0,
  /* A null buffer array or buffer. */
  QC_ERROR_NULL_ARGUMENT = 1,
  /* The number of input or output buffers differs from the model's. */
  QC_ERROR_ARGUMENT_COUNT = 2,
  /* An index past the model's inputs or outputs. */
  QC_ERROR_OUT_OF_RANGE = 3,
  /* An argument outside its documented range. */
  QC_ERROR_INVALID_ARGUMENT = 4,
  /* A model compiled for a GPU could not run there (no CUDA driver or
   * device, or a driver call failed); qc_model_last_error() says why. */
  QC_ERROR_DEVICE = 5
} qc_status;

typedef struct qc_tensor_info {
  const char *name;
  int32_t dtype; /* qc_dtype */
  int32_t rank;
  const int64_t *shape; /* rank entries */
} qc_tensor_info;

int32_t qc_model_abi_version(void);

size_t qc_model_num_inputs(void);
size_t qc_model_num_outputs(void);
/* Null for an index out of range. */
const qc_tensor_info *qc_model_input(size_t index);
const qc_tensor_info *qc_model_output(size_t index);

/* Bytes of one element of `dtype` (0 for an unknown value). */
size_t qc_dtype_size(int32_t dtype);
/* Bytes of a whole tensor. */
size_t qc_tensor_size_in_bytes(const qc_tensor_info *info);

/* Runs the model on caller buffers: inputs[i] holds input i, outputs[i]
 * receives output i. On failure qc_model_last_error() says why
 * (thread-local); nothing is written, except that a model compiled for a GPU
 * may have written some outputs when the GPU failed (QC_ERROR_DEVICE). */
qc_status qc_model_run(const void *const *inputs, size_t num_inputs,
                       void *const *outputs, size_t num_outputs);

/* As qc_model_run, on buffers in the memory of the GPU a model compiled
 * for one runs on (CUDA device pointers, in the primary context of the
 * device QC_CUDA_DEVICE names, else device 0): no copies between host and
 * device. Returns when the results are written. QC_ERROR_DEVICE for a model
 * compiled for the CPU. */
qc_status qc_model_run_device(const void *const *inputs, size_t num_inputs,
                              void *const *outputs, size_t num_outputs);

/* Threads later runs use (from any calling thread): 0 restores the
 * default (OMP_NUM_THREADS, else one per core). Libraries compiled with
 * --parallel=false always run on the calling thread alone. */
qc_status qc_model_set_num_threads(int32_t num_threads);
/* Threads a run uses now. */
int32_t qc_model_num_threads(void);

/* The message of the last failure on this thread ("" after a success). */
const char *qc_model_last_error(void);

#ifdef __cplusplus
}
#endif

#endif /* QC_RUNTIME_QC_MODEL_H */
