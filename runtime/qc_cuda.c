/*===- qc_cuda.c - GPU host calls of compiled models on the CUDA driver ---===*
 *
 * MLIR's gpu-to-llvm conversion turns gpu.launch_func, gpu.alloc,
 * gpu.memcpy and the module they use into calls of the `mgpu*` functions
 * below (the interface of MLIR's CudaRuntimeWrappers, which Debian does not
 * ship). QC implements them on the CUDA driver API, which it loads with
 * dlopen when the first call needs it: a model library for the GPU builds
 * and loads on machines without CUDA and fails only when it runs there,
 * with the reason in qc_model_last_error().
 *
 * The generated code cannot check results, so a failing call records the
 * first error (qc_cuda_take_error) and later calls do nothing until it is
 * taken: qc_model_run takes it after the model ran and reports it.
 *
 * All work runs in the primary context of device 0 (or of the device
 * QC_CUDA_DEVICE names).
 *
 *===----------------------------------------------------------------------===*/

#include "qc_cuda.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

/* The driver API's types, as cuda.h declares them (stable since CUDA 4,
 * memory pools since 11.2; declared here so that the runtime builds without a CUDA toolkit). */
typedef int CUresult;
typedef int CUdevice;
typedef struct CUctx_st *CUcontext;
typedef struct CUmod_st *CUmodule;
typedef struct CUfunc_st *CUfunction;
typedef struct CUstream_st *CUstream;
typedef struct CUevent_st *CUevent;
typedef struct CUmemPoolHandle_st *CUmemoryPool;
typedef unsigned long long CUdeviceptr;

enum {
  CUDA_SUCCESS = 0,
  CUDA_ERROR_DEINITIALIZED = 4,
  CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES = 8,
  CU_EVENT_DISABLE_TIMING = 2,
  CU_STREAM_NON_BLOCKING = 1,
  CU_MEMPOOL_ATTR_RELEASE_THRESHOLD = 4,
};

/* Dynamic shared memory a kernel may use without opting in. */
#define QC_DEFAULT_DYNAMIC_SHARED_BYTES (48 * 1024)

