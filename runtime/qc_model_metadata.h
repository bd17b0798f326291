/*===- qc_model_metadata.h - The signature table of a model -------*- C -*-===*
 *
 * Layout of the qc_model_metadata symbol quant-compile generates in every
 * model library (lib/Compiler/ModelABI.cpp writes it); the runtime reads it,
 * and so do model libraries written by hand for tests.
 *
 *===----------------------------------------------------------------------===*/

#ifndef QC_RUNTIME_QC_MODEL_METADATA_H
#define QC_RUNTIME_QC_MODEL_METADATA_H

#include "qc/Runtime/qc_model.h"

typedef struct qc_model_metadata_t {
  int32_t abi_version;
  int32_t num_inputs;
  int32_t num_outputs;
  const qc_tensor_info *inputs;
  const qc_tensor_info *outputs;
} qc_model_metadata_t;

#endif /* QC_RUNTIME_QC_MODEL_METADATA_H */
