/*===- qc_cuda.h - QC's GPU host runtime, as qc_model.c sees it ---*- C -*-===*
 *
 * Linked into model libraries compiled for an NVIDIA GPU (qc_cuda.c).
 *
 *===----------------------------------------------------------------------===*/

#ifndef QC_RUNTIME_QC_CUDA_H
#define QC_RUNTIME_QC_CUDA_H

#include <stddef.h>

/* Copies the first error of the GPU calls since the last take (a failed
 * driver call, or why the driver could not be used) into `message` and
 * clears it; returns whether there was one. */
int qc_cuda_take_error(char *message, size_t size);

#endif /* QC_RUNTIME_QC_CUDA_H */
