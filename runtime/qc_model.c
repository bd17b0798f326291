/*===- qc_model.c - The C ABI of compiled models ------------------*- C -*-===*
 *
 * Linked into every model library. quant-compile generates two symbols this
 * file builds on:
 *   qc_model_metadata  the signature (qc_model_metadata.h)
 *   qc_model_invoke    runs the model on an array of buffer pointers, inputs
 *                      first, then outputs
 * and, for a model compiled for a GPU, a third:
 *   qc_model_invoke_device  the same on buffers in device memory
 *
 *===----------------------------------------------------------------------===*/

#include "qc/Runtime/qc_model.h"
#include "qc_model_metadata.h"

#include <stdio.h>
#include <string.h>

extern const qc_model_metadata_t qc_model_metadata;
extern void qc_model_invoke(void **buffers);
/* Models compiled for a GPU: the same on device buffers. */
extern void qc_model_invoke_device(void **buffers) __attribute__((weak));

/* Largest number of buffers a model may take: keeps the pointer array on
 * the stack. */
#define QC_MAX_BUFFERS 1024

static _Thread_local char last_error[256];

/* OpenMP's functions, present when the library was compiled parallel (it
 * then links libomp); weak so single-threaded libraries need no libomp. */
extern void omp_set_num_threads(int) __attribute__((weak));
extern int omp_get_max_threads(void) __attribute__((weak));

/* QC's GPU runtime (qc_cuda.h), present in libraries compiled for a GPU;
 * weak so CPU libraries need none. */
extern int qc_cuda_take_error(char *message, size_t size)
    __attribute__((weak));

/* Threads set by qc_model_set_num_threads; 0: OpenMP's default. */
static _Atomic int32_t requested_threads;

/* Records `message` (a printf format taking two size_t) and returns status. */
static qc_status fail(qc_status status, const char *message, size_t a,
                      size_t b) {
  snprintf(last_error, sizeof(last_error), message, a, b);
  return status;
}

int32_t qc_model_abi_version(void) { return qc_model_metadata.abi_version; }

size_t qc_model_num_inputs(void) {
  return (size_t)qc_model_metadata.num_inputs;
}

size_t qc_model_num_outputs(void) {
  return (size_t)qc_model_metadata.num_outputs;
}

const qc_tensor_info *qc_model_input(size_t index) {
  return index < qc_model_num_inputs() ? &qc_model_metadata.inputs[index]
                                       : NULL;
}

const qc_tensor_info *qc_model_output(size_t index) {
  return index < qc_model_num_outputs() ? &qc_model_metadata.outputs[index]
                                        : NULL;
}

size_t qc_dtype_size(int32_t dtype) {
  switch (dtype) {
  case QC_DTYPE_UINT8:
  case QC_DTYPE_INT8:
  case QC_DTYPE_BOOL:
    return 1;
  case QC_DTYPE_UINT16:
  case QC_DTYPE_INT16:
  case QC_DTYPE_FLOAT16:
  case QC_DTYPE_BFLOAT16:
    return 2;
  case QC_DTYPE_FLOAT32:
  case QC_DTYPE_INT32:
  case QC_DTYPE_UINT32:
    return 4;
  case QC_DTYPE_INT64:
  case QC_DTYPE_FLOAT64:
  case QC_DTYPE_UINT64:
    return 8;
  default:
    return 0;
  }
}

size_t qc_tensor_size_in_bytes(const qc_tensor_info *info) {
  if (!info)
    return 0;
  size_t bytes = qc_dtype_size(info->dtype);
  for (int32_t i = 0; i < info->rank; ++i)
    bytes *= (size_t)info->shape[i];
  return bytes;
}

/* Checks the buffer arrays against the model's signature and gathers them,
 * inputs first, into `buffers` (QC_MAX_BUFFERS entries). */
static qc_status gather_buffers(const void *const *inputs, size_t num_inputs,
                                void *const *outputs, size_t num_outputs,
                                void **buffers) {
  size_t expected_inputs = qc_model_num_inputs();
  size_t expected_outputs = qc_model_num_outputs();
  if (num_inputs != expected_inputs || num_outputs != expected_outputs)
    return fail(QC_ERROR_ARGUMENT_COUNT,
                "expected %zu inputs and %zu outputs", expected_inputs,
                expected_outputs);
  if (expected_inputs + expected_outputs > QC_MAX_BUFFERS)
    return fail(QC_ERROR_ARGUMENT_COUNT, "the model has %zu buffers, over %zu",
                expected_inputs + expected_outputs, QC_MAX_BUFFERS);
  if (expected_inputs && !inputs)
    return fail(QC_ERROR_NULL_ARGUMENT, "the input array is null", 0, 0);
  if (expected_outputs && !outputs)
    return fail(QC_ERROR_NULL_ARGUMENT, "the output array is null", 0, 0);
  for (size_t i = 0; i < expected_inputs; ++i) {
    if (!inputs[i])
      return fail(QC_ERROR_NULL_ARGUMENT, "input %zu is null", i, 0);
    /* The model only reads its inputs. */
    buffers[i] = (void *)(uintptr_t)inputs[i];
  }
  for (size_t i = 0; i < expected_outputs; ++i) {
    if (!outputs[i])
      return fail(QC_ERROR_NULL_ARGUMENT, "output %zu is null", i, 0);
    buffers[expected_inputs + i] = outputs[i];
  }
  return QC_OK;
}

