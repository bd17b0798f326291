// RUN: quant-opt %s --split-input-file --qc-insert-observers | FileCheck %s
// RUN: quant-opt %s --split-input-file --qc-insert-observers | FileCheck %s --check-prefix=REGRESSION

// qc-insert-observers taps (qc.observe) the values qc-quantize will give a
// quantize/dequantize pair, and the non-constant activation inputs of
// convolutions (channel_axis(3), NHWC) and matmuls (lhs channel_axis(2), rhs
// channel_axis(1)). Tags: `input:<onnx.name>` for function arguments
// (`input:<index>` without a name), else the op's location name, else the
// op's name; repeats get `#1`, `#2`, ... Locations are written inline
// (`loc("conv1")`) because the tags are read from them.
//
// The lines of prefix REGRESSION check bugs these tests found, fixed (see
// the end of the file).

//===----------------------------------------------------------------------===//
// Arguments, absorbers, tensor.empty
//===----------------------------------------------------------------------===//

// The argument feeds a convolution: tapped with channel_axis(3). The
// convolution's result only feeds a ReLU (an absorber): no tap; the ReLU's
// result is tapped. The ReLU's init (tensor.empty) computes nothing.
// CHECK-LABEL: func @conv_relu
// CHECK-SAME:    (%[[X:.+]]: tensor<1x4x4x2xf32> {onnx.name = "x"})
// CHECK-NEXT:    qc.observe %[[X]] tag("input:x") channel_axis(3) : tensor<1x4x4x2xf32>
// CHECK-NOT:     qc.observe
// CHECK:         %[[C:.+]] = tosa.conv2d %[[X]]
// CHECK-NOT:     qc.observe
// CHECK:         %[[E:.+]] = tensor.empty() : tensor<1x4x4x3xf32>
// CHECK-NEXT:    %[[R:.+]] = linalg.generic {{.*}} ins(%[[C]] : tensor<1x4x4x3xf32>) outs(%[[E]] : tensor<1x4x4x3xf32>)
// CHECK-NOT:     qc.observe
// CHECK:         } -> tensor<1x4x4x3xf32>
// CHECK-NEXT:    qc.observe %[[R]] tag("relu1") : tensor<1x4x4x3xf32>
// CHECK-NEXT:    return %[[R]]
#map = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @conv_relu(%x: tensor<1x4x4x2xf32> {onnx.name = "x"}) -> tensor<1x4x4x3xf32> {
  %w = arith.constant dense<[[[[1.0, -2.0]]], [[[0.5, 0.25]]], [[[0.0, 1.0]]]]> : tensor<3x1x1x2xf32>
  %b = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32> loc("conv1")
  %zero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<1x4x4x3xf32> loc("init")
  %r = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c : tensor<1x4x4x3xf32>) outs(%init : tensor<1x4x4x3xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x4x4x3xf32> loc("relu1")
  return %r : tensor<1x4x4x3xf32>
}

// -----

