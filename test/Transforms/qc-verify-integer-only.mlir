// RUN: quant-opt %s --split-input-file --qc-verify-integer-only -verify-diagnostics

// An integer-only function (what qc-lower-to-integer leaves behind) passes.
func.func @integer_only(%x: tensor<4xi8>) -> tensor<4xi8> {
  %0 = qc.requant %x by(#qc.dyadic<1073741824 * 2**-29>) input_zp(-3) output_zp(1)
      : tensor<4xi8> -> tensor<4xi8>
  %1 = tosa.add %0, %0 : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  return %1 : tensor<4xi8>
}

// -----

// A float op between a dequantize and a quantize is named.
func.func @float_op_in_region(%x: tensor<4xi8>) -> tensor<4xi8> {
  %q = quant.scast %x : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.5:-3>>
  %d = qc.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<4xf32>
  // expected-error @below {{'tosa.exp' computes in floating point between qc.dequantize and qc.quantize: qc-lower-to-integer has no integer form for it here (keep it in float with the qc.keep_float attribute)}}
  %e = tosa.exp %d : (tensor<4xf32>) -> tensor<4xf32>
  %o = qc.quantize %e : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.25:1>>
  %s = quant.scast %o : tensor<4x!quant.uniform<i8:f32, 0.25:1>> to tensor<4xi8>
  return %s : tensor<4xi8>
}

// -----

// Every float op on the path is reported, the dequantize and quantize are not.
func.func @chain(%x: tensor<4xi8>) -> tensor<4xi8> {
  %q = quant.scast %x : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.5:-3>>
  %d = qc.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<4xf32>
  // expected-error @below {{'tosa.exp' computes in floating point between qc.dequantize and qc.quantize}}
  %e = tosa.exp %d : (tensor<4xf32>) -> tensor<4xf32>
  // expected-error @below {{'tosa.tanh' computes in floating point between qc.dequantize and qc.quantize}}
  %t = tosa.tanh %e : (tensor<4xf32>) -> tensor<4xf32>
  %o = qc.quantize %t : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.25:1>>
  %s = quant.scast %o : tensor<4x!quant.uniform<i8:f32, 0.25:1>> to tensor<4xi8>
  return %s : tensor<4xi8>
}

// -----

// An op the user keeps in float (unit attribute qc.keep_float) is exempt.
func.func @keep_float(%x: tensor<4xi8>) -> tensor<4xi8> {
  %q = quant.scast %x : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.5:-3>>
  %d = qc.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<4xf32>
  %e = tosa.exp %d {qc.keep_float} : (tensor<4xf32>) -> tensor<4xf32>
  %o = qc.quantize %e : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.25:1>>
  %s = quant.scast %o : tensor<4x!quant.uniform<i8:f32, 0.25:1>> to tensor<4xi8>
  return %s : tensor<4xi8>
}

// -----

// Float ops before the first quantize (the model's float input) and after the
// last dequantize (its float output) are outside every region.
func.func @float_input_and_output(%f: tensor<4xf32>) -> tensor<4xf32> {
  %a = tosa.exp %f : (tensor<4xf32>) -> tensor<4xf32>
  %o = qc.quantize %a : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.25:1>>
  %s = quant.scast %o : tensor<4x!quant.uniform<i8:f32, 0.25:1>> to tensor<4xi8>
  %r = qc.requant %s by(#qc.dyadic<1073741824 * 2**-31>) input_zp(1) output_zp(-3)
      : tensor<4xi8> -> tensor<4xi8>
  %q = quant.scast %r : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.5:-3>>
  %d = qc.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<4xf32>
  %b = tosa.exp %d : (tensor<4xf32>) -> tensor<4xf32>
  return %b : tensor<4xf32>
}

// -----

// Of two float ops after a dequantize only the one whose result reaches the
// quantize is inside the region; the one feeding the float output is not.
func.func @branch_to_float_output(%x: tensor<4xi8>) -> (tensor<4xi8>, tensor<4xf32>) {
  %q = quant.scast %x : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.5:-3>>
  %d = qc.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<4xf32>
  // expected-error @below {{'tosa.abs' computes in floating point between qc.dequantize and qc.quantize}}
  %a = tosa.abs %d : (tensor<4xf32>) -> tensor<4xf32>
  %e = tosa.exp %a : (tensor<4xf32>) -> tensor<4xf32>
  %o = qc.quantize %a : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.25:1>>
  %s = quant.scast %o : tensor<4x!quant.uniform<i8:f32, 0.25:1>> to tensor<4xi8>
  return %s, %e : tensor<4xi8>, tensor<4xf32>
}

// -----

// A quantize fed directly by a dequantize is a requantization left in float.
func.func @requantize_in_float(%x: tensor<4xi8>) -> tensor<4xi8> {
  %q = quant.scast %x : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.5:-3>>
  %d = qc.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<4xf32>
  // expected-error @below {{requantizes through floating point: no dyadic multiplier represents the ratio of the scales}}
  %o = qc.quantize %d : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 1.0e-10>>
  %s = quant.scast %o : tensor<4x!quant.uniform<i8:f32, 1.0e-10>> to tensor<4xi8>
  return %s : tensor<4xi8>
}

// -----

// A linalg.generic in a region is reported as a whole; the float arith ops of
// its body, which read block arguments, are not reported on their own.
#map = affine_map<(d0) -> (d0)>
func.func @generic_in_region(%x: tensor<4xi8>) -> tensor<4xi8> {
  %q = quant.scast %x : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.5:-3>>
  %d = qc.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<4xf32>
  %init = tensor.empty() : tensor<4xf32>
  // expected-error @below {{'linalg.generic' computes in floating point between qc.dequantize and qc.quantize}}
  %g = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]}
      ins(%d : tensor<4xf32>) outs(%init : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.mulf %in, %in : f32
    linalg.yield %m : f32
  } -> tensor<4xf32>
  %o = qc.quantize %g : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.25:1>>
  %s = quant.scast %o : tensor<4x!quant.uniform<i8:f32, 0.25:1>> to tensor<4xi8>
  return %s : tensor<4xi8>
}

// -----

// A float op nested in another op's region (here scf.if) is found too.
func.func @nested_region(%x: tensor<4xi8>, %c: i1) -> tensor<4xi8> {
  %q = quant.scast %x : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.5:-3>>
  %d = qc.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<4xf32>
  %r = scf.if %c -> tensor<4xi8> {
    // expected-error @below {{'tosa.exp' computes in floating point between qc.dequantize and qc.quantize}}
    %e = tosa.exp %d : (tensor<4xf32>) -> tensor<4xf32>
    %o = qc.quantize %e : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.25:1>>
    %s = quant.scast %o : tensor<4x!quant.uniform<i8:f32, 0.25:1>> to tensor<4xi8>
    scf.yield %s : tensor<4xi8>
  } else {
    scf.yield %x : tensor<4xi8>
  }
  return %r : tensor<4xi8>
}
