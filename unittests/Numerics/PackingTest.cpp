//===- PackingTest.cpp - Tests for sub-byte bit packing -------------------===//
//
// packBits / unpackBits against a bit-at-a-time reference of the documented
// little-endian layout: exhaustively over every value of every width at every
// bit offset, on hand-derived byte patterns, and on random streams. The same
// for the bit-plane layout of packBitPlanes / unpackBitPlanes.
//
//===----------------------------------------------------------------------===//

#include "Reference.h"

#include "gtest/gtest.h"

#include <cstdint>
#include <limits>
#include <vector>

namespace {

using namespace qc::numerics;

constexpr unsigned kMinBits = 1;
constexpr unsigned kMaxBits = 8;
constexpr unsigned kBitsPerByte = 8;
constexpr int kRandomStreams = 2000;
constexpr int64_t kMaxRandomStreamLength = 4096;
constexpr uint8_t kGuardByte = 0xA5;

using Bytes = std::vector<uint8_t>;
using Values = std::vector<int32_t>;

/// Stream bit `index`: bit index % 8 of byte index / 8.
bool streamBit(const Bytes &stream, size_t index) {
  return ((stream[index / kBitsPerByte] >> (index % kBitsPerByte)) & 1) != 0;
}

/// The layout written out bit by bit: bit j of value i's two's complement
/// goes to stream bit i * bits + j.
Bytes referencePack(const Values &values, unsigned bits) {
  Bytes stream((values.size() * bits + kBitsPerByte - 1) / kBitsPerByte, 0);
  for (size_t i = 0; i < values.size(); ++i)
    for (unsigned j = 0; j < bits; ++j)
      if ((static_cast<uint32_t>(values[i]) >> j) & 1)
        stream[(i * bits + j) / kBitsPerByte] |=
            uint8_t(1) << ((i * bits + j) % kBitsPerByte);
  return stream;
}

/// Reads the values back bit by bit; a set top bit of a signed value
/// weighs -2^(bits-1).
Values referenceUnpack(const Bytes &stream, size_t count, unsigned bits,
                       bool isSigned) {
  Values values(count);
  for (size_t i = 0; i < count; ++i) {
    int64_t value = 0;
    for (unsigned j = 0; j < bits; ++j) {
      const int64_t weight = int64_t(1) << j;
      if (streamBit(stream, i * bits + j))
        value += isSigned && j == bits - 1 ? -weight : weight;
    }
    values[i] = static_cast<int32_t>(value);
  }
  return values;
}

/// Packs twice: into a buffer of exactly packedSizeInBytes, so that sanitizers
/// catch any access past it, and into one followed by guard bytes, which must
/// stay untouched.
Bytes pack(const Values &values, unsigned bits, bool isSigned) {
  constexpr size_t kGuardBytes = 4;
  const size_t size = packedSizeInBytes(values.size(), bits);
  Bytes exact(size);
  EXPECT_TRUE(
      packBits(values.data(), values.size(), bits, isSigned, exact.data()));
  Bytes guarded(size + kGuardBytes, kGuardByte);
  EXPECT_TRUE(
      packBits(values.data(), values.size(), bits, isSigned, guarded.data()));
  EXPECT_EQ(Bytes(guarded.begin(), guarded.begin() + size), exact);
  EXPECT_EQ(Bytes(guarded.begin() + size, guarded.end()),
            Bytes(kGuardBytes, kGuardByte))
      << "wrote past the packed size";
  return exact;
}

/// Unpacks from a buffer of exactly the packed size, so that reading past it
/// shows up under sanitizers.
Values unpack(const Bytes &stream, size_t count, unsigned bits, bool isSigned) {
  Values values(count);
  unpackBits(stream.data(), count, bits, isSigned, values.data());
  return values;
}

/// Every value of the range, in order.
Values allValues(unsigned bits, bool isSigned) {
  const IntRange range = storageRange(bits, isSigned);
  Values values;
  for (int64_t v = range.min; v <= range.max; ++v)
    values.push_back(static_cast<int32_t>(v));
  return values;
}

//===----------------------------------------------------------------------===//
// packedSizeInBytes
//===----------------------------------------------------------------------===//

TEST(PackedSizeInBytesTest, HandDerived) {
  EXPECT_EQ(packedSizeInBytes(0, 4), 0u);
  EXPECT_EQ(packedSizeInBytes(1, 1), 1u);
  EXPECT_EQ(packedSizeInBytes(8, 1), 1u);
  EXPECT_EQ(packedSizeInBytes(9, 1), 2u);
  EXPECT_EQ(packedSizeInBytes(3, 4), 2u); // 12 bits
  EXPECT_EQ(packedSizeInBytes(8, 3), 3u); // 24 bits
  EXPECT_EQ(packedSizeInBytes(3, 3), 2u); // 9 bits
  EXPECT_EQ(packedSizeInBytes(5, 8), 5u);
}

TEST(PackedSizeInBytesTest, IsCeilingOfTotalBits) {
  for (unsigned bits = kMinBits; bits <= kMaxBits; ++bits)
    for (size_t count = 0; count <= 4096; ++count)
      ASSERT_EQ(packedSizeInBytes(count, bits),
                (count * bits + kBitsPerByte - 1) / kBitsPerByte)
          << count << " x " << bits;
}

TEST(PackedSizeInBytesTest, HugeCountsDoNotOverflow) {
  const size_t kMax = std::numeric_limits<size_t>::max();
  for (unsigned bits = kMinBits; bits <= kMaxBits; ++bits)
    for (size_t count : {kMax, kMax - 1, kMax - 7, kMax / 8, kMax / 3})
      ASSERT_EQ(packedSizeInBytes(count, bits),
                static_cast<size_t>((ref::Int128(count) * bits + 7) / 8))
          << count << " x " << bits;
}

//===----------------------------------------------------------------------===//
// Layout
//===----------------------------------------------------------------------===//

TEST(PackBitsTest, HandDerivedLayout) {
  // 4 bits: element 0 in the low nibble.
  EXPECT_EQ(pack({1, 2}, 4, false), (Bytes{0x21}));
  EXPECT_EQ(pack({0xA, 0x5, 0xF}, 4, false), (Bytes{0x5A, 0x0F}));
  // Signed 4 bits: -1 = 0b1111, 7 = 0b0111, -8 = 0b1000.
  EXPECT_EQ(pack({-1, 7, -8}, 4, true), (Bytes{0x7F, 0x08}));
  // 3 bits: the values are the octal digits of the 24-bit little-endian word
  // 07654321 = 0x1F58D1, so value 2 straddles bytes 0 and 1 and value 5
  // bytes 1 and 2.
  EXPECT_EQ(pack({1, 2, 3, 4, 5, 6, 7, 0}, 3, false),
            (Bytes{0xD1, 0x58, 0x1F}));
  // Signed 3 bits: -1 = 0b111, -4 = 0b100, 3 = 0b011 make the 9-bit word
  // 0b011'100'111 = 0x0E7.
  EXPECT_EQ(pack({-1, -4, 3}, 3, true), (Bytes{0xE7, 0x00}));
  // 1 bit: 1,0,1,1,0,0,0,1 is 0b10001101 read from the top; a ninth value
  // starts byte 1.
  EXPECT_EQ(pack({1, 0, 1, 1, 0, 0, 0, 1, 1}, 1, false), (Bytes{0x8D, 0x01}));
  // 2 bits: 3,0,1,2 -> 0b10'01'00'11.
  EXPECT_EQ(pack({3, 0, 1, 2}, 2, false), (Bytes{0x93}));
  // 5 bits: 1 then 31 -> bits 0-4 = 00001, bits 5-9 = 11111: 0b111'00001,
  // then 0b11.
  EXPECT_EQ(pack({1, 31}, 5, false), (Bytes{0xE1, 0x03}));
  // 8 bits is plain two's complement bytes.
  EXPECT_EQ(pack({-128, -1, 0, 127}, 8, true), (Bytes{0x80, 0xFF, 0x00, 0x7F}));
}

TEST(PackBitsTest, UnusedHighBitsOfLastByteAreZero) {
  // Start from all ones: packing must clear what it does not use.
  const Values values = {-1, -1, -1};
  Bytes buffer(2, 0xFF);
  ASSERT_TRUE(packBits(values.data(), values.size(), 3, true, buffer.data()));
  EXPECT_EQ(buffer, (Bytes{0xFF, 0x01}));
}

TEST(PackBitsTest, EmptyInputWritesNothing) {
  Bytes buffer(2, kGuardByte);
  EXPECT_TRUE(packBits(nullptr, 0, 4, false, buffer.data()));
  EXPECT_EQ(buffer, (Bytes{kGuardByte, kGuardByte}));
}

TEST(PackBitsTest, RejectsOutOfRangeValuesWithoutWriting) {
  for (unsigned bits = kMinBits; bits <= kMaxBits; ++bits) {
    for (bool isSigned : {false, true}) {
      const IntRange range = storageRange(bits, isSigned);
      for (int64_t bad : {range.min - 1, range.max + 1, int64_t(ref::kInt32Min),
                          int64_t(ref::kInt32Max)}) {
        // A valid prefix first: the check must come before any write.
        Values values(17, static_cast<int32_t>(range.max));
        values.back() = static_cast<int32_t>(bad);
        Bytes buffer(packedSizeInBytes(values.size(), bits), kGuardByte);
        EXPECT_FALSE(packBits(values.data(), values.size(), bits, isSigned,
                              buffer.data()))
            << bad << " as " << bits << " bits";
        EXPECT_EQ(buffer, Bytes(buffer.size(), kGuardByte));
      }
    }
  }
}

//===----------------------------------------------------------------------===//
// Round trips
//===----------------------------------------------------------------------===//

TEST(PackBitsTest, ExhaustiveEveryValueAtEveryBitOffset) {
  for (unsigned bits = kMinBits; bits <= kMaxBits; ++bits) {
    for (bool isSigned : {false, true}) {
      // Prefixing p zeros moves value j to index p + j and bit offset
      // (p + j) * bits mod 8; p = 0..7 reaches every offset value j can have.
      for (unsigned prefix = 0; prefix < kBitsPerByte; ++prefix) {
        Values values(prefix, 0);
        const Values all = allValues(bits, isSigned);
        values.insert(values.end(), all.begin(), all.end());
        const Bytes packed = pack(values, bits, isSigned);
        ASSERT_EQ(packed, referencePack(values, bits))
            << bits << " bits, prefix " << prefix;
        ASSERT_EQ(unpack(packed, values.size(), bits, isSigned), values)
            << bits << " bits, prefix " << prefix;
        ASSERT_EQ(referenceUnpack(packed, values.size(), bits, isSigned),
                  values)
            << bits << " bits, prefix " << prefix;
      }
    }
  }
}

TEST(UnpackBitsTest, EveryByteDecodesLikeReference) {
  // Unpacking is total: any bytes decode. Two bytes of every pattern cover
  // every value in every position of the first 16 bits.
  for (unsigned bits = kMinBits; bits <= kMaxBits; ++bits) {
    for (bool isSigned : {false, true}) {
      const size_t count = 2 * kBitsPerByte / bits;
      for (uint32_t pattern = 0; pattern <= 0xFFFF; ++pattern) {
        const Bytes stream = {static_cast<uint8_t>(pattern),
                              static_cast<uint8_t>(pattern >> kBitsPerByte)};
        ASSERT_EQ(unpack(stream, count, bits, isSigned),
                  referenceUnpack(stream, count, bits, isSigned))
            << bits << " bits, pattern " << pattern;
      }
    }
  }
}

TEST(PackBitsTest, RandomStreamsMatchReference) {
  ref::Inputs inputs;
  for (int i = 0; i < kRandomStreams; ++i) {
    const auto bits = static_cast<unsigned>(inputs.uniform(kMinBits, kMaxBits));
    const bool isSigned = inputs.coin();
    const IntRange range = storageRange(bits, isSigned);
    Values values(
        static_cast<size_t>(inputs.uniform(0, kMaxRandomStreamLength)));
    for (int32_t &v : values)
      v = static_cast<int32_t>(inputs.uniform(range.min, range.max));
    const Bytes packed = pack(values, bits, isSigned);
    ASSERT_EQ(packed, referencePack(values, bits)) << bits << " bits";
    ASSERT_EQ(unpack(packed, values.size(), bits, isSigned), values)
        << bits << " bits";
  }
}

//===----------------------------------------------------------------------===//
// Bit planes
//===----------------------------------------------------------------------===//

/// The plane layout written out bit by bit: bit i of value j of a block lies
/// in the plane covering i, at bit j * width + (i - offset) of that plane's
/// bytes, which start `offset` bytes into the block.
Bytes referencePackPlanes(const Values &values, unsigned bits) {
  Bytes bytes(values.size() * bits / kBitsPerByte, 0);
  for (size_t index = 0; index < values.size(); ++index) {
    const size_t block = index / kPlaneBlockSize, j = index % kPlaneBlockSize;
    for (unsigned i = 0; i < bits; ++i) {
      if (((static_cast<uint32_t>(values[index]) >> i) & 1) == 0)
        continue;
      for (const BitPlane &plane : getBitPlanes(bits)) {
        if (i < plane.offset || i >= plane.offset + plane.width)
          continue;
        const size_t bit = j * plane.width + (i - plane.offset);
        bytes[block * bits + plane.offset + bit / kBitsPerByte] |=
            uint8_t(1) << (bit % kBitsPerByte);
      }
    }
  }
  return bytes;
}

Bytes packPlanes(const Values &values, unsigned bits, bool isSigned) {
  Bytes bytes(values.size() * bits / kBitsPerByte, kGuardByte);
  EXPECT_TRUE(packBitPlanes(values.data(), values.size(), bits, isSigned,
                            bytes.data()));
  return bytes;
}

Values unpackPlanes(const Bytes &bytes, size_t count, unsigned bits,
                    bool isSigned) {
  Values values(count);
  unpackBitPlanes(bytes.data(), count, bits, isSigned, values.data());
  return values;
}

TEST(BitPlanesTest, PlanesArePowersOfTwoWidestFirstCoveringEveryBit) {
  for (unsigned bits = kMinBits; bits <= kMaxBits; ++bits) {
    unsigned covered = 0;
    unsigned previousWidth = kMaxBits + 1;
    for (const BitPlane &plane : getBitPlanes(bits)) {
      EXPECT_EQ(plane.width & (plane.width - 1), 0u) << bits << " bits";
      EXPECT_LT(plane.width, previousWidth) << bits << " bits";
      EXPECT_EQ(plane.offset, covered) << bits << " bits";
      covered += plane.width;
      previousWidth = plane.width;
    }
    EXPECT_EQ(covered, bits);
  }
  EXPECT_EQ(getBitPlanes(3).size(), 2u);
  EXPECT_EQ(getBitPlanes(7).size(), 3u);
  EXPECT_EQ(getBitPlanes(4).size(), 1u);
}

TEST(BitPlanesTest, HandDerivedLayout) {
  // 3 bits = a 2-bit plane (the low bits, one 16-bit word) then a 1-bit
  // plane (the high bits, one byte). Values 0..7: low bits 0,1,2,3,0,1,2,3
  // make the word 0b11100100'11100100 = 0xE4E4, high bits 0,0,0,0,1,1,1,1
  // the byte 0xF0.
  EXPECT_EQ(packPlanes({0, 1, 2, 3, 4, 5, 6, 7}, 3, false),
            (Bytes{0xE4, 0xE4, 0xF0}));
  // Signed: -1 = 0b111 and -4 = 0b100 in value 0 and 7.
  EXPECT_EQ(packPlanes({-1, 0, 0, 0, 0, 0, 0, -4}, 3, true),
            (Bytes{0x03, 0x00, 0x81}));
}

TEST(BitPlanesTest, SinglePlaneWidthsAreTheBitStream) {
  ref::Inputs inputs;
  for (unsigned bits : {1u, 2u, 4u, 8u}) {
    const IntRange range = storageRange(bits, /*isSigned=*/true);
    Values values(64);
    for (int32_t &v : values)
      v = static_cast<int32_t>(inputs.uniform(range.min, range.max));
    EXPECT_EQ(packPlanes(values, bits, true), pack(values, bits, true))
        << bits << " bits";
  }
}

TEST(BitPlanesTest, RandomBlocksMatchReferenceAndRoundTrip) {
  ref::Inputs inputs;
  for (int i = 0; i < kRandomStreams; ++i) {
    const auto bits = static_cast<unsigned>(inputs.uniform(kMinBits, kMaxBits));
    const bool isSigned = inputs.coin();
    const IntRange range = storageRange(bits, isSigned);
    Values values(kPlaneBlockSize *
                  static_cast<size_t>(inputs.uniform(0, 64)));
    for (int32_t &v : values)
      v = static_cast<int32_t>(inputs.uniform(range.min, range.max));
    const Bytes packed = packPlanes(values, bits, isSigned);
    ASSERT_EQ(packed, referencePackPlanes(values, bits)) << bits << " bits";
    ASSERT_EQ(unpackPlanes(packed, values.size(), bits, isSigned), values)
        << bits << " bits";
  }
}

TEST(BitPlanesTest, RejectsOutOfRangeValuesWithoutWriting) {
  for (unsigned bits = kMinBits; bits <= kMaxBits; ++bits) {
    const IntRange range = storageRange(bits, /*isSigned=*/true);
    Values values(2 * kPlaneBlockSize, static_cast<int32_t>(range.min));
    values.back() = static_cast<int32_t>(range.max + 1);
    Bytes buffer(values.size() * bits / kBitsPerByte, kGuardByte);
    EXPECT_FALSE(packBitPlanes(values.data(), values.size(), bits, true,
                               buffer.data()));
    EXPECT_EQ(buffer, Bytes(buffer.size(), kGuardByte)) << bits << " bits";
  }
}

} // namespace
