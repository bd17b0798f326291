//===- QCBase.td - The qc dialect definition ---------------*- tablegen -*-===//
//
// The qc dialect: what upstream MLIR lacks to express quantization decisions
// as IR. Quantized tensor values use the upstream `quant` types; qc adds the
// recipe (schemes), observations (statistics), decisions (bit widths), dyadic
// requantization and the ops whose rounding upstream leaves unspecified.
//
//===----------------------------------------------------------------------===//

#ifndef QC_IR_QCBASE_TD
#define QC_IR_QCBASE_TD

include "mlir/IR/OpBase.td"

def QC_Dialect : Dialect {
  let name = "qc";
  let cppNamespace = "::mlir::qc";
  let summary = "Quantization decisions and integer-only requantization";
  let description = [{
    The `qc` dialect carries the decisions of QC's quantization passes in the
    IR, where they can be printed, checked with FileCheck, edited by hand and
    fed back into the pipeline:

    * `#qc.scheme` — how a value is to be quantized (bit width, signedness,
      symmetric or affine, narrow range, per tensor / axis / group);
    * `#qc.stats` — calibration statistics observed for a value;
    * `#qc.bitwidth` — the bit width chosen for a layer, and by what;
    * `#qc.dyadic` — integer requantization multipliers `m * 2^-s`.

    Scales and zero points of quantized values are carried by the upstream
    `!quant.uniform` types (per tensor, per axis and sub-channel); `qc` does not
    duplicate them. The ops add defined rounding and saturation where the
    upstream `quant.qcast`/`quant.dcast` leave it open (`qc.quantize`,
    `qc.dequantize`), dyadic requantization under each common rounding
    convention (`qc.requant`), and calibration taps (`qc.observe`).

    Discardable attributes `qc.scheme`, `qc.stats` and `qc.bitwidth` annotate
    operations (their results) and function arguments; the dialect verifies
    that they hold attributes of the right kind.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::quant::QuantDialect"];
  let useDefaultAttributePrinterParser = 1;
  let hasConstantMaterializer = 1;
  let hasOperationAttrVerify = 1;
  let hasRegionArgAttrVerify = 1;
  let hasRegionResultAttrVerify = 1;
  let extraClassDeclaration = [{
    /// Names of the discardable attributes qc places on ops and arguments.
    static constexpr ::llvm::StringLiteral kSchemeAttrName = "qc.scheme";
    static constexpr ::llvm::StringLiteral kStatsAttrName = "qc.stats";
    static constexpr ::llvm::StringLiteral kBitWidthAttrName = "qc.bitwidth";
    /// #qc.bitwidth_budget on a function whose layers a search sized.
    static constexpr ::llvm::StringLiteral kBitWidthBudgetAttrName =
        "qc.bitwidth_budget";
    /// #qc.smoothing on the op producing a smoothed activation.
    static constexpr ::llvm::StringLiteral kSmoothingAttrName = "qc.smoothing";
    /// #qc.outlier_split on a linear op whose input channels were split.
    static constexpr ::llvm::StringLiteral kOutlierSplitAttrName =
        "qc.outlier_split";
    /// Unit attribute: the user keeps this op in floating point inside a
    /// quantized region (qc-verify-integer-only lets it be).
    static constexpr ::llvm::StringLiteral kKeepFloatAttrName = "qc.keep_float";

  private:
    void registerAttributes();
  public:
  }];
}

class QC_Op<string mnemonic, list<Trait> traits = []>
    : Op<QC_Dialect, mnemonic, traits>;

#endif // QC_IR_QCBASE_TD
