//===- Numerics.h - QC's integer arithmetic, defined once ------*- C++ -*-===//
//
// The single definition of the integer arithmetic QC compiles to: dyadic
// approximation of real multipliers, fixed-point requantization under every
// rounding convention QC supports, float <-> integer quantization, and bit
// packing. Passes, constant folders, runtime reference paths and tests all
// call these functions, so a number computed at compile time is the number the
// generated code computes at run time.
//
// This library depends only on the C++ standard library (no LLVM/MLIR).
// The definitions follow shared/reference/ALGORITHMS.md sections 1-2; where QC
// chooses between conventions, docs/design.md says why.
//
//===----------------------------------------------------------------------===//

#ifndef QC_NUMERICS_NUMERICS_H
#define QC_NUMERICS_NUMERICS_H

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace qc::numerics {

//===----------------------------------------------------------------------===//
// Dyadic numbers
//===----------------------------------------------------------------------===//

/// The real number multiplier * 2^-shift. QC stores every requantization
/// multiplier in this form (it is also TOSA's and HAWQ-V3's b / 2^c).
struct Dyadic {
  int32_t multiplier = 0;
  int32_t shift = 0;

  double toDouble() const;
  friend bool operator==(const Dyadic &a, const Dyadic &b) {
    return a.multiplier == b.multiplier && a.shift == b.shift;
  }
};

/// Largest right shift a requantization may use (TOSA's bound for rescale).
inline constexpr int32_t kMaxShift = 62;

/// gemmlowp's offline multiplier for 0 < m < 1: while m < 0.5 { m *= 2; n++ };
/// q = round(m * 2^31) (ties away from zero); if q == 2^31 { q /= 2; n-- }.
/// Returns {q, 31 + n}. Returns std::nullopt when m is not in (0, 1) or the
/// right shift would exceed kMaxShift.
std::optional<Dyadic> quantizeMultiplierGemmlowp(double m);

/// TFLite QuantizeMultiplier: (f, e) = frexp(m); q = round(f * 2^31) (ties
/// away from zero); if q == 2^31 { q /= 2; e++ }; e < -31 flushes to q = 0,
/// e = 0. m >= 1 is allowed (a left shift, i.e. shift < 31) up to m < 2^31.
/// Returns {q, 31 - e}, so m == 0 and flushed multipliers give {0, 31}.
/// std::nullopt for negative, NaN, infinite or m >= 2^31, and for the m just
/// below 2^31 that round to 2^31 (they would need shift -1).
std::optional<Dyadic> quantizeMultiplier(double m);

/// HAWQ-V3's batch_frexp: (f, e) = frexp(m); b = round_half_up(f * 2^31);
/// c = 31 - e. Where b rounds up to 2^31 (does not fit int32) QC applies the
/// same exact fix as TFLite ({2^30, c - 1}, the same value). m == 0 gives
/// {0, 31}. std::nullopt for negative, NaN, infinite, m >= 2^31, or c outside
/// [0, kMaxShift] (c < 0 only where m rounds to 2^31). For m > 0
/// round_half_up and round-half-away agree, so this differs from
/// quantizeMultiplier only for tiny m (nullopt instead of a flush to zero).
std::optional<Dyadic> quantizeMultiplierFrexp(double m);

//===----------------------------------------------------------------------===//
// gemmlowp / TFLite fixed-point primitives
//===----------------------------------------------------------------------===//

/// gemmlowp SaturatingRoundingDoublingHighMul: round(a * b / 2^31) with ties
/// toward +inf, i.e. floor((a * b + 2^30) / 2^31); INT32_MIN * INT32_MIN
/// saturates to INT32_MAX. (gemmlowp's nudge of 1 - 2^30 for negative products
/// followed by truncating division is this floor, as NEON's vqrdmulh: a
/// product of exactly -0.5 rounds to 0, not -1.)
int32_t saturatingRoundingDoublingHighMul(int32_t a, int32_t b);

/// gemmlowp RoundingDivideByPOT: round(x / 2^exponent), ties away from zero,
/// for 0 <= exponent <= 31.
int32_t roundingDivideByPOT(int32_t x, int exponent);

/// TFLite MultiplyByQuantizedMultiplier for a dyadic {q, s} made by
/// quantizeMultiplier: for s >= 31, RoundingDivideByPOT(SRDHM(x, q), s - 31);
/// for s < 31, SRDHM(x * 2^(31 - s), q) where QC saturates the left shift to
/// int32 (TFLite leaves the overflow undefined). Requires 0 <= s <= 62.
int32_t multiplyByQuantizedMultiplier(int32_t x, Dyadic d);

//===----------------------------------------------------------------------===//
// TOSA rescale (TOSA 1.0 apply_scale_32 / apply_scale_16)
//===----------------------------------------------------------------------===//

enum class TosaRounding {
  /// round = 2^(shift-1); (value * multiplier + round) >> shift.
  Single,
  /// As Single, plus +-2^30 added to round when shift > 31 (TFLite-like).
  Double,
  /// TOSA lets the implementation round within one of the exact result; QC
  /// computes it exactly as Single.
  Inexact,
};

/// apply_scale_32 with the TOSA spec's REQUIREs: multiplier >= 0,
/// 2 <= shift <= 62, -2^(shift-1) <= value < 2^(shift-1), result fits int32.
/// std::nullopt where a REQUIRE fails.
std::optional<int32_t> tosaApplyScale32(int32_t value, int32_t multiplier,
                                        int32_t shift, TosaRounding rounding);

/// apply_scale_16: value is a 48-bit integer, multiplier int16 (>= 0),
/// 2 <= shift <= 62; single rounding. std::nullopt where a REQUIRE fails.
std::optional<int32_t> tosaApplyScale16(int64_t value, int16_t multiplier,
                                        int32_t shift);

//===----------------------------------------------------------------------===//
// Requantization: QC's qc.requant semantics
//===----------------------------------------------------------------------===//

/// How qc.requant rounds value * multiplier / 2^shift to an integer.
enum class RequantRounding {
  /// TFLite/gemmlowp: multiplyByQuantizedMultiplier on the value saturated to
  /// int32 (two roundings: SRDHM's ties toward +inf, then RoundingDivideByPOT's
  /// ties away from zero). For a multiplier >= 0 it equals DoubleRound wherever
  /// x fits int32 and x * 2^(31 - shift) does not saturate.
  Gemmlowp,
  /// TOSA SINGLE_ROUND: floor(x * m / 2^s + 1/2), i.e. ties toward +inf
  /// (HAWQ-V3's round_half_up, TVM's UPWARD).
  SingleRound,
  /// TOSA DOUBLE_ROUND (see TosaRounding::Double; the extra +-2^30 takes the
  /// sign of x).
  DoubleRound,
  /// TOSA INEXACT_ROUND, computed as SingleRound.
  InexactRound,
  /// Exact x * m / 2^s rounded half to even (ONNX's convention).
  HalfToEven,
};

/// The full requantization of one accumulator value:
///   clamp(round(x * d.multiplier / 2^d.shift) + outputZeroPoint, qmin, qmax)
/// with x = value - inputZeroPoint. Intermediate results are exact (128-bit)
/// except where the rounding mode itself is defined on int32 (Gemmlowp: x
/// saturated to int32 first). Requires 0 <= d.shift <= kMaxShift and
/// qmin <= qmax; total otherwise (never overflows, saturates).
int64_t requantize(int64_t value, Dyadic d, RequantRounding rounding,
                   int64_t inputZeroPoint, int64_t outputZeroPoint,
                   int64_t qmin, int64_t qmax);

//===----------------------------------------------------------------------===//
// Float <-> integer quantization
//===----------------------------------------------------------------------===//

/// How quantize rounds x / scale to an integer.
enum class FloatRounding {
  /// ONNX QuantizeLinear (and TOSA cast): ties to even.
  HalfToEven,
  /// std::round (TFLite's reference quantizer): ties away from zero.
  HalfAwayFromZero,
};

/// ONNX QuantizeLinear: saturate(round(x / scale) + zeroPoint) into
/// [qmin, qmax], with x / scale computed in float32. NaN maps to zeroPoint
/// (clamped); +-inf saturate. Requires scale > 0 and qmin <= qmax. The
/// rounding does not depend on the floating-point environment.
int32_t quantize(float x, float scale, int32_t zeroPoint, int32_t qmin,
                 int32_t qmax,
                 FloatRounding rounding = FloatRounding::HalfToEven);

/// ONNX DequantizeLinear: (q - zeroPoint) * scale in float32, the difference
/// formed exactly and rounded to float once.
float dequantize(int32_t q, float scale, int32_t zeroPoint);

/// Storage range of a bits-wide integer: [-2^(bits-1), 2^(bits-1) - 1] signed
/// (narrow range: lower bound + 1) or [0, 2^bits - 1] unsigned (narrow range:
/// lower bound 1). Requires 1 <= bits <= 32.
struct IntRange {
  int64_t min;
  int64_t max;
};
IntRange storageRange(unsigned bits, bool isSigned, bool narrowRange = false);

/// Per-channel scales that share one zero point.
struct SharedZeroPointScales {
  int64_t zeroPoint;
  std::vector<double> scales;
};

/// Per-channel scales with one zero point z for channel ranges
/// [lo[c], hi[c]] (each widened to contain 0) on the storage range `range`:
/// channel c gets the smallest scale that holds its range on the grid,
/// s_c = max(hi[c] / (range.max - z), -lo[c] / (z - range.min)), and z is
/// the storage value minimizing sum_c s_c^2 (the total rounding noise power),
/// the smallest such z on ties. A channel whose widened range is [0, 0] gets
/// scale 0. Requires lo.size() == hi.size() and range.min < range.max.
SharedZeroPointScales chooseSharedZeroPoint(const std::vector<double> &lo,
                                            const std::vector<double> &hi,
                                            IntRange range);

//===----------------------------------------------------------------------===//
// Bit packing
//===----------------------------------------------------------------------===//

/// Bytes needed for count values of bits bits each (1 <= bits <= 8).
size_t packedSizeInBytes(size_t count, unsigned bits);

/// Packs values into a little-endian bit stream: value i occupies bits
/// [i * bits, (i + 1) * bits) counted from the least significant bit of byte 0
/// (so 4-bit values go two per byte, element 0 in the low nibble). Each value
/// is stored as its low `bits` bits (two's complement for signed values).
/// `out` must hold packedSizeInBytes(count, bits) bytes; unused high bits of
/// the last byte are zero. Returns false (and writes nothing) if a value does
/// not fit the signed or unsigned range of `bits`.
bool packBits(const int32_t *values, size_t count, unsigned bits, bool isSigned,
              uint8_t *out);

/// Inverse of packBits: sign-extends when isSigned.
void unpackBits(const uint8_t *in, size_t count, unsigned bits, bool isSigned,
                int32_t *out);

/// Values per block of the bit-plane layout below.
constexpr size_t kPlaneBlockSize = 8;

/// One bit plane of a `bits`-bit value: bits [offset, offset + width) of its
/// two's complement. In a block of kPlaneBlockSize values the plane is a
/// little-endian word of kPlaneBlockSize * width bits (width bytes) holding
/// value j's field at bits [j * width, (j + 1) * width).
struct BitPlane {
  unsigned width;
  unsigned offset;
};

/// The planes of a `bits`-bit value (1 <= bits <= 8): the powers of two
/// summing to `bits`, widest first, the widest holding the lowest bits
/// (3 -> {2 at 0, 1 at 2}). A plane's offset in bits is also its byte offset
/// within a block, as every plane of a block fills `width` whole bytes.
std::vector<BitPlane> getBitPlanes(unsigned bits);

/// Packs values in blocks of kPlaneBlockSize: each block is `bits` bytes,
/// its planes (getBitPlanes) one after another. Every value is read where it
/// lies within whole bytes, which is what lets a vectorized kernel unpack a
/// block with shifts and masks of one word per plane; for 1, 2, 4 and 8 bits
/// (a single plane) the layout is packBits'. `count` must be a multiple of
/// kPlaneBlockSize and `out` must hold count * bits / 8 bytes. Returns false
/// (and writes nothing) if a value does not fit the range of `bits`.
bool packBitPlanes(const int32_t *values, size_t count, unsigned bits,
                   bool isSigned, uint8_t *out);

/// Inverse of packBitPlanes: sign-extends when isSigned.
void unpackBitPlanes(const uint8_t *in, size_t count, unsigned bits,
                     bool isSigned, int32_t *out);

} // namespace qc::numerics

#endif // QC_NUMERICS_NUMERICS_H
