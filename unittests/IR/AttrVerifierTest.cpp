//===- AttrVerifierTest.cpp - qc attribute invariants from C++ ------------===//
//
// The textual syntax cannot express some invalid attributes (a group size
// without an axis, mismatched list lengths, half of an optional pair); C++
// builders can. These tests build them with getChecked and check the
// diagnostic.
//
//===----------------------------------------------------------------------===//

#include "qc/IR/QC.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include "gtest/gtest.h"

#include <limits>
#include <string>

using namespace mlir;
using namespace mlir::qc;

namespace {

class AttrVerifierTest : public ::testing::Test {
protected:
  AttrVerifierTest() { context.loadDialect<QCDialect>(); }

  /// Runs `build`, which returns the checked attribute (null on failure),
  /// and returns the diagnostic it emitted ("" when none).
  template <typename BuildFn>
  std::string diagnosticOf(BuildFn build) {
    std::string message;
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diagnostic) {
      message = diagnostic.str();
      return success();
    });
    auto emit = [this] { return mlir::emitError(location); };
    Attribute attr = build(function_ref<InFlightDiagnostic()>(emit));
    EXPECT_EQ(static_cast<bool>(attr), message.empty());
    return message;
  }

  /// The diagnostic of #qc.stats<min = -4.0, max = 4.0> with per-channel
  /// statistics `lo` and `hi` (null: absent) along `axis`.
  std::string channelsDiagnostic(std::optional<int64_t> axis,
                                 DenseF64ArrayAttr lo, DenseF64ArrayAttr hi) {
    return diagnosticOf([&](auto emit) {
      return StatsAttr::getChecked(emit, &context, APFloat(-4.0), APFloat(4.0),
                                   axis, lo, hi, DenseF64ArrayAttr(),
                                   DenseF64ArrayAttr(), DenseF64ArrayAttr(),
                                   DenseFPElementsAttr(), std::optional<APFloat>());
    });
  }

  /// The diagnostic of #qc.stats<min = -4.0, max = 4.0> with channel ranges
  /// [-1, 1] and [0, 2] along axis 0 and `means` (null: absent), or with
  /// means only.
  std::string meansDiagnostic(DenseF64ArrayAttr means, bool channels = true) {
    DenseF64ArrayAttr lo, hi;
    std::optional<int64_t> axis;
    if (channels) {
      lo = DenseF64ArrayAttr::get(&context, {-1.0, 0.0});
      hi = DenseF64ArrayAttr::get(&context, {1.0, 2.0});
      axis = 0;
    }
    return diagnosticOf([&](auto emit) {
      return StatsAttr::getChecked(emit, &context, APFloat(-4.0), APFloat(4.0),
                                   axis, lo, hi, means, DenseF64ArrayAttr(),
                                   DenseF64ArrayAttr(), DenseFPElementsAttr(), std::optional<APFloat>());
    });
  }

  static constexpr std::optional<int64_t> kNone = std::nullopt;

  MLIRContext context;
  Location location = UnknownLoc::get(&context);
};

TEST_F(AttrVerifierTest, SchemeGroupNeedsAxis) {
  EXPECT_EQ(diagnosticOf([&](auto emit) {
              return SchemeAttr::getChecked(emit, &context, 4u, true, true,
                                            false, kNone,
                                            std::optional<int64_t>(32));
            }),
            "a group size needs an axis");
}

TEST_F(AttrVerifierTest, SchemeValidPerGroup) {
  EXPECT_EQ(diagnosticOf([&](auto emit) {
              return SchemeAttr::getChecked(emit, &context, 4u, true, true,
                                            false, std::optional<int64_t>(1),
                                            std::optional<int64_t>(32));
            }),
            "");
}

TEST_F(AttrVerifierTest, DyadicCountsMustMatch) {
  EXPECT_EQ(diagnosticOf([&](auto emit) {
              return DyadicAttr::getChecked(emit, &context,
                                            ArrayRef<int32_t>{1, 2},
                                            ArrayRef<int32_t>{3},
                                            std::optional<int64_t>(0), kNone);
            }),
            "expected as many shifts as multipliers, and at least one of "
            "each");
}

TEST_F(AttrVerifierTest, DyadicPerTensorHasOneEntry) {
  EXPECT_EQ(diagnosticOf([&](auto emit) {
              return DyadicAttr::getChecked(emit, &context,
                                            ArrayRef<int32_t>{1, 2},
                                            ArrayRef<int32_t>{3, 4},
                                            kNone, kNone);
            }),
            "a per-tensor multiplier has exactly one entry, got 2");
}

