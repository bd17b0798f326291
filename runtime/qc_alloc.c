/*===- qc_alloc.c - The buffer allocator of compiled models -------*- C -*-===*
 *
 * Compiled models allocate their intermediate buffers through the generic
 * allocation functions of MLIR's memref lowering (quant-compile lowers with
 * use-generic-functions). A run allocates the same sizes as the run before
 * it, so freed blocks are kept and handed out again: after the first run no
 * buffer reaches the system allocator, whose large blocks are fresh pages
 * (page faults and kernel zeroing cost more than small models compute).
 *
 * The cache holds at most QC_CACHED_BLOCKS blocks; one is reused for a
 * request of at least half its size. It is shared by the threads of the
 * process and guarded by a mutex.
 *
 *===----------------------------------------------------------------------===*/

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#define QC_CACHED_BLOCKS 256
/* Alignment of every block: a cache line, enough for any vector. */
#define QC_BLOCK_ALIGNMENT 64

/* Stored just before the pointer handed out. */
typedef struct qc_block_header {
  void *raw;       /* what malloc returned */
  size_t capacity; /* usable bytes from the handed-out pointer */
} qc_block_header;

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static qc_block_header *cached[QC_CACHED_BLOCKS];
static size_t num_cached;

static qc_block_header *header_of(void *block) {
  return (qc_block_header *)block - 1;
}

/* Takes the smallest cached block of at least `size` bytes and at most
 * twice that; null when none fits. */
static void *take_cached(size_t size) {
  size_t best = num_cached;
  for (size_t i = 0; i < num_cached; ++i) {
    size_t capacity = cached[i]->capacity;
    if (capacity >= size && capacity / 2 <= size &&
        (best == num_cached || capacity < cached[best]->capacity))
      best = i;
  }
  if (best == num_cached)
    return NULL;
  qc_block_header *header = cached[best];
  cached[best] = cached[--num_cached];
  return header + 1;
}

static void *allocate(size_t alignment, size_t size) {
  if (alignment <= QC_BLOCK_ALIGNMENT) {
    pthread_mutex_lock(&cache_lock);
    void *block = take_cached(size);
    pthread_mutex_unlock(&cache_lock);
    if (block)
      return block;
    alignment = QC_BLOCK_ALIGNMENT;
  }
  /* Room for the header in front of an aligned start. */
  size_t padding = alignment + sizeof(qc_block_header);
  char *raw = malloc(size + padding);
  if (!raw)
    return NULL;
  uintptr_t start = ((uintptr_t)raw + padding) & ~(uintptr_t)(alignment - 1);
  qc_block_header *header = (qc_block_header *)start - 1;
  header->raw = raw;
  header->capacity = size;
  return (void *)start;
}

void *_mlir_memref_to_llvm_alloc(size_t size) {
  return allocate(QC_BLOCK_ALIGNMENT, size);
}

void *_mlir_memref_to_llvm_aligned_alloc(size_t alignment, size_t size) {
  return allocate(alignment, size);
}

void _mlir_memref_to_llvm_free(void *block) {
  if (!block)
    return;
  qc_block_header *header = header_of(block);
  pthread_mutex_lock(&cache_lock);
  int kept = num_cached < QC_CACHED_BLOCKS;
  if (kept)
    cached[num_cached++] = header;
  pthread_mutex_unlock(&cache_lock);
  if (!kept)
    free(header->raw);
}
