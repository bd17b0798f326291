//===- Packing.cpp - Sub-byte bit packing ---------------------------------===//
//
// Packs integers of 1 to 8 bits into a little-endian bit stream. Because no
// value is wider than a byte, each value touches at most two adjacent bytes,
// which both directions handle through a 16-bit window.
//
//===----------------------------------------------------------------------===//

#include "qc/Numerics/Numerics.h"

#include <algorithm>
#include <cassert>

using namespace qc::numerics;

namespace {

constexpr unsigned kBitsPerByte = 8;
constexpr unsigned kMaxPackedBits = 8;

[[maybe_unused]] bool isValidPackedBits(unsigned bits) {
  return bits >= 1 && bits <= kMaxPackedBits;
}

uint32_t lowBitsMask(unsigned bits) { return (uint32_t(1) << bits) - 1; }

/// Where value `index` starts: its first byte and the bit within that byte.
struct BitPosition {
  size_t byte;
  unsigned bit;
};

BitPosition positionOf(size_t index, unsigned bits) {
  size_t bitOffset = index * bits;
  return {bitOffset / kBitsPerByte,
          static_cast<unsigned>(bitOffset % kBitsPerByte)};
}

/// Two's complement sign extension of the low `bits` bits of field.
int32_t signExtend(uint32_t field, unsigned bits) {
  const uint32_t signBit = uint32_t(1) << (bits - 1);
  return static_cast<int32_t>(field ^ signBit) - static_cast<int32_t>(signBit);
}

} // namespace

size_t qc::numerics::packedSizeInBytes(size_t count, unsigned bits) {
  assert(isValidPackedBits(bits) && "unsupported bit width");
  // Every group of eight values fills exactly `bits` bytes; splitting count
  // this way keeps count * bits from overflowing.
  const size_t fullGroups = count / kBitsPerByte;
  const size_t tailBits = (count % kBitsPerByte) * bits;
  return fullGroups * bits + (tailBits + kBitsPerByte - 1) / kBitsPerByte;
}

bool qc::numerics::packBits(const int32_t *values, size_t count, unsigned bits,
                            bool isSigned, uint8_t *out) {
  assert(isValidPackedBits(bits) && "unsupported bit width");
  const IntRange range = storageRange(bits, isSigned);
  const bool allFit = std::all_of(values, values + count, [&](int32_t v) {
    return v >= range.min && v <= range.max;
  });
  if (!allFit)
    return false;

  std::fill_n(out, packedSizeInBytes(count, bits), uint8_t(0));
  const uint32_t mask = lowBitsMask(bits);
  for (size_t i = 0; i < count; ++i) {
    const BitPosition pos = positionOf(i, bits);
    const uint32_t window = (static_cast<uint32_t>(values[i]) & mask)
                            << pos.bit;
    out[pos.byte] |= static_cast<uint8_t>(window);
    // Only touch the next byte when the value reaches into it: for the last
    // value that byte may lie past the end of `out`.
    if (pos.bit + bits > kBitsPerByte)
      out[pos.byte + 1] |= static_cast<uint8_t>(window >> kBitsPerByte);
  }
  return true;
}

void qc::numerics::unpackBits(const uint8_t *in, size_t count, unsigned bits,
                              bool isSigned, int32_t *out) {
  assert(isValidPackedBits(bits) && "unsupported bit width");
  const uint32_t mask = lowBitsMask(bits);
  for (size_t i = 0; i < count; ++i) {
    const BitPosition pos = positionOf(i, bits);
    uint32_t window = in[pos.byte];
    if (pos.bit + bits > kBitsPerByte)
      window |= uint32_t(in[pos.byte + 1]) << kBitsPerByte;
    const uint32_t field = (window >> pos.bit) & mask;
    out[i] = isSigned ? signExtend(field, bits) : static_cast<int32_t>(field);
  }
}

std::vector<BitPlane> qc::numerics::getBitPlanes(unsigned bits) {
  assert(isValidPackedBits(bits) && "unsupported bit width");
  std::vector<BitPlane> planes;
  unsigned offset = 0;
  for (unsigned width = kMaxPackedBits; width > 0; width /= 2) {
    if ((bits & width) == 0)
      continue;
    planes.push_back({width, offset});
    offset += width;
  }
  return planes;
}

bool qc::numerics::packBitPlanes(const int32_t *values, size_t count,
                                 unsigned bits, bool isSigned, uint8_t *out) {
  assert(count % kPlaneBlockSize == 0 && "count is not a whole number of blocks");
  const IntRange range = storageRange(bits, isSigned);
  if (!std::all_of(values, values + count, [&](int32_t v) {
        return v >= range.min && v <= range.max;
      }))
    return false;
  const std::vector<BitPlane> planes = getBitPlanes(bits);
  int32_t fields[kPlaneBlockSize];
  for (size_t block = 0; block < count / kPlaneBlockSize; ++block) {
    const int32_t *blockValues = values + block * kPlaneBlockSize;
    uint8_t *blockBytes = out + block * bits;
    for (const BitPlane &plane : planes) {
      for (size_t j = 0; j < kPlaneBlockSize; ++j)
        fields[j] = static_cast<int32_t>(
            (static_cast<uint32_t>(blockValues[j]) >> plane.offset) &
            lowBitsMask(plane.width));
      // A plane of one block is the bit stream of its fields.
      packBits(fields, kPlaneBlockSize, plane.width, /*isSigned=*/false,
               blockBytes + plane.offset);
    }
  }
  return true;
}

void qc::numerics::unpackBitPlanes(const uint8_t *in, size_t count,
                                   unsigned bits, bool isSigned, int32_t *out) {
  assert(count % kPlaneBlockSize == 0 && "count is not a whole number of blocks");
  const std::vector<BitPlane> planes = getBitPlanes(bits);
  int32_t fields[kPlaneBlockSize];
  for (size_t block = 0; block < count / kPlaneBlockSize; ++block) {
    const uint8_t *blockBytes = in + block * bits;
    uint32_t assembled[kPlaneBlockSize] = {};
    for (const BitPlane &plane : planes) {
      unpackBits(blockBytes + plane.offset, kPlaneBlockSize, plane.width,
                 /*isSigned=*/false, fields);
      for (size_t j = 0; j < kPlaneBlockSize; ++j)
        assembled[j] |= static_cast<uint32_t>(fields[j]) << plane.offset;
    }
    for (size_t j = 0; j < kPlaneBlockSize; ++j)
      out[block * kPlaneBlockSize + j] =
          isSigned ? signExtend(assembled[j], bits)
                   : static_cast<int32_t>(assembled[j]);
  }
}