/* The driver functions QC calls, loaded by name from libcuda.so.1. */
#define QC_CUDA_FUNCTIONS(X)                                                   \
  X(cuInit, "cuInit", (unsigned))                                              \
  X(cuGetErrorString, "cuGetErrorString", (CUresult, const char **))           \
  X(cuDeviceGet, "cuDeviceGet", (CUdevice *, int))                             \
  X(cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain",                      \
    (CUcontext *, CUdevice))                                                   \
  X(cuCtxSetCurrent, "cuCtxSetCurrent", (CUcontext))                           \
  X(cuDeviceGetDefaultMemPool, "cuDeviceGetDefaultMemPool",                    \
    (CUmemoryPool *, CUdevice))                                                \
  X(cuMemPoolSetAttribute, "cuMemPoolSetAttribute",                            \
    (CUmemoryPool, int, void *))                                               \
  X(cuModuleLoadData, "cuModuleLoadData", (CUmodule *, const void *))          \
  X(cuModuleUnload, "cuModuleUnload", (CUmodule))                              \
  X(cuModuleGetFunction, "cuModuleGetFunction",                                \
    (CUfunction *, CUmodule, const char *))                                    \
  X(cuFuncSetAttribute, "cuFuncSetAttribute", (CUfunction, int, int))          \
  X(cuLaunchKernel, "cuLaunchKernel",                                          \
    (CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned,   \
     unsigned, CUstream, void **, void **))                                    \
  X(cuStreamCreate, "cuStreamCreate", (CUstream *, unsigned))                  \
  X(cuStreamSynchronize, "cuStreamSynchronize", (CUstream))                    \
  X(cuStreamDestroy, "cuStreamDestroy_v2", (CUstream))                         \
  X(cuStreamWaitEvent, "cuStreamWaitEvent", (CUstream, CUevent, unsigned))     \
  X(cuEventCreate, "cuEventCreate", (CUevent *, unsigned))                     \
  X(cuEventDestroy, "cuEventDestroy_v2", (CUevent))                            \
  X(cuEventRecord, "cuEventRecord", (CUevent, CUstream))                       \
  X(cuEventSynchronize, "cuEventSynchronize", (CUevent))                       \
  X(cuMemAlloc, "cuMemAlloc_v2", (CUdeviceptr *, size_t))                      \
  X(cuMemFree, "cuMemFree_v2", (CUdeviceptr))                                  \
  X(cuMemAllocAsync, "cuMemAllocAsync", (CUdeviceptr *, size_t, CUstream))     \
  X(cuMemFreeAsync, "cuMemFreeAsync", (CUdeviceptr, CUstream))                 \
  X(cuMemcpyAsync, "cuMemcpyAsync",                                            \
    (CUdeviceptr, CUdeviceptr, size_t, CUstream))                              \
  X(cuMemsetD32Async, "cuMemsetD32Async",                                      \
    (CUdeviceptr, unsigned, size_t, CUstream))                                 \
  X(cuMemsetD16Async, "cuMemsetD16Async",                                      \
    (CUdeviceptr, unsigned short, size_t, CUstream))

#define QC_DECLARE_POINTER(name, symbol, parameters)                           \
  static CUresult(*name) parameters;
QC_CUDA_FUNCTIONS(QC_DECLARE_POINTER)
#undef QC_DECLARE_POINTER

static once_flag driver_once = ONCE_FLAG_INIT;
static CUcontext context;
/* Why the driver could not be loaded or initialized; empty when it was. */
static char driver_failure[256];

static mtx_t error_mutex;
static once_flag error_mutex_once = ONCE_FLAG_INIT;
static char first_error[512];

static void init_error_mutex(void) { mtx_init(&error_mutex, mtx_plain); }

/* Records a printf-style message unless an earlier error is pending. */
static void record_error(const char *format, ...) {
  call_once(&error_mutex_once, init_error_mutex);
  mtx_lock(&error_mutex);
  if (!first_error[0]) {
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(first_error, sizeof(first_error), format, arguments);
    va_end(arguments);
  }
  mtx_unlock(&error_mutex);
}

static bool has_error(void) {
  call_once(&error_mutex_once, init_error_mutex);
  mtx_lock(&error_mutex);
  bool pending = first_error[0] != '\0';
  mtx_unlock(&error_mutex);
  return pending;
}

int qc_cuda_take_error(char *message, size_t size) {
  call_once(&error_mutex_once, init_error_mutex);
  mtx_lock(&error_mutex);
  int pending = first_error[0] != '\0';
  if (pending) {
    snprintf(message, size, "%s", first_error);
    first_error[0] = '\0';
  }
  mtx_unlock(&error_mutex);
  return pending;
}

/* Lets the stream-ordered allocator keep what a run frees for the next
 * run. With the default release threshold of 0 the pool returns its memory
 * to the driver at every synchronization, and each run's temporaries are
 * mapped anew (0.15 ms per run for a GEMV's 0.5 MB on an H100). A pool that
 * cannot be configured still allocates, only slower: not an error. */
static void keep_freed_memory_pooled(CUdevice device) {
  CUmemoryPool pool;
  if (cuDeviceGetDefaultMemPool(&pool, device) != CUDA_SUCCESS)
    return;
  unsigned long long threshold = ~0ull;
  (void)cuMemPoolSetAttribute(pool, CU_MEMPOOL_ATTR_RELEASE_THRESHOLD,
                              &threshold);
}

static void load_driver(void) {
  void *library = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    snprintf(driver_failure, sizeof(driver_failure),
             "this model runs on an NVIDIA GPU, but the CUDA driver "
             "(libcuda.so.1) cannot be loaded: %s",
             dlerror());
    return;
  }
#define QC_LOAD_POINTER(name, symbol, parameters)                              \
  *(void **)&name = dlsym(library, symbol);                                    \
  if (!name) {                                                                 \
    snprintf(driver_failure, sizeof(driver_failure),                          \
             "the CUDA driver (libcuda.so.1) has no %s", symbol);              \
    return;                                                                    \
  }
  QC_CUDA_FUNCTIONS(QC_LOAD_POINTER)
#undef QC_LOAD_POINTER
  const char *ordinal_text = getenv("QC_CUDA_DEVICE");
  int ordinal = ordinal_text ? atoi(ordinal_text) : 0;
  CUdevice device;
  CUresult result = cuInit(0);
  if (result == CUDA_SUCCESS)
    result = cuDeviceGet(&device, ordinal);
  if (result == CUDA_SUCCESS)
    result = cuDevicePrimaryCtxRetain(&context, device);
  if (result != CUDA_SUCCESS) {
    const char *reason = NULL;
    cuGetErrorString(result, &reason);
    snprintf(driver_failure, sizeof(driver_failure),
             "no usable CUDA device %d: %s (CUresult %d)", ordinal,
             reason ? reason : "unknown error", result);
    return;
  }
  keep_freed_memory_pooled(device);
}