TEST_F(AttrVerifierTest, DyadicShiftRange) {
  EXPECT_EQ(diagnosticOf([&](auto emit) {
              return DyadicAttr::getChecked(emit, &context,
                                            ArrayRef<int32_t>{1},
                                            ArrayRef<int32_t>{63},
                                            kNone, kNone);
            }),
            "expected a shift in [0, 62], got 63");
}

TEST_F(AttrVerifierTest, DyadicBuilderFromNumerics) {
  auto dyadic = DyadicAttr::get(&context, ::qc::numerics::Dyadic{3, 1});
  EXPECT_TRUE(dyadic.isPerTensor());
  EXPECT_EQ(dyadic.getValue(0), (::qc::numerics::Dyadic{3, 1}));
  EXPECT_FALSE(dyadic.isIdentity());
  EXPECT_TRUE(DyadicAttr::get(&context, ::qc::numerics::Dyadic{4, 2})
                  .isIdentity());
}

TEST_F(AttrVerifierTest, StatsChannelsNeedAxisMinAndMax) {
  auto values = DenseF64ArrayAttr::get(&context, {1.0});
  auto none = DenseF64ArrayAttr();
  std::optional<int64_t> axis = 0;
  EXPECT_EQ(channelsDiagnostic(kNone, values, values),
            "per-channel min and max need a channel axis");
  EXPECT_EQ(channelsDiagnostic(axis, none, none),
            "a channel axis needs per-channel min and max");
  EXPECT_EQ(channelsDiagnostic(axis, values, none),
            "expected both per-channel min and max, got only min");
  EXPECT_EQ(channelsDiagnostic(kNone, none, values),
            "expected both per-channel min and max, got only max");
}

TEST_F(AttrVerifierTest, StatsChannelsOnePairPerChannel) {
  std::optional<int64_t> axis = 1;
  auto two = DenseF64ArrayAttr::get(&context, {-1.0, 0.0});
  auto three = DenseF64ArrayAttr::get(&context, {1.0, 2.0, 3.0});
  auto empty = DenseF64ArrayAttr::get(&context, ArrayRef<double>());
  EXPECT_EQ(channelsDiagnostic(axis, two, three),
            "expected as many per-channel max as min values, got 2 min and 3 "
            "max");
  EXPECT_EQ(channelsDiagnostic(axis, empty, empty),
            "expected at least one channel");
}

TEST_F(AttrVerifierTest, StatsChannelsFiniteAndOrdered) {
  std::optional<int64_t> axis = 0;
  auto lo = DenseF64ArrayAttr::get(&context, {-1.0, 2.0});
  auto hi = DenseF64ArrayAttr::get(&context, {1.0, 1.5});
  EXPECT_EQ(channelsDiagnostic(axis, lo, hi),
            "expected finite per-channel min <= max, got 2.000000e+00 : "
            "1.500000e+00 in channel 1");
  auto inf = DenseF64ArrayAttr::get(
      &context, {std::numeric_limits<double>::infinity(), 1.0});
  EXPECT_EQ(channelsDiagnostic(axis, lo, inf),
            "expected finite per-channel min <= max, got -1.000000e+00 : "
            "INF in channel 0");
  auto nan = DenseF64ArrayAttr::get(
      &context, {-1.0, std::numeric_limits<double>::quiet_NaN()});
  EXPECT_EQ(channelsDiagnostic(axis, nan, hi),
            "expected finite per-channel min <= max, got nan : 1.500000e+00 "
            "in channel 1");
  // A channel that saw one value (lo == hi), negative ranges: valid.
  auto negLo = DenseF64ArrayAttr::get(&context, {-3.0, 0.5});
  auto negHi = DenseF64ArrayAttr::get(&context, {-2.0, 0.5});
  EXPECT_EQ(channelsDiagnostic(axis, negLo, negHi), "");
}

TEST_F(AttrVerifierTest, StatsChannelAbsMax) {
  auto stats = StatsAttr::get(
      &context, APFloat(-3.0), APFloat(2.0), std::optional<int64_t>(1),
      DenseF64ArrayAttr::get(&context, {-3.0, 0.25, -1.0, 0.0}),
      DenseF64ArrayAttr::get(&context, {-2.0, 2.0, 0.5, 0.0}),
      DenseF64ArrayAttr(), DenseF64ArrayAttr(), DenseF64ArrayAttr(),
      DenseFPElementsAttr(), std::optional<APFloat>());
  EXPECT_EQ(stats.getChannelAbsMax(),
            (SmallVector<double>{3.0, 2.0, 1.0, 0.0}));
  auto perTensor = StatsAttr::get(&context, APFloat(-3.0), APFloat(2.0), kNone,
                                  DenseF64ArrayAttr(), DenseF64ArrayAttr(),
                                  DenseF64ArrayAttr(), DenseF64ArrayAttr(),
                                  DenseF64ArrayAttr(), DenseFPElementsAttr(), std::optional<APFloat>());
  EXPECT_TRUE(perTensor.getChannelAbsMax().empty());
}

