// Executes qc.quantize and qc.dequantize lowered by qc-lower-quant-ops, and
// constant-folded by their folders after inlining, against hand-derived
// values (ONNX QuantizeLinear / DequantizeLinear semantics).
//
// RUN: quant-opt %s --qc-lower-to-llvm | %{run_main} | FileCheck %s
// RUN: quant-opt %s --inline --canonicalize --qc-lower-to-llvm | %{run_main} | FileCheck %s

!q8 = !quant.uniform<i8:f32, 0.5:-3>

func.func @quantize_even(%x: tensor<8xf32>) -> tensor<8x!q8> {
  %q = qc.quantize %x : tensor<8xf32> -> tensor<8x!q8>
  return %q : tensor<8x!q8>
}
func.func @quantize_away(%x: tensor<8xf32>) -> tensor<8x!q8> {
  %q = qc.quantize %x rounding half_away_from_zero : tensor<8xf32> -> tensor<8x!q8>
  return %q : tensor<8x!q8>
}

// Scales {0.5, 2.0} and zero points {0, 10} along axis 0, unsigned storage.
!qu8 = !quant.uniform<u8:f32:0, {0.5, 2.0:10}>
func.func @quantize_per_axis(%x: tensor<2x2xf32>) -> tensor<2x2x!qu8> {
  %q = qc.quantize %x : tensor<2x2xf32> -> tensor<2x2x!qu8>
  return %q : tensor<2x2x!qu8>
}

// Blocks of 2 along axis 1: scales {0.25, 4.0}, zero points {1, -1}.
!qsub = !quant.uniform<i8:f32:{1:2}, {{0.25:1, 4.0:-1}}>
func.func @quantize_sub_channel(%x: tensor<1x4xf32>) -> tensor<1x4x!qsub> {
  %q = qc.quantize %x : tensor<1x4xf32> -> tensor<1x4x!qsub>
  return %q : tensor<1x4x!qsub>
}

!q8b = !quant.uniform<i8:f32, 0.25:4>
func.func @dequantize(%q: tensor<4x!q8b>) -> tensor<4xf32> {
  %x = qc.dequantize %q : tensor<4x!q8b> -> tensor<4xf32>
  return %x : tensor<4xf32>
}

func.func private @printMemrefI32(tensor<*xi32>)
func.func private @printMemrefF32(tensor<*xf32>)

func.func @main() {
  // x / 0.5 = [2.5, 3.5, -2.5, 0.5, 1.5, 200, NaN, -inf]
  %x = arith.constant dense<[1.25, 1.75, -1.25, 0.25, 0.75, 100.0, 0x7FC00000, 0xFF800000]> : tensor<8xf32>
  // Ties to even [2, 4, -2, 0, 2, 200], -3, saturated; NaN -> zero point.
  // CHECK: [-1,  1,  -5,  -3,  -1,  127,  -3,  -128]
  %e = func.call @quantize_even(%x) : (tensor<8xf32>) -> tensor<8x!q8>
  %es = quant.scast %e : tensor<8x!q8> to tensor<8xi8>
  %ew = arith.extsi %es : tensor<8xi8> to tensor<8xi32>
  %eu = tensor.cast %ew : tensor<8xi32> to tensor<*xi32>
  func.call @printMemrefI32(%eu) : (tensor<*xi32>) -> ()
  // Ties away [3, 4, -3, 1, 2, 200], -3, saturated.
  // CHECK: [0,  1,  -6,  -2,  -1,  127,  -3,  -128]
  %a = func.call @quantize_away(%x) : (tensor<8xf32>) -> tensor<8x!q8>
  %as = quant.scast %a : tensor<8x!q8> to tensor<8xi8>
  %aw = arith.extsi %as : tensor<8xi8> to tensor<8xi32>
  %au = tensor.cast %aw : tensor<8xi32> to tensor<*xi32>
  func.call @printMemrefI32(%au) : (tensor<*xi32>) -> ()

  // Row 0 (/0.5): 2, -2 -> clamp 0. Row 1 (/2 + 10): 2.5 -> 2 + 10 = 12,
  // 500 + 10 -> 255.
  // CHECK:      [2,  0]
  // CHECK-NEXT: [12,  255]
  %xp = arith.constant dense<[[1.0, -1.0], [5.0, 1000.0]]> : tensor<2x2xf32>
  %p = func.call @quantize_per_axis(%xp) : (tensor<2x2xf32>) -> tensor<2x2x!qu8>
  %ps = quant.scast %p : tensor<2x2x!qu8> to tensor<2x2xi8>
  %pw = arith.extui %ps : tensor<2x2xi8> to tensor<2x2xi32>
  %pu = tensor.cast %pw : tensor<2x2xi32> to tensor<*xi32>
  func.call @printMemrefI32(%pu) : (tensor<*xi32>) -> ()

  // Block 0 (/0.25 + 1): 0.375 -> 1.5 -> 2 + 1 = 3; -0.125 -> -0.5 -> -0 + 1
  // = 1. Block 1 (/4 - 1): 10 -> 2.5 -> 2 - 1 = 1; -6 -> -1.5 -> -2 - 1 = -3.
  // CHECK: {{\[}}[3,  1,  1,  -3]]
  %xs = arith.constant dense<[[0.375, -0.125, 10.0, -6.0]]> : tensor<1x4xf32>
  %s = func.call @quantize_sub_channel(%xs) : (tensor<1x4xf32>) -> tensor<1x4x!qsub>
  %ss = quant.scast %s : tensor<1x4x!qsub> to tensor<1x4xi8>
  %sw = arith.extsi %ss : tensor<1x4xi8> to tensor<1x4xi32>
  %su = tensor.cast %sw : tensor<1x4xi32> to tensor<*xi32>
  func.call @printMemrefI32(%su) : (tensor<*xi32>) -> ()

  // (q - 4) * 0.25 for q = [4, 8, -128, 127].
  // CHECK: [0,  1,  -33,  30.75]
  %qs = arith.constant dense<[4, 8, -128, 127]> : tensor<4xi8>
  %q = quant.scast %qs : tensor<4xi8> to tensor<4x!q8b>
  %d = func.call @dequantize(%q) : (tensor<4x!q8b>) -> tensor<4xf32>
  %du = tensor.cast %d : tensor<4xf32> to tensor<*xf32>
  func.call @printMemrefF32(%du) : (tensor<*xf32>) -> ()
  return
}