/* Whether the driver is loaded and its context current on this thread;
 * records why not otherwise. Skips the work once an error is pending. */
static bool enter(void) {
  call_once(&driver_once, load_driver);
  if (driver_failure[0]) {
    record_error("%s", driver_failure);
    return false;
  }
  if (has_error())
    return false;
  return cuCtxSetCurrent(context) == CUDA_SUCCESS;
}

/* Records a failed driver call; whether it succeeded. */
static bool check(CUresult result, const char *call) {
  if (result == CUDA_SUCCESS)
    return true;
  const char *reason = NULL;
  cuGetErrorString(result, &reason);
  record_error("%s failed: %s (CUresult %d)", call,
               reason ? reason : "unknown error", result);
  return false;
}

/* Why a module did not load, kept for every later launch from it. */
static char module_failure[sizeof(first_error) + 64];

void *mgpuModuleLoad(void *data, size_t size) {
  (void)size;
  CUmodule module = NULL;
  if (enter() && !check(cuModuleLoadData(&module, data), "cuModuleLoadData"))
    module = NULL;
  if (!module) {
    char reason[sizeof(first_error)];
    if (qc_cuda_take_error(reason, sizeof(reason)))
      snprintf(module_failure, sizeof(module_failure),
               "the model's GPU code did not load: %s", reason);
  }
  return module;
}

void mgpuModuleUnload(void *module) {
  /* Runs when the library is unloaded, possibly after the driver shut
   * down at exit. */
  if (!module || driver_failure[0])
    return;
  CUresult result = cuModuleUnload((CUmodule)module);
  if (result != CUDA_ERROR_DEINITIALIZED)
    check(result, "cuModuleUnload");
}

void *mgpuModuleGetFunction(void *module, const char *name) {
  CUfunction function = NULL;
  if (!module) {
    record_error("%s", module_failure[0] ? module_failure
                                         : "the model's GPU code is not loaded");
    return NULL;
  }
  if (enter())
    check(cuModuleGetFunction(&function, (CUmodule)module, name),
          "cuModuleGetFunction");
  return function;
}

void mgpuLaunchKernel(void *function, intptr_t gridX, intptr_t gridY,
                      intptr_t gridZ, intptr_t blockX, intptr_t blockY,
                      intptr_t blockZ, int32_t sharedBytes, void *stream,
                      void **parameters, void **extra, size_t count) {
  (void)count;
  if (!function || !enter())
    return;
  /* A launch over an empty range is no work; the driver rejects it. */
  if (gridX <= 0 || gridY <= 0 || gridZ <= 0)
    return;
  if (sharedBytes > QC_DEFAULT_DYNAMIC_SHARED_BYTES &&
      !check(cuFuncSetAttribute((CUfunction)function,
                                CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                                sharedBytes),
             "cuFuncSetAttribute(max dynamic shared memory)"))
    return;
  check(cuLaunchKernel((CUfunction)function, (unsigned)gridX, (unsigned)gridY,
                       (unsigned)gridZ, (unsigned)blockX, (unsigned)blockY,
                       (unsigned)blockZ, (unsigned)sharedBytes,
                       (CUstream)stream, parameters, extra),
        "cuLaunchKernel");
}

/* Streams a run destroyed, kept for the next runs: the generated host code
 * makes and destroys streams in every run, and creating one costs the
 * driver more than reusing one. A kept stream may still have work queued
 * (the host code synchronizes before destroying, but nothing requires
 * it): reusing it only orders the new work after that. */
#define QC_KEPT_STREAMS 8
static CUstream kept_streams[QC_KEPT_STREAMS];
static int kept_stream_count;
static mtx_t stream_mutex;
static once_flag stream_mutex_once = ONCE_FLAG_INIT;

static void init_stream_mutex(void) { mtx_init(&stream_mutex, mtx_plain); }

/* A kept stream, or NULL. */
static CUstream take_kept_stream(void) {
  call_once(&stream_mutex_once, init_stream_mutex);
  mtx_lock(&stream_mutex);
  CUstream stream =
      kept_stream_count > 0 ? kept_streams[--kept_stream_count] : NULL;
  mtx_unlock(&stream_mutex);
  return stream;
}