/* Runs `invoke` on `buffers`; reports what failed on the GPU, if anything. */
static qc_status invoke_model(void (*invoke)(void **), void **buffers) {
  /* OpenMP's thread count is per calling thread: set it on each run, so
   * the setting holds whichever thread runs the model. */
  int32_t threads = requested_threads;
  if (threads > 0 && omp_set_num_threads)
    omp_set_num_threads(threads);
  invoke(buffers);
  if (qc_cuda_take_error &&
      qc_cuda_take_error(last_error, sizeof(last_error)))
    return QC_ERROR_DEVICE;
  last_error[0] = '\0';
  return QC_OK;
}

qc_status qc_model_run(const void *const *inputs, size_t num_inputs,
                       void *const *outputs, size_t num_outputs) {
  void *buffers[QC_MAX_BUFFERS];
  qc_status status =
      gather_buffers(inputs, num_inputs, outputs, num_outputs, buffers);
  return status != QC_OK ? status : invoke_model(qc_model_invoke, buffers);
}

qc_status qc_model_run_device(const void *const *inputs, size_t num_inputs,
                              void *const *outputs, size_t num_outputs) {
  if (!qc_model_invoke_device)
    return fail(QC_ERROR_DEVICE,
                "this model was compiled for the CPU; device buffers need "
                "--target=cuda:<chip>",
                0, 0);
  void *buffers[QC_MAX_BUFFERS];
  qc_status status =
      gather_buffers(inputs, num_inputs, outputs, num_outputs, buffers);
  return status != QC_OK ? status
                         : invoke_model(qc_model_invoke_device, buffers);
}

qc_status qc_model_set_num_threads(int32_t num_threads) {
  if (num_threads < 0)
    return fail(QC_ERROR_INVALID_ARGUMENT,
                "expected a thread count of at least 0, got %zd",
                (size_t)num_threads, 0);
  requested_threads = num_threads;
  last_error[0] = '\0';
  return QC_OK;
}

int32_t qc_model_num_threads(void) {
  if (!omp_get_max_threads)
    return 1;
  int32_t threads = requested_threads;
  return threads > 0 ? threads : omp_get_max_threads();
}

const char *qc_model_last_error(void) { return last_error; }

/*===----------------------------------------------------------------------===*
 * memrefCopy: the generic copy MLIR's memref lowering calls for copies
 * between buffers whose layouts are not both contiguous (MLIR's runner
 * utilities define it too; compiled models must not depend on them).
 *===----------------------------------------------------------------------===*/

/* An unranked memref as the lowering passes it: rank and a pointer to a
 * ranked descriptor {allocated, aligned, offset, sizes[rank], strides[rank]}. */
typedef struct qc_unranked_memref {
  int64_t rank;
  void *descriptor;
} qc_unranked_memref;

typedef struct qc_memref_header {
  char *allocated;
  char *aligned;
  int64_t offset;
  int64_t sizes_and_strides[]; /* sizes[rank], then strides[rank] */
} qc_memref_header;

/* Copies the `dim`-th dimension and those inside it; rows contiguous in
 * both buffers at once. */
static void copy_dimension(int64_t element_size, int64_t rank, int64_t dim,
                           const qc_memref_header *src, char *src_at,
                           const qc_memref_header *dst, char *dst_at) {
  if (dim == rank) {
    memcpy(dst_at, src_at, (size_t)element_size);
    return;
  }
  int64_t size = src->sizes_and_strides[dim];
  int64_t src_stride = src->sizes_and_strides[rank + dim] * element_size;
  int64_t dst_stride = dst->sizes_and_strides[rank + dim] * element_size;
  if (dim == rank - 1 && src_stride == element_size &&
      dst_stride == element_size) {
    memcpy(dst_at, src_at, (size_t)(size * element_size));
    return;
  }
  for (int64_t i = 0; i < size; ++i)
    copy_dimension(element_size, rank, dim + 1, src, src_at + i * src_stride,
                   dst, dst_at + i * dst_stride);
}

void memrefCopy(int64_t element_size, qc_unranked_memref *source,
                qc_unranked_memref *target) {
  const qc_memref_header *src = source->descriptor;
  const qc_memref_header *dst = target->descriptor;
  copy_dimension(element_size, source->rank, 0, src,
                 src->aligned + src->offset * element_size, dst,
                 dst->aligned + dst->offset * element_size);
}
