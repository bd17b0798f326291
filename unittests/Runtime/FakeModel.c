/*===- FakeModel.c - A model library written by hand for the tests -*- C -*-===*
 *
 * What quant-compile would generate for y = 2 * x + 1 (x, y: float32 2x3),
 * linked with the real runtime (libQCModelRuntime.a) like a compiled model.
 * FAKE_ABI_VERSION lets a second build claim another ABI version.
 *
 *===----------------------------------------------------------------------===*/

#include "qc/Runtime/qc_model.h"
#include "qc_model_metadata.h"

#ifndef FAKE_ABI_VERSION
#define FAKE_ABI_VERSION QC_MODEL_ABI_VERSION
#endif

static const int64_t shape[] = {2, 3};
static const qc_tensor_info inputs[] = {{"x", QC_DTYPE_FLOAT32, 2, shape}};
static const qc_tensor_info outputs[] = {{"y", QC_DTYPE_FLOAT32, 2, shape}};

const qc_model_metadata_t qc_model_metadata = {FAKE_ABI_VERSION, 1, 1, inputs,
                                               outputs};

void qc_model_invoke(void **buffers) {
  const float *x = (const float *)buffers[0];
  float *y = (float *)buffers[1];
  for (int i = 0; i < 6; ++i)
    y[i] = 2 * x[i] + 1;
}