TEST_F(AttrVerifierTest, StatsChannelMeans) {
  EXPECT_EQ(meansDiagnostic(DenseF64ArrayAttr::get(&context, {0.0, 2.0})), "");
  EXPECT_EQ(meansDiagnostic(DenseF64ArrayAttr()), "");
  EXPECT_EQ(meansDiagnostic(DenseF64ArrayAttr::get(&context, {0.5})),
            "expected one mean per channel, got 1 for 2 channels");
  EXPECT_EQ(meansDiagnostic(DenseF64ArrayAttr::get(&context, {0.5, 2.5})),
            "expected the mean of channel 1 within its range [0.000000e+00, "
            "2.000000e+00], got 2.500000e+00");
  EXPECT_EQ(meansDiagnostic(DenseF64ArrayAttr::get(
                &context, {0.5, std::numeric_limits<double>::quiet_NaN()})),
            "expected the mean of channel 1 within its range [0.000000e+00, "
            "2.000000e+00], got nan");
  EXPECT_EQ(meansDiagnostic(DenseF64ArrayAttr::get(&context, {0.5, 1.0}),
                            /*channels=*/false),
            "channel means need per-channel statistics");
}

TEST_F(AttrVerifierTest, StatsMeanSquare) {
  auto meanSquareDiagnostic = [&](double meanSquare) {
    return diagnosticOf([&](auto emit) {
      return StatsAttr::getChecked(
          emit, &context, APFloat(-1.0), APFloat(1.0), kNone,
          DenseF64ArrayAttr(), DenseF64ArrayAttr(), DenseF64ArrayAttr(),
          DenseF64ArrayAttr(), DenseF64ArrayAttr(), DenseFPElementsAttr(),
          std::optional<APFloat>(APFloat(meanSquare)));
    });
  };
  EXPECT_EQ(meanSquareDiagnostic(0.0), "");
  // Unclipped: the mean square may exceed the clipped range's square.
  EXPECT_EQ(meanSquareDiagnostic(4.0), "");
  EXPECT_EQ(meanSquareDiagnostic(-0.5),
            "expected a finite, non-negative mean square, got -5.000000e-01");
  EXPECT_EQ(meanSquareDiagnostic(std::numeric_limits<double>::infinity()),
            "expected a finite, non-negative mean square, got INF");
}

TEST_F(AttrVerifierTest, StatsPercentilesNeedRanksAndValues) {
  auto ranks = DenseF64ArrayAttr::get(&context, {50.0, 90.0});
  auto values = DenseF64ArrayAttr::get(&context, {0.5});
  EXPECT_EQ(diagnosticOf([&](auto emit) {
              return StatsAttr::getChecked(
                  emit, &context, APFloat(0.0), APFloat(1.0), kNone,
                  DenseF64ArrayAttr(), DenseF64ArrayAttr(), DenseF64ArrayAttr(),
                  ranks, DenseF64ArrayAttr(), DenseFPElementsAttr(), std::optional<APFloat>());
            }),
            "percentiles need both ranks and values");
  EXPECT_EQ(diagnosticOf([&](auto emit) {
              return StatsAttr::getChecked(
                  emit, &context, APFloat(0.0), APFloat(1.0), kNone,
                  DenseF64ArrayAttr(), DenseF64ArrayAttr(), DenseF64ArrayAttr(),
                  ranks, values, DenseFPElementsAttr(), std::optional<APFloat>());
            }),
            "expected one value per percentile rank");
}

TEST_F(AttrVerifierTest, StatsRejectsNaN) {
  EXPECT_EQ(diagnosticOf([&](auto emit) {
              return StatsAttr::getChecked(
                  emit, &context, APFloat::getNaN(APFloat::IEEEdouble()),
                  APFloat(1.0), kNone, DenseF64ArrayAttr(), DenseF64ArrayAttr(),
                  DenseF64ArrayAttr(), DenseF64ArrayAttr(), DenseF64ArrayAttr(),
                  DenseFPElementsAttr(), std::optional<APFloat>());
            }),
            "expected finite min <= max, got min = nan, max = 1.000000e+00");
}

} // namespace