// A chain of absorbers through data movement, as the importer emits
// Conv + bias + Relu in NCHW: the convolution, the transpose and the bias add
// are not tapped, only the clamp at the end of the chain is.
// CHECK-LABEL: func @absorber_chain
// CHECK-NEXT:    qc.observe %arg0 tag("input:x") channel_axis(3)
// CHECK-NOT:     qc.observe
// CHECK:         %[[R:.+]] = tosa.clamp
// CHECK-NEXT:    qc.observe %[[R]] tag("relu") : tensor<1x3x4x4xf32>
// CHECK-NEXT:    return %[[R]]
func.func @absorber_chain(%x: tensor<1x4x4x2xf32> {onnx.name = "x"}) -> tensor<1x3x4x4xf32> {
  %w = arith.constant dense<[[[[1.0, -2.0]]], [[[0.5, 0.25]]], [[[0.0, 1.0]]]]> : tensor<3x1x1x2xf32>
  %b = arith.constant dense<0.0> : tensor<3xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32> loc("conv")
  %t = tosa.transpose %c {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x3xf32>) -> tensor<1x3x4x4xf32> loc("conv_nchw")
  %s = "tosa.const"() <{values = dense<[[[[0.5]], [[-0.5]], [[1.0]]]]> : tensor<1x3x1x1xf32>}> : () -> tensor<1x3x1x1xf32>
  %a = tosa.add %t, %s : (tensor<1x3x4x4xf32>, tensor<1x3x1x1xf32>) -> tensor<1x3x4x4xf32> loc("bias")
  %r = tosa.clamp %a {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32> loc("relu")
  return %r : tensor<1x3x4x4xf32>
}

// -----

// A convolution whose result reaches a non-absorber (here the return) is
// tapped, under its own name.
// CHECK-LABEL: func @conv_output
// CHECK:         %[[C:.+]] = tosa.conv2d
// CHECK-NEXT:    qc.observe %[[C]] tag("conv") : tensor<1x4x4x3xf32>
// CHECK-NEXT:    return %[[C]]
func.func @conv_output(%x: tensor<1x4x4x2xf32> {onnx.name = "x"}) -> tensor<1x4x4x3xf32> {
  %w = arith.constant dense<[[[[1.0, -2.0]]], [[[0.5, 0.25]]], [[[0.0, 1.0]]]]> : tensor<3x1x1x2xf32>
  %b = arith.constant dense<0.0> : tensor<3xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32> loc("conv")
  return %c : tensor<1x4x4x3xf32>
}

//===----------------------------------------------------------------------===//
// Tags
//===----------------------------------------------------------------------===//

// -----

// Repeated location names get #1, #2; an op without a location name is
// tagged with its op name (repeats numbered the same way); an argument
// without onnx.name is tagged with its index. The arguments' taps are
// inserted at the start of the block, each before the earlier ones.
// CHECK-LABEL: func @tags
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<4xf32> {onnx.name = "x"}, %[[Y:[^:]+]]: tensor<4xf32>)
// CHECK-DAG:     qc.observe %[[X]] tag("input:x") : tensor<4xf32>
// CHECK-DAG:     qc.observe %[[Y]] tag("input:1") : tensor<4xf32>
// CHECK:         %[[A:.+]] = tosa.sigmoid %[[X]]
// CHECK-NEXT:    qc.observe %[[A]] tag("act") : tensor<4xf32>
// CHECK-NEXT:    %[[B:.+]] = tosa.tanh %[[A]]
// CHECK-NEXT:    qc.observe %[[B]] tag("act#1") : tensor<4xf32>
// CHECK-NEXT:    %[[C:.+]] = tosa.sigmoid %[[B]]
// CHECK-NEXT:    qc.observe %[[C]] tag("act#2") : tensor<4xf32>
// CHECK-NEXT:    %[[D:.+]] = tosa.add %[[C]], %[[Y]]
// CHECK-NEXT:    qc.observe %[[D]] tag("tosa.add") : tensor<4xf32>
// CHECK-NEXT:    %[[E:.+]] = tosa.tanh %[[D]]
// CHECK-NEXT:    qc.observe %[[E]] tag("tosa.tanh") : tensor<4xf32>
// CHECK-NEXT:    %[[F:.+]] = tosa.tanh %[[E]]
// CHECK-NEXT:    qc.observe %[[F]] tag("tosa.tanh#1") : tensor<4xf32>
// CHECK-NEXT:    %[[R:.+]] = tosa.clamp %[[F]]
// CHECK-NEXT:    qc.observe %[[R]] tag("out") : tensor<4xf32>
// CHECK-NEXT:    return %[[R]]
func.func @tags(%x: tensor<4xf32> {onnx.name = "x"}, %y: tensor<4xf32>) -> tensor<4xf32> {
  %a = tosa.sigmoid %x : (tensor<4xf32>) -> tensor<4xf32> loc("act")
  %b = tosa.tanh %a : (tensor<4xf32>) -> tensor<4xf32> loc("act")
  %c = tosa.sigmoid %b : (tensor<4xf32>) -> tensor<4xf32> loc("act")
  %d = tosa.add %c, %y : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %e = tosa.tanh %d : (tensor<4xf32>) -> tensor<4xf32>
  %f = tosa.tanh %e : (tensor<4xf32>) -> tensor<4xf32>
  %r = tosa.clamp %f {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<4xf32>) -> tensor<4xf32> loc("out")
  return %r : tensor<4xf32>
}