/* Whether `stream` was kept (there was room). */
static bool keep_stream(CUstream stream) {
  call_once(&stream_mutex_once, init_stream_mutex);
  mtx_lock(&stream_mutex);
  bool kept = kept_stream_count < QC_KEPT_STREAMS;
  if (kept)
    kept_streams[kept_stream_count++] = stream;
  mtx_unlock(&stream_mutex);
  return kept;
}

void *mgpuStreamCreate(void) {
  if (!enter())
    return NULL;
  CUstream stream = take_kept_stream();
  if (!stream)
    check(cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING), "cuStreamCreate");
  return stream;
}

void mgpuStreamSynchronize(void *stream) {
  /* Reached even after an error, so that the stream's work ends before
   * the caller reads its buffers or frees them. */
  call_once(&driver_once, load_driver);
  if (stream && !driver_failure[0])
    check(cuStreamSynchronize((CUstream)stream), "cuStreamSynchronize");
}

void mgpuStreamDestroy(void *stream) {
  if (stream && !driver_failure[0] && !keep_stream((CUstream)stream))
    check(cuStreamDestroy((CUstream)stream), "cuStreamDestroy");
}

void mgpuStreamWaitEvent(void *stream, void *event) {
  if (stream && event && enter())
    check(cuStreamWaitEvent((CUstream)stream, (CUevent)event, 0),
          "cuStreamWaitEvent");
}

void *mgpuEventCreate(void) {
  CUevent event = NULL;
  if (enter())
    check(cuEventCreate(&event, CU_EVENT_DISABLE_TIMING), "cuEventCreate");
  return event;
}

void mgpuEventDestroy(void *event) {
  if (event && !driver_failure[0])
    check(cuEventDestroy((CUevent)event), "cuEventDestroy");
}

void mgpuEventSynchronize(void *event) {
  if (event && enter())
    check(cuEventSynchronize((CUevent)event), "cuEventSynchronize");
}

void mgpuEventRecord(void *event, void *stream) {
  if (event && enter())
    check(cuEventRecord((CUevent)event, (CUstream)stream), "cuEventRecord");
}

/* Buffers come from the driver's stream-ordered pool when the generated
 * code names a stream (gpu-async-region gives every gpu.alloc one): a
 * model's intermediates are then allocated and freed without
 * synchronizing the device. */
void *mgpuMemAlloc(uint64_t bytes, void *stream, bool hostShared) {
  CUdeviceptr pointer = 0;
  if (hostShared) {
    record_error("gpu.alloc host_shared is not supported");
    return NULL;
  }
  if (!bytes || !enter())
    return NULL;
  if (stream)
    check(cuMemAllocAsync(&pointer, bytes, (CUstream)stream),
          "cuMemAllocAsync");
  else
    check(cuMemAlloc(&pointer, bytes), "cuMemAlloc");
  return (void *)(uintptr_t)pointer;
}

void mgpuMemFree(void *pointer, void *stream) {
  /* Reached even after an error, so that buffers do not leak. */
  if (!pointer || driver_failure[0])
    return;
  CUdeviceptr address = (CUdeviceptr)(uintptr_t)pointer;
  if (stream)
    check(cuMemFreeAsync(address, (CUstream)stream), "cuMemFreeAsync");
  else
    check(cuMemFree(address), "cuMemFree");
}

void mgpuMemcpy(void *destination, void *source, size_t bytes, void *stream) {
  if (bytes && enter())
    check(cuMemcpyAsync((CUdeviceptr)(uintptr_t)destination,
                        (CUdeviceptr)(uintptr_t)source, bytes,
                        (CUstream)stream),
          "cuMemcpyAsync");
}

void mgpuMemset32(void *destination, unsigned int value, size_t count,
                  void *stream) {
  if (count && enter())
    check(cuMemsetD32Async((CUdeviceptr)(uintptr_t)destination, value, count,
                           (CUstream)stream),
          "cuMemsetD32Async");
}

void mgpuMemset16(void *destination, unsigned short value, size_t count,
                  void *stream) {
  if (count && enter())
    check(cuMemsetD16Async((CUdeviceptr)(uintptr_t)destination, value, count,
                           (CUstream)stream),
          "cuMemsetD16Async");
}
