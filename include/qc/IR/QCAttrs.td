//===- QCAttrs.td - qc dialect attributes ------------------*- tablegen -*-===//

#ifndef QC_IR_QCATTRS_TD
#define QC_IR_QCATTRS_TD

include "qc/IR/QCBase.td"
include "qc/IR/QCEnums.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"

class QC_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<QC_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
}

// Granularity shared by schemes and dyadic multipliers: no axis is per tensor,
// an axis alone is per axis (channel), an axis with a group size is one entry
// per group of `group` consecutive elements along that axis.
defvar QC_AxisParameter = OptionalParameter<"std::optional<int64_t>",
    "axis the parameters vary along (absent: per tensor)">;
defvar QC_GroupParameter = OptionalParameter<"std::optional<int64_t>",
    "number of consecutive elements along the axis sharing one entry">;

def QC_SchemeAttr : QC_Attr<"Scheme", "scheme"> {
  let summary = "How a value is to be quantized";
  let description = [{
    A quantization recipe for one value: storage bit width (1 to 16), signed
    or unsigned storage, symmetric (zero point fixed at 0, or 2^(bits-1) for
    unsigned storage) or affine (any zero point), optional narrow range (the
    lowest storage value is unused, e.g. [-127, 127] for i8), and granularity:
    per tensor, per axis (`per_axis = A`), or per group of N elements along an
    axis (`per_group = A : N`).

    A scheme states intent; `qc-quantize` turns it and the value's `#qc.stats`
    into an upstream `!quant.uniform` type with concrete scales and zero
    points.

    ```mlir
    #qc.scheme<i8, symmetric, narrow, per_axis = 0>
    #qc.scheme<u8, affine>
    #qc.scheme<i4, symmetric, per_group = 1 : 128>
    ```
  }];
  let parameters = (ins
    "unsigned":$bits,
    "bool":$isSigned,
    "bool":$symmetric,
    "bool":$narrowRange,
    QC_AxisParameter:$axis,
    QC_GroupParameter:$groupSize
  );
  let extraClassDeclaration = [{
    static constexpr unsigned kMinBits = 1;
    static constexpr unsigned kMaxBits = 16;

    bool isPerTensor() const { return !getAxis(); }
    bool isPerAxis() const { return getAxis() && !getGroupSize(); }
    bool isPerGroup() const { return getGroupSize().has_value(); }
    /// The storage range [qmin, qmax] the scheme allows.
    ::qc::numerics::IntRange getStorageRange() const;
  }];
}

def QC_DyadicAttr : QC_Attr<"Dyadic", "dyadic"> {
  let summary = "Integer requantization multipliers m * 2^-s";
  let description = [{
    One or more dyadic numbers `multiplier * 2^-shift` (int32 multiplier >= 0,
    0 <= shift <= 62): a single one for a whole tensor, one per index along an
    axis, or one per group of N indices along an axis. Integer-only
    requantization multiplies by the multiplier and shifts right; the rounding
    convention belongs to the op that applies it (`qc.requant`).

    ```mlir
    #qc.dyadic<1073741824 * 2**-31>
    #qc.dyadic<per_axis = 1, [1518500250 * 2**-37, 1073741824 * 2**-30]>
    #qc.dyadic<per_group = 1 : 64, [1073741824 * 2**-31, 1288490189 * 2**-32]>
    ```
  }];
  let parameters = (ins
    ArrayRefParameter<"int32_t", "multipliers">:$multipliers,
    ArrayRefParameter<"int32_t", "right shifts">:$shifts,
    QC_AxisParameter:$axis,
    QC_GroupParameter:$groupSize
  );
  let builders = [
    AttrBuilder<(ins "::qc::numerics::Dyadic":$value), [{
      return $_get($_ctxt, ::llvm::ArrayRef<int32_t>{value.multiplier},
                   ::llvm::ArrayRef<int32_t>{value.shift}, std::nullopt,
                   std::nullopt);
    }]>
  ];
  let extraClassDeclaration = [{
    bool isPerTensor() const { return !getAxis(); }
    size_t size() const { return getMultipliers().size(); }
    ::qc::numerics::Dyadic getValue(size_t index) const {
      return {getMultipliers()[index], getShifts()[index]};
    }
    /// Index of the entry that applies at position `position` along the axis.
    size_t getEntryIndex(int64_t position) const {
      return getGroupSize() ? position / *getGroupSize() : position;
    }
    /// Number of entries needed for an axis of `dimSize` elements.
    int64_t getExpectedSize(int64_t dimSize) const;
    /// True when every entry is exactly 1 (m == 2^s).
    bool isIdentity() const;
  }];
}

