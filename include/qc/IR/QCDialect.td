//===- QCDialect.td - qc dialect, all parts ----------------*- tablegen -*-===//
//
// Single entry point for documentation generation.
//
//===----------------------------------------------------------------------===//

include "qc/IR/QCOps.td"