// -----

// An op with two results: each result is tapped, the second as a repeat of
// the op's name (the taps go right after the op, the later one first).
// CHECK-LABEL: func @two_results
// CHECK:         %[[R:.+]]:2 = linalg.generic
// CHECK:         } -> (tensor<4xf32>, tensor<4xf32>)
// CHECK-DAG:     qc.observe %[[R]]#0 tag("split") : tensor<4xf32>
// CHECK-DAG:     qc.observe %[[R]]#1 tag("split#1") : tensor<4xf32>
// CHECK:         tosa.clamp
#map1 = affine_map<(d0) -> (d0)>
func.func @two_results(%x: tensor<4xf32> {onnx.name = "x"}) -> (tensor<4xf32>, tensor<4xf32>) {
  %i = tensor.empty() : tensor<4xf32>
  %r:2 = linalg.generic {indexing_maps = [#map1, #map1, #map1], iterator_types = ["parallel"]}
      ins(%x : tensor<4xf32>) outs(%i, %i : tensor<4xf32>, tensor<4xf32>) {
  ^bb0(%in: f32, %o0: f32, %o1: f32):
    %n = arith.negf %in : f32
    %e = math.exp %in : f32
    linalg.yield %n, %e : f32, f32
  } -> (tensor<4xf32>, tensor<4xf32>) loc("split")
  %s0 = tosa.clamp %r#0 {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<4xf32>) -> tensor<4xf32> loc("c0")
  %s1 = tosa.clamp %r#1 {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<4xf32>) -> tensor<4xf32> loc("c1")
  return %s0, %s1 : tensor<4xf32>, tensor<4xf32>
}

//===----------------------------------------------------------------------===//
// Matmuls
//===----------------------------------------------------------------------===//

// -----

// Both operands of a matmul are activations: lhs channel_axis(2), rhs
// channel_axis(1). The matmul's result feeds a sigmoid, so it is tapped; the
// sigmoid is the model's float tail (only reaches the return) and is not.
// A matmul whose rhs is a constant (behind a reshape, as the importer writes
// Gemm weights) taps its lhs only; its result feeds a ReLU, so only the ReLU
// is tapped. The lhs here is a transpose (data movement), tapped as a
// matmul input under the transpose's name.
// CHECK-LABEL: func @matmul
// CHECK-SAME:    (%[[A:[^:]+]]: tensor<1x2x4xf32> {onnx.name = "a"}, %[[B:[^:]+]]: tensor<1x4x3xf32> {onnx.name = "b"}, %[[C:[^:]+]]: tensor<1x4x2xf32> {onnx.name = "c"})
// CHECK-DAG:     qc.observe %[[A]] tag("input:a") channel_axis(2) : tensor<1x2x4xf32>
// CHECK-DAG:     qc.observe %[[B]] tag("input:b") channel_axis(1) : tensor<1x4x3xf32>
// CHECK-DAG:     qc.observe %[[C]] tag("input:c") : tensor<1x4x2xf32>
// CHECK:         %[[M:.+]] = tosa.matmul %[[A]], %[[B]]
// CHECK-NEXT:    qc.observe %[[M]] tag("mm") : tensor<1x2x3xf32>
// CHECK-NEXT:    %[[S:.+]] = tosa.sigmoid %[[M]]
// CHECK-NEXT:    %[[T:.+]] = tosa.transpose %[[C]]
// CHECK-NEXT:    qc.observe %[[T]] tag("c_t") channel_axis(2) : tensor<1x2x4xf32>
// CHECK-NOT:     qc.observe
// CHECK:         %[[F:.+]] = tosa.matmul %[[T]], %{{.+}}
// CHECK-NEXT:    %[[R:.+]] = tosa.clamp %[[F]]
// CHECK-NEXT:    qc.observe %[[R]] tag("relu") : tensor<1x2x3xf32>
// CHECK-NEXT:    return %[[S]], %[[R]]
func.func @matmul(%a: tensor<1x2x4xf32> {onnx.name = "a"}, %b: tensor<1x4x3xf32> {onnx.name = "b"},
                  %c: tensor<1x4x2xf32> {onnx.name = "c"}) -> (tensor<1x2x3xf32>, tensor<1x2x3xf32>) {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %m = tosa.matmul %a, %b, %zp, %zp : (tensor<1x2x4xf32>, tensor<1x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32> loc("mm")
  %s = tosa.sigmoid %m : (tensor<1x2x3xf32>) -> tensor<1x2x3xf32> loc("sig")
  %t = tosa.transpose %c {perms = array<i32: 0, 2, 1>} : (tensor<1x4x2xf32>) -> tensor<1x2x4xf32> loc("c_t")
  %w = arith.constant dense<[[0.5, -1.0, 2.0], [1.0, 0.0, 0.25], [-0.5, 1.5, 1.0], [0.0, 2.0, -2.0]]> : tensor<4x3xf32>
  %shape = tosa.const_shape {values = dense<[1, 4, 3]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %w3 = tosa.reshape %w, %shape : (tensor<4x3xf32>, !tosa.shape<3>) -> tensor<1x4x3xf32> loc("fc_w")
  %f = tosa.matmul %t, %w3, %zp, %zp : (tensor<1x2x4xf32>, tensor<1x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32> loc("fc")
  %r = tosa.clamp %f {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x2x3xf32>) -> tensor<1x2x3xf32> loc("relu")
  return %s, %r : tensor<1x2x3xf32>, tensor<1x2x3xf32>
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

// -----

// Results of data movement (max pooling, transpose, reshape, slice) keep
// their input's quantization and are not tapped; the sigmoid after them is.
// A transpose that feeds a convolution and a depthwise convolution is tapped
// once, with channel_axis(3), under the transpose's name.
// CHECK-LABEL: func @data_movement
// CHECK-NEXT:    qc.observe %arg0 tag("input:x") : tensor<1x2x4x4xf32>
// CHECK-NEXT:    %[[P:.+]] = tosa.max_pool2d %arg0
// CHECK-NEXT:    %[[T:.+]] = tosa.transpose %[[P]]
// CHECK-NEXT:    tosa.const_shape
// CHECK-NEXT:    %[[R:.+]] = tosa.reshape %[[T]]
// CHECK-NEXT:    tosa.const_shape
// CHECK-NEXT:    tosa.const_shape
// CHECK-NEXT:    %[[S:.+]] = tosa.slice %[[R]]
// CHECK-NEXT:    %[[G:.+]] = tosa.sigmoid %[[S]]
// CHECK-NEXT:    qc.observe %[[G]] tag("sig") : tensor<1x4xf32>
// CHECK-NEXT:    %[[N:.+]] = tosa.transpose %arg0
// CHECK-NEXT:    qc.observe %[[N]] tag("to_nhwc") channel_axis(3) : tensor<1x4x4x2xf32>
// CHECK-NOT:     qc.observe
// CHECK:         %[[C:.+]] = tosa.conv2d %[[N]]
// CHECK-NOT:     qc.observe
// CHECK:         %[[D:.+]] = tosa.depthwise_conv2d %[[N]]
// CHECK-NEXT:    %[[RC:.+]] = tosa.clamp %[[C]]
// CHECK-NEXT:    qc.observe %[[RC]] tag("relu_c")
// CHECK-NEXT:    %[[RD:.+]] = tosa.clamp %[[D]]
// CHECK-NEXT:    qc.observe %[[RD]] tag("relu_d")
// CHECK-NEXT:    %[[OUT:.+]] = tosa.clamp %[[G]]
// CHECK-NEXT:    qc.observe %[[OUT]] tag("out")
// CHECK-NEXT:    return
func.func @data_movement(%x: tensor<1x2x4x4xf32> {onnx.name = "x"}) -> (tensor<1x4xf32>, tensor<1x4x4x3xf32>, tensor<1x3x3x2xf32>) {
  %p = tosa.max_pool2d %x {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x2x4x4xf32>) -> tensor<1x1x2x4xf32> loc("pool")
  %t = tosa.transpose %p {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x1x2x4xf32>) -> tensor<1x4x1x2xf32> loc("transpose")
  %shape = tosa.const_shape {values = dense<[1, 8]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.reshape %t, %shape : (tensor<1x4x1x2xf32>, !tosa.shape<2>) -> tensor<1x8xf32> loc("reshape")
  %start = tosa.const_shape {values = dense<[0, 2]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %size = tosa.const_shape {values = dense<[1, 4]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %s = tosa.slice %r, %start, %size : (tensor<1x8xf32>, !tosa.shape<2>, !tosa.shape<2>) -> tensor<1x4xf32> loc("slice")
  %g = tosa.sigmoid %s : (tensor<1x4xf32>) -> tensor<1x4xf32> loc("sig")
  %n = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x4x4x2xf32> loc("to_nhwc")
  %w = arith.constant dense<[[[[1.0, -2.0]]], [[[0.5, 0.25]]], [[[0.0, 1.0]]]]> : tensor<3x1x1x2xf32>
  %b = arith.constant dense<0.0> : tensor<3xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.conv2d %n, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32> loc("conv")
  %dw = arith.constant dense<1.0> : tensor<2x2x2x1xf32>
  %db = arith.constant dense<0.0> : tensor<2xf32>
  %d = tosa.depthwise_conv2d %n, %dw, %db, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<2x2x2x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x2xf32> loc("dwconv")
  %rc = tosa.clamp %c {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32> loc("relu_c")
  %rd = tosa.clamp %d {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x3x3x2xf32>) -> tensor<1x3x3x2xf32> loc("relu_d")
  %out = tosa.clamp %g {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x4xf32>) -> tensor<1x4xf32> loc("out")
  return %out, %rc, %rd : tensor<1x4xf32>, tensor<1x4x4x3xf32>, tensor<1x3x3x2xf32>
}

//===----------------------------------------------------------------------===//
// The float tail
//===----------------------------------------------------------------------===//

// -----

// A softmax-like tail (exp, reduce_sum, reciprocal, mul) whose results only
// reach the return runs in float after the last dequantize: none of it is
// tapped. The ReLU before it is (an absorber is no tail op).
// CHECK-LABEL: func @softmax_tail
// CHECK-NEXT:    qc.observe %arg0 tag("input:x") channel_axis(3)
// CHECK-NOT:     qc.observe
// CHECK:         %[[R:.+]] = tosa.clamp
// CHECK-NEXT:    qc.observe %[[R]] tag("relu") : tensor<1x4x4x3xf32>
// CHECK-NEXT:    %[[E:.+]] = tosa.exp %[[R]]
// CHECK-NOT:     qc.observe
// CHECK:         return
func.func @softmax_tail(%x: tensor<1x4x4x2xf32> {onnx.name = "x"}) -> tensor<1x4x4x3xf32> {
  %w = arith.constant dense<[[[[1.0, -2.0]]], [[[0.5, 0.25]]], [[[0.0, 1.0]]]]> : tensor<3x1x1x2xf32>
  %b = arith.constant dense<0.0> : tensor<3xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32> loc("conv")
  %r = tosa.clamp %c {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32> loc("relu")
  %e = tosa.exp %r : (tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32> loc("exp")
  %s = tosa.reduce_sum %e {axis = 3 : i32} : (tensor<1x4x4x3xf32>) -> tensor<1x4x4x1xf32> loc("sum")
  %i = tosa.reciprocal %s : (tensor<1x4x4x1xf32>) -> tensor<1x4x4x1xf32> loc("inv")
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %y = tosa.mul %e, %i, %shift : (tensor<1x4x4x3xf32>, tensor<1x4x4x1xf32>, tensor<1xi8>) -> tensor<1x4x4x3xf32> loc("softmax")
  return %y : tensor<1x4x4x3xf32>
}

// -----

// A float tail straight from the argument: only the argument is tapped.
// CHECK-LABEL: func @all_tail
// CHECK-NEXT:    qc.observe %arg0 tag("input:x") : tensor<4xf32>
// CHECK-NOT:     qc.observe
// CHECK:         return
func.func @all_tail(%x: tensor<4xf32> {onnx.name = "x"}) -> tensor<4xf32> {
  %s = tosa.sigmoid %x : (tensor<4xf32>) -> tensor<4xf32> loc("sig")
  %e = tosa.exp %s : (tensor<4xf32>) -> tensor<4xf32> loc("exp")
  return %e : tensor<4xf32>
}

//===----------------------------------------------------------------------===//
// Regressions: bugs these tests found, fixed (prefix REGRESSION)
//===----------------------------------------------------------------------===//

// -----

// BUG 1: tags are not unique when a location name already ends in `#N`.
// The second "act" becomes "act#1", and so does the op named "act#1": two
// taps share a tag, calibration writes one statistics entry for both, and
// qc-calibrate gives the tanh the clamp's range. Expected: distinct tags.
// CHECK-LABEL: func @tag_collision
// CHECK:         qc.observe %{{.+}} tag("act") : tensor<4xf32>
// REGRESSION-LABEL:   func @tag_collision
// REGRESSION:           qc.observe %{{.+}} tag("act#1")
// REGRESSION-NOT:       tag("act#1")
// REGRESSION:           return
func.func @tag_collision(%x: tensor<4xf32> {onnx.name = "x"}) -> tensor<4xf32> {
  %a = tosa.sigmoid %x : (tensor<4xf32>) -> tensor<4xf32> loc("act")
  %b = tosa.tanh %a : (tensor<4xf32>) -> tensor<4xf32> loc("act")
  %r = tosa.clamp %b {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<4xf32>) -> tensor<4xf32> loc("act#1")
  return %r : tensor<4xf32>
}

// -----

// BUG 2: a block argument of a nested region (an scf.for iter_arg) is
// tagged like a function argument, "input:<index in its block>": here
// "input:1", the name of the function's argument 1. Calibration
// (exposeTaps) then reads model input 1 for it, and qc-calibrate drops its
// statistics (attachStats only handles function arguments) while removing
// the tap. Expected: no `input:` tag for values that are not function
// arguments.
// CHECK-LABEL: func @loop
// CHECK:         qc.observe %arg0 tag("input:x")
// REGRESSION-LABEL:   func @loop
// REGRESSION:           scf.for
// REGRESSION-NOT:       tag("input:
// REGRESSION:           return
func.func @loop(%x: tensor<4xf32> {onnx.name = "x"}, %n: index) -> tensor<4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%a = %x) -> tensor<4xf32> {
    %s = tosa.sigmoid %a : (tensor<4xf32>) -> tensor<4xf32> loc("sig")
    scf.yield %s : tensor<4xf32>
  }
  %t = tosa.clamp %r {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<4xf32>) -> tensor<4xf32> loc("relu")
  return %t : tensor<4xf32>
}