def QC_StatsAttr : QC_Attr<"Stats", "stats"> {
  let summary = "Calibration statistics of a value";
  let description = [{
    What calibration observed for one value: its range `[min, max]`,
    optionally the range of each channel along an axis, as `lo : hi` pairs in
    channel order (what smoothing needs: SmoothQuant scales by max(|lo|, |hi|),
    OS+ also shifts by the midpoint (lo + hi) / 2) with, optionally, each
    channel's mean (what bias correction needs), optionally the mean of
    x^2 over all elements (what bit-width search's Hessian trace needs; it
    is of the observed values, not clipped to `[min, max]`), and optionally
    percentiles of |x| as `rank : value` pairs (rank in (0, 100], ascending;
    values non-decreasing), and optionally `rows`: a sample of the value's
    channel vectors (R x channels f32, each row the channels at one position
    of one calibration sample), on which qc-smooth's alpha search measures
    quantization error.

    ```mlir
    #qc.stats<min = -1.5, max = 3.25>
    #qc.stats<min = -1.5, max = 3.25, channels(axis = 1) = [-1.5 : 1.0, -0.25 : 3.25],
              percentiles = [99.9 : 2.75, 99.99 : 3.0]>
    #qc.stats<min = -1.5, max = 3.25, channels(axis = 1) = [-1.5 : 1.0, -0.25 : 3.25],
              rows = dense<[[-1.5, 3.25], [1.0, -0.25]]> : tensor<2x2xf32>>
    #qc.stats<min = -1.5, max = 3.25, channels(axis = 1) = [-1.5 : 1.0, -0.25 : 3.25],
              means = [0.125, 1.5]>
    #qc.stats<min = -1.5, max = 3.25, mean_square = 0.75>
    ```

    The channel axis and both per-channel arrays are all present or all
    absent; there is at least one channel, every bound is finite and
    `lo <= hi` in each channel. Means need the channels: one per channel,
    within its `[lo, hi]`. The mean square is finite and non-negative. Rows
    need the channels: one f32 column per
    channel, at least one row, finite values.
  }];
  let parameters = (ins
    APFloatParameter<"smallest value seen">:$min,
    APFloatParameter<"largest value seen">:$max,
    QC_AxisParameter:$channelAxis,
    OptionalParameter<"::mlir::DenseF64ArrayAttr",
                      "smallest value per channel along channelAxis">:$channelMin,
    OptionalParameter<"::mlir::DenseF64ArrayAttr",
                      "largest value per channel along channelAxis">:$channelMax,
    OptionalParameter<"::mlir::DenseF64ArrayAttr",
                      "mean per channel along channelAxis">:$channelMean,
    OptionalParameter<"::mlir::DenseF64ArrayAttr",
                      "percentile ranks in (0, 100]">:$percentileRanks,
    OptionalParameter<"::mlir::DenseF64ArrayAttr",
                      "|x| at each rank">:$percentileValues,
    OptionalParameter<"::mlir::DenseFPElementsAttr",
                      "sampled channel vectors, rows x channels">:$rows,
    OptionalParameter<"std::optional<::llvm::APFloat>",
                      "mean of x^2 over all elements">:$meanSquare
  );
  let extraClassDeclaration = [{
    /// max(|lo|, |hi|) per channel (what only needs the magnitude, such as
    /// SmoothQuant's scales); empty without channel statistics.
    ::llvm::SmallVector<double> getChannelAbsMax() const;
  }];
}

def QC_BitWidthAttr : QC_Attr<"BitWidth", "bitwidth"> {
  let summary = "The bit width chosen for a layer";
  let description = [{
    The decision of a bit-width search (or of the user) for one layer: weight
    bits, optionally activation bits, the method that chose it, optionally
    the sensitivity the search assigned to that width (HAWQ-V3's Omega, or
    MixQuant's weight round-off error), and whether it is pinned (searches
    must keep it). `qc-quantize` quantizes the layer's weights to
    `weights` bits; editing the attribute by hand changes that decision.

    ```mlir
    #qc.bitwidth<weights = 4, activations = 8, method = hawq>
    #qc.bitwidth<weights = 4, method = hawq, sensitivity = 0.0125>
    #qc.bitwidth<weights = 8, method = manual, pinned>
    ```
  }];
  let parameters = (ins
    "unsigned":$weightBits,
    OptionalParameter<"std::optional<unsigned>">:$activationBits,
    "::mlir::qc::BitWidthMethod":$method,
    OptionalParameter<"std::optional<::llvm::APFloat>">:$sensitivity,
    "bool":$pinned
  );
}

