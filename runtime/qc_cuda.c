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
  CU_POINTER_ATTRIBUTE_MEMORY_TYPE = 2,
  CU_MEMORYTYPE_DEVICE = 2,
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
  X(cuMemAllocHost, "cuMemAllocHost_v2", (void **, size_t))                    \
  X(cuPointerGetAttribute, "cuPointerGetAttribute",                            \
    (void *, int, CUdeviceptr))                                                \
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

/* Large copies between the device and pageable host memory (the caller's
 * inputs and outputs) go through two pinned staging buffers, a chunk at a
 * time, so that the transfer of one chunk overlaps the host's copy of the
 * other, including the page faults of a freshly allocated destination.
 * The driver's own copies of pageable memory do these steps one after the
 * other: a 34 MB output (rec at batch 32) took 10.9 ms that way and 6.5 ms
 * staged on the H100's host (.device measurement, docs/benchmarks.md). */
#define QC_STAGING_CHUNK_BYTES ((size_t)4 << 20)
#define QC_STAGING_MIN_BYTES ((size_t)1 << 20)

static struct {
  unsigned char *buffers[2];
  CUevent done[2];
  bool used[2];
  bool unavailable;
} staging;
static mtx_t staging_mutex;
static once_flag staging_mutex_once = ONCE_FLAG_INIT;

static void init_staging_mutex(void) { mtx_init(&staging_mutex, mtx_plain); }

/* Whether the staging buffers exist (made on first use; a host that cannot
 * pin them copies directly). */
static bool has_staging(void) {
  if (staging.buffers[1])
    return true;
  if (staging.unavailable)
    return false;
  for (int slot = 0; slot < 2; ++slot)
    if (cuMemAllocHost((void **)&staging.buffers[slot],
                       QC_STAGING_CHUNK_BYTES) != CUDA_SUCCESS ||
        cuEventCreate(&staging.done[slot], CU_EVENT_DISABLE_TIMING) !=
            CUDA_SUCCESS) {
      staging.unavailable = true;
      return false;
    }
  return true;
}

/* The CUmemorytype of `pointer`, or QC_PAGEABLE_MEMORY where the driver
 * does not know it (pageable host memory; pinned and device memory it
 * knows). */
#define QC_PAGEABLE_MEMORY 0u
static unsigned memory_type(const void *pointer) {
  unsigned type = 0;
  if (cuPointerGetAttribute(&type, CU_POINTER_ATTRIBUTE_MEMORY_TYPE,
                            (CUdeviceptr)(uintptr_t)pointer) != CUDA_SUCCESS)
    return QC_PAGEABLE_MEMORY;
  return type;
}

/* Waits until the transfer that last used staging buffer `slot` is done. */
static bool wait_for_slot(int slot) {
  if (!staging.used[slot])
    return true;
  staging.used[slot] = false;
  return check(cuEventSynchronize(staging.done[slot]), "cuEventSynchronize");
}

/* Starts the transfer of one chunk through staging buffer `slot`. */
static bool transfer_chunk(CUdeviceptr destination, CUdeviceptr source,
                           size_t bytes, int slot, CUstream stream) {
  staging.used[slot] = true;
  return check(cuMemcpyAsync(destination, source, bytes, stream),
               "cuMemcpyAsync") &&
         check(cuEventRecord(staging.done[slot], stream), "cuEventRecord");
}

/* Bytes of the chunk at `offset` of a `bytes`-byte copy. */
static size_t chunk_at(size_t offset, size_t bytes) {
  return bytes - offset < QC_STAGING_CHUNK_BYTES ? bytes - offset
                                                 : QC_STAGING_CHUNK_BYTES;
}

/* Device -> pageable host: chunk i's transfer overlaps the host's copy of
 * chunk i - 1 out of the other buffer. */
static void copy_to_pageable(unsigned char *destination, CUdeviceptr source,
                             size_t bytes, CUstream stream) {
  size_t previous_offset = 0, previous_bytes = 0;
  int slot = 0;
  for (size_t offset = 0; offset < bytes;
       offset += QC_STAGING_CHUNK_BYTES, slot ^= 1) {
    size_t chunk = chunk_at(offset, bytes);
    if (!wait_for_slot(slot) ||
        !transfer_chunk((CUdeviceptr)(uintptr_t)staging.buffers[slot],
                        source + offset, chunk, slot, stream))
      return;
    if (previous_bytes) {
      if (!wait_for_slot(slot ^ 1))
        return;
      memcpy(destination + previous_offset, staging.buffers[slot ^ 1],
             previous_bytes);
    }
    previous_offset = offset;
    previous_bytes = chunk;
  }
  if (wait_for_slot(slot ^ 1))
    memcpy(destination + previous_offset, staging.buffers[slot ^ 1],
           previous_bytes);
}

/* Pageable host -> device: the host fills one buffer while the other's
 * transfer runs. The source is read before this returns, as with the
 * driver's own copy of pageable memory. */
static void copy_from_pageable(CUdeviceptr destination,
                               const unsigned char *source, size_t bytes,
                               CUstream stream) {
  int slot = 0;
  for (size_t offset = 0; offset < bytes;
       offset += QC_STAGING_CHUNK_BYTES, slot ^= 1) {
    size_t chunk = chunk_at(offset, bytes);
    if (!wait_for_slot(slot))
      return;
    memcpy(staging.buffers[slot], source + offset, chunk);
    if (!transfer_chunk(destination + offset,
                        (CUdeviceptr)(uintptr_t)staging.buffers[slot], chunk,
                        slot, stream))
      return;
  }
}

/* Copies through the staging buffers when one side is the device and the
 * other pageable memory and the copy is large; whether it did. Another
 * thread's staged copy in progress leaves this one to the driver. */
static bool copy_staged(void *destination, void *source, size_t bytes,
                        CUstream stream) {
  if (bytes < QC_STAGING_MIN_BYTES)
    return false;
  unsigned from = memory_type(source), to = memory_type(destination);
  bool to_host = from == CU_MEMORYTYPE_DEVICE && to == QC_PAGEABLE_MEMORY;
  bool to_device = from == QC_PAGEABLE_MEMORY && to == CU_MEMORYTYPE_DEVICE;
  if (!to_host && !to_device)
    return false;
  call_once(&staging_mutex_once, init_staging_mutex);
  if (mtx_trylock(&staging_mutex) != thrd_success)
    return false;
  bool staged = has_staging();
  if (staged && to_host)
    copy_to_pageable(destination, (CUdeviceptr)(uintptr_t)source, bytes,
                     stream);
  else if (staged)
    copy_from_pageable((CUdeviceptr)(uintptr_t)destination, source, bytes,
                       stream);
  mtx_unlock(&staging_mutex);
  return staged;
}

void mgpuMemcpy(void *destination, void *source, size_t bytes, void *stream) {
  if (!bytes || !enter() ||
      copy_staged(destination, source, bytes, (CUstream)stream))
    return;
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