def QC_BitWidthBudgetAttr : QC_Attr<"BitWidthBudget", "bitwidth_budget"> {
  let summary = "The budget a bit-width search met";
  let description = [{
    On a function after `qc-search-bitwidth`: what the budget limited
    (`size` in MB of weights, `bops` in G bit operations, `avg_bits` per
    weight, `latency` in ms), its limit, and how much of it the chosen
    widths use (a search stays within the limit up to its solver's
    tolerance; both are finite and non-negative).

    ```mlir
    #qc.bitwidth_budget<size, limit = 1.5, used = 1.375>
    ```
  }];
  let parameters = (ins
    "::mlir::qc::BitWidthBudgetKind":$kind,
    APFloatParameter<"the largest total allowed">:$limit,
    APFloatParameter<"the chosen widths' total">:$used
  );
}

def QC_SmoothingAttr : QC_Attr<"Smoothing", "smoothing"> {
  let summary = "Per-channel smoothing factors of an activation";
  let description = [{
    The decision of `qc-smooth` for the activation X an op produces: X is
    replaced by `(X - z) / s` per channel (scales `s > 0`, optional shifts
    `z`), the division folded into this op and `s`, `z` into the weights
    and biases of X's consumers. The method says what chose the factors:
    `smoothquant` (with its `alpha`), `os_plus` (with its `threshold` t) or
    `manual` (written by hand; `qc-smooth` applies them as given). `folded`
    marks a decision already applied to the weights, which `qc-smooth` then
    leaves alone.

    ```mlir
    #qc.smoothing<smoothquant, alpha = 0.5, scales = [2.0, 0.5], folded>
    #qc.smoothing<os_plus, threshold = 4.0, scales = [1.0, 1.5],
                  shifts = [0.0, -0.25], folded>
    #qc.smoothing<manual, scales = [2.0, 1.0], shifts = [1.0, 0.0]>
    ```
  }];
  let parameters = (ins
    "::mlir::qc::SmoothingMethod":$method,
    OptionalParameter<"std::optional<::llvm::APFloat>",
                      "SmoothQuant's migration strength in [0, 1]">:$alpha,
    OptionalParameter<"std::optional<::llvm::APFloat>",
                      "OS+'s threshold t > 0">:$threshold,
    "::mlir::DenseF64ArrayAttr":$scales,
    OptionalParameter<"::mlir::DenseF64ArrayAttr",
                      "per-channel shifts z (none: 0)">:$shifts,
    "bool":$folded
  );
  let extraClassDeclaration = [{
    /// The same decision, marked as applied to the weights.
    SmoothingAttr withFolded() const;
  }];
}

def QC_OutlierSplitAttr : QC_Attr<"OutlierSplit", "outlier_split"> {
  let summary = "Input channels a linear op reads twice (outlier splitting)";
  let description = [{
    The decision of `qc-split-outliers` for one matmul or convolution: its
    input was widened by appending copies of the input channels `channels`
    (in order: channel C + i is a copy of `channels[i]`, C the original
    count), and the op's weights got the matching rows, so the float
    function is unchanged. `target` says what was halved to make room:
    `weights` (the weight rows of a split channel and its copies halve, the
    activation copies are exact) or `activations` (the producer's output
    channel is divided among its copies, each weight row copied whole).
    `qc-split-outliers` leaves ops that carry one alone.

    ```mlir
    #qc.outlier_split<weights, channels = [3, 3, 11]>
    ```
  }];
  let parameters = (ins
    EnumParameter<QC_SplitTarget>:$target,
    ArrayRefParameter<"int64_t", "the source channel of each appended input "
                                 "channel">:$channels
  );
  let hasCustomAssemblyFormat = 0;
  let assemblyFormat = "`<` $target `,` `channels` `=` `[` $channels `]` `>`";
}

#endif // QC_IR_QCATTRS_TD
