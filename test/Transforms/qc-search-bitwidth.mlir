// RUN: rm -rf %t && split-file %s %t
// RUN: quant-opt %t/model.mlir --qc-search-bitwidth="budget=avg-bits:6 sensitivity=absolute" | FileCheck %s --check-prefix=AVG
// RUN: quant-opt %t/model.mlir --qc-search-bitwidth="budget=avg-bits:6" | FileCheck %s --check-prefix=RELATIVE
// RUN: quant-opt %t/model.mlir --qc-search-bitwidth="budget=avg-bits:2 pin-first-last=false sensitivity=absolute" | FileCheck %s --check-prefix=UNPINNED
// RUN: quant-opt %t/model.mlir --qc-search-bitwidth="budget=size:0.00003 sensitivity=absolute" | FileCheck %s --check-prefix=SIZE
// RUN: quant-opt %t/model.mlir --qc-search-bitwidth="budget=bops:0.00003" | FileCheck %s --check-prefix=BOPS
// RUN: quant-opt %t/model.mlir --qc-search-bitwidth="budget=latency:3.5 latency-table=%t/latency.json" | FileCheck %s --check-prefix=LATENCY
// RUN: quant-opt %t/model.mlir --qc-search-bitwidth="budget=avg-bits:8 candidates=4,8" | FileCheck %s --check-prefix=CANDIDATES
// RUN: quant-opt %t/model.mlir --qc-search-bitwidth="budget=avg-bits:6 pin=b:3" | FileCheck %s --check-prefix=PIN
// RUN: quant-opt %t/hand-pinned.mlir --qc-search-bitwidth="budget=avg-bits:8" | FileCheck %s --check-prefix=HAND
// RUN: quant-opt %t/model.mlir --qc-search-bitwidth="method=mixquant qem=1" | FileCheck %s --check-prefix=QEM1
// RUN: quant-opt %t/model.mlir --qc-search-bitwidth="method=mixquant qem=1e12" | FileCheck %s --check-prefix=QEMHUGE
// RUN: quant-opt %t/model.mlir --qc-search-bitwidth="method=mixquant budget=avg-bits:5.5" | FileCheck %s --check-prefix=MIXBUDGET
// RUN: not quant-opt %t/model.mlir --qc-search-bitwidth="budget=avg-bits:3.9" 2>&1 | FileCheck %s --check-prefix=INFEASIBLE
// RUN: not quant-opt %t/model.mlir --qc-search-bitwidth="budget=size:0.00001" 2>&1 | FileCheck %s --check-prefix=INFEASIBLE-SIZE
// RUN: not quant-opt %t/model.mlir --qc-search-bitwidth="method=mixquant budget=avg-bits:3.9" 2>&1 | FileCheck %s --check-prefix=INFEASIBLE-MIX
// RUN: not quant-opt %t/model.mlir --qc-search-bitwidth="budget=avg-bits:8 pin=b:2,c:4" 2>&1 | FileCheck %s --check-prefix=CONTRADICT
// RUN: not quant-opt %t/model.mlir --qc-search-bitwidth="method=greedy budget=avg-bits:4" 2>&1 | FileCheck %s --check-prefix=BAD-METHOD
// RUN: not quant-opt %t/model.mlir --qc-search-bitwidth="budget=energy:4" 2>&1 | FileCheck %s --check-prefix=BAD-BUDGET
// RUN: not quant-opt %t/model.mlir --qc-search-bitwidth="budget=avg_bits:4" 2>&1 | FileCheck %s --check-prefix=BAD-BUDGET-SPELLING
// RUN: not quant-opt %t/model.mlir --qc-search-bitwidth="budget=size:-1" 2>&1 | FileCheck %s --check-prefix=BAD-BUDGET-VALUE
// RUN: not quant-opt %t/model.mlir --qc-search-bitwidth 2>&1 | FileCheck %s --check-prefix=NO-BUDGET
// RUN: not quant-opt %t/model.mlir --qc-search-bitwidth="method=mixquant" 2>&1 | FileCheck %s --check-prefix=MIX-NEITHER
// RUN: not quant-opt %t/model.mlir --qc-search-bitwidth="method=mixquant qem=2 budget=avg-bits:4" 2>&1 | FileCheck %s --check-prefix=MIX-NEITHER
// RUN: not quant-opt %t/model.mlir --qc-search-bitwidth="qem=2 budget=avg-bits:4" 2>&1 | FileCheck %s --check-prefix=HAWQ-QEM
// RUN: not quant-opt %t/model.mlir --qc-search-bitwidth="budget=avg-bits:4 candidates=1,8" 2>&1 | FileCheck %s --check-prefix=BAD-CANDIDATE
// RUN: not quant-opt %t/model.mlir --qc-search-bitwidth="budget=avg-bits:4 candidates=2,4" 2>&1 | FileCheck %s --check-prefix=NO-EIGHT
// RUN: not quant-opt %t/model.mlir --qc-search-bitwidth="budget=avg-bits:4 pin=z:4" 2>&1 | FileCheck %s --check-prefix=PIN-UNKNOWN
// RUN: not quant-opt %t/model.mlir --qc-search-bitwidth="budget=avg-bits:4 pin=b:5" 2>&1 | FileCheck %s --check-prefix=PIN-WIDTH
// RUN: not quant-opt %t/model.mlir --qc-search-bitwidth="budget=latency:3" 2>&1 | FileCheck %s --check-prefix=NO-TABLE
// RUN: not quant-opt %t/model.mlir --qc-search-bitwidth="budget=latency:3 latency-table=%t/missing.json" 2>&1 | FileCheck %s --check-prefix=TABLE-FILE
// RUN: not quant-opt %t/model.mlir --qc-search-bitwidth="budget=latency:3 latency-table=%t/latency-partial.json" 2>&1 | FileCheck %s --check-prefix=TABLE-ENTRY
// RUN: not quant-opt %t/model.mlir --qc-search-bitwidth="budget=latency:3 latency-table=%t/latency-malformed.json" 2>&1 | FileCheck %s --check-prefix=TABLE-MALFORMED
// RUN: not quant-opt %t/uncalibrated.mlir --qc-search-bitwidth="budget=avg-bits:4" 2>&1 | FileCheck %s --check-prefix=NO-MEAN-SQUARE
// RUN: quant-opt %t/uncalibrated.mlir --qc-search-bitwidth="method=mixquant qem=4" | FileCheck %s --check-prefix=MIX-NO-DATA
// RUN: not quant-opt %t/output-unobserved.mlir --qc-search-bitwidth="budget=avg-bits:8" 2>&1 | FileCheck %s --check-prefix=NO-OUTPUT-MEAN-SQUARE
// RUN: quant-opt %t/output-unobserved.mlir --qc-search-bitwidth="budget=avg-bits:8 sensitivity=absolute" | FileCheck %s --check-prefix=ABSOLUTE-NO-OUTPUT
// RUN: not quant-opt %t/model.mlir --qc-search-bitwidth="budget=avg-bits:6 sensitivity=loss" 2>&1 | FileCheck %s --check-prefix=BAD-SENSITIVITY

// Four layers: a (first), then b and c, whose results a residual addition
// sums (tied), then d (last). Parameters: a 8, b 16, c 16, d 8 (48 in
// all); every layer is applied at P = 1 * 4 * 4 = 16 positions. c's weights
// are 0 and +-1: every width holds them (up to the f32 scale 1/q), so
// untied, b would keep 8 bits and c take 2. Sensitivities (HAWQ):
// Omega = 2 P E[x^2] ||Q_b(W) - W||^2, with E[x^2] 1 (a), 4 (b, c), 2 (d);
// the values below were computed by numpy on the same grid (s = f32(max|w|
// / q) per output channel, q = round_half_even(w / s)).

// Average bits: a and d pinned at 8 (128 bit), b and c tied: 4 bits is
// (128 + 128 + 2 * 64) / 48 = 5.33 <= 6; (b, c) = (8, 2) would fit too
// (6.0) with less sensitivity, but the tie forbids it.
// AVG-LABEL:  func.func @residual
// AVG-SAME:     qc.bitwidth_budget = #qc.bitwidth_budget<avg_bits, limit = 6.0, used = 5.333333333333333>
// AVG:          tosa.conv2d {{.*}}qc.bitwidth = #qc.bitwidth<weights = 8, method = hawq, sensitivity = 0.00024105712806232055, pinned>
// AVG:          tosa.conv2d {{.*}}qc.bitwidth = #qc.bitwidth<weights = 4, method = hawq, sensitivity = 3.0780083513770737>
// AVG:          tosa.conv2d {{.*}}qc.bitwidth = #qc.bitwidth<weights = 4, method = hawq,
// AVG:          tosa.conv2d {{.*}}qc.bitwidth = #qc.bitwidth<weights = 8, method = hawq, sensitivity = 0.001163117401431657, pinned>

// sensitivity=relative (the default) divides Omega by the energy of the
// signal the layer's error joins, P C E[y^2] (C output channels): b's and
// c's results flow only into the residual sum (E[y^2] 2), a's feeds two
// layers (its own 4), d's is its own (0.5). So a: Omega / (16 * 4 * 4),
// b: Omega / (16 * 4 * 2), d: Omega / (16 * 2 * 0.5); the same choice.
// RELATIVE-LABEL: func.func @residual
// RELATIVE-SAME:  used = 5.333333333333333>
// RELATIVE:       qc.bitwidth = #qc.bitwidth<weights = 8, method = hawq, sensitivity = 9.41629406493439{{[0-9]*}}e-07, pinned>
// RELATIVE:       qc.bitwidth = #qc.bitwidth<weights = 4, method = hawq, sensitivity = 0.0240469402451333{{[0-9]*}}>
// RELATIVE:       qc.bitwidth = #qc.bitwidth<weights = 4, method = hawq,
// RELATIVE:       qc.bitwidth = #qc.bitwidth<weights = 8, method = hawq, sensitivity = 7.26948375894785{{[0-9]*}}e-05, pinned>

// Without pin-first-last, 2 bits everywhere meets an average of 2.
// UNPINNED-LABEL: func.func @residual
// UNPINNED-NOT:   pinned
// UNPINNED:       qc.bitwidth = #qc.bitwidth<weights = 2, method = hawq, sensitivity = 7.3600003051757{{[0-9]*}}>
// UNPINNED:       qc.bitwidth = #qc.bitwidth<weights = 2, method = hawq, sensitivity = 124.4544029003147{{[0-9]*}}>
// UNPINNED:       qc.bitwidth = #qc.bitwidth<weights = 2, method = hawq, sensitivity = 0.0>
// UNPINNED:       qc.bitwidth = #qc.bitwidth<weights = 2, method = hawq,

// Size: 3e-5 MB = 31.5 bytes; a and d at 8 bits take 16 bytes, b and c at 4
// bits 16 more: too much; at 3 bits 12: 28 bytes = 2.67e-5 MB.
// SIZE:         qc.bitwidth_budget = #qc.bitwidth_budget<size, limit = 3.0e-05, used = 2.6702880859375e-05>
// SIZE:         weights = 8,
// SIZE:         qc.bitwidth = #qc.bitwidth<weights = 3, method = hawq, sensitivity = 13.849602820461{{[0-9]*}}>
// SIZE:         weights = 3,
// SIZE:         weights = 8,

// BOPs: MACs * w bits * 8 activation bits: a and d 8 * 16 * 8 * 8 = 8192
// each, b and c 16 * 16 * w * 8 = 2048 w each: w = 3 makes 28672 <= 30000.
// BOPS:         qc.bitwidth_budget = #qc.bitwidth_budget<bops, limit = 3.0e-05, used = 2.8672e-05>
// BOPS:         weights = 8,
// BOPS:         weights = 3,
// BOPS:         weights = 3,
// BOPS:         weights = 8,

// Latency from the table: a and d take 1 ms each at 8 bits; b and c at 4
// bits 0.7 ms each (3.4 <= 3.5), at 8 bits 1 ms each (4 > 3.5).
// LATENCY:      qc.bitwidth_budget = #qc.bitwidth_budget<latency, limit = 3.5, used = 3.4{{0*[0-9]?}}>
// LATENCY:      weights = 8,
// LATENCY:      weights = 4,
// LATENCY:      weights = 4,
// LATENCY:      weights = 8,

// Candidates 4 and 8 with room for 8 bits everywhere: the least
// sensitivity is 8 bits everywhere.
// CANDIDATES-COUNT-4: qc.bitwidth = #qc.bitwidth<weights = 8, method = hawq

// A pin by hand (method manual), which its tied partner follows.
// PIN:          weights = 8,
// PIN:          qc.bitwidth = #qc.bitwidth<weights = 3, method = manual, sensitivity = {{.*}}, pinned>
// PIN:          qc.bitwidth = #qc.bitwidth<weights = 3, method = hawq,

// A pinned #qc.bitwidth already on a layer is kept (its method too), and
// its tied partner follows it.
// HAND:         qc.bitwidth = #qc.bitwidth<weights = 8, method = hawq, sensitivity = {{.*}}, pinned>
// HAND:         qc.bitwidth = #qc.bitwidth<weights = 2, method = manual, sensitivity = {{.*}}, pinned>
// HAND:         qc.bitwidth = #qc.bitwidth<weights = 2, method = hawq,

// MixQuant, qem = 1: b needs E(b) <= E(8), which only 8 bits meet; c meets
// it at 2 bits (0 error up to the scale's rounding) but follows b through
// the tie. MixQuant's sensitivity is the round-off error ||Q_b(W) - W||^2.
// QEM1-NOT:     qc.bitwidth_budget
// QEM1:         qc.bitwidth = #qc.bitwidth<weights = 8, method = mixquant, sensitivity = {{.*}}, pinned>
// QEM1:         qc.bitwidth = #qc.bitwidth<weights = 8, method = mixquant, sensitivity = 5.37173339218188e-05>
// QEM1:         qc.bitwidth = #qc.bitwidth<weights = 8, method = mixquant,
// QEM1:         qc.bitwidth = #qc.bitwidth<weights = 8, method = mixquant, sensitivity = {{.*}}, pinned>
// QEMHUGE:      weights = 8,
// QEMHUGE:      qc.bitwidth = #qc.bitwidth<weights = 2, method = mixquant, sensitivity = 0.9723000226587{{[0-9]*}}>
// QEMHUGE:      weights = 2,
// QEMHUGE:      weights = 8,

// MixQuant under a budget: the smallest qem whose choice fits, here b's
// ratio E(4) / E(8), so b and c take 4 bits.
// MIXBUDGET:    qc.bitwidth_budget = #qc.bitwidth_budget<avg_bits, limit = 5.5, used = 5.333333333333333>
// MIXBUDGET:    weights = 8,
// MIXBUDGET:    qc.bitwidth = #qc.bitwidth<weights = 4, method = mixquant, sensitivity = 0.02404694024513339>
// MIXBUDGET:    weights = 4,
// MIXBUDGET:    weights = 8,

// Budgets nothing fits name the smallest that does (rounded up): with a
// and d pinned at 8 and b, c at 2 bits, an average of 4 bits, 24 bytes.
// INFEASIBLE:      error: qc-search-bitwidth: no choice of widths fits the budget avg-bits:3.9; the smallest that fits (with the pins and ties) is avg-bits:4{{$}}
// INFEASIBLE-SIZE: error: qc-search-bitwidth: no choice of widths fits the budget size:1e-05; the smallest that fits (with the pins and ties) is size:2.28882e-05{{$}}
// INFEASIBLE-MIX:  error: qc-search-bitwidth: no choice of widths fits the budget avg-bits:3.9; the smallest that fits (with the pins and ties) is avg-bits:4{{$}}
// CONTRADICT:      error: qc-search-bitwidth: no choice of widths fits the budget avg-bits:8: the pins and the residual ties contradict each other

// Option errors.
// BAD-METHOD:      error: qc-search-bitwidth: method must be hawq or mixquant, got 'greedy'
// BAD-BUDGET:      error: qc-search-bitwidth: budget must be size:<MB>, bops:<G>, avg-bits:<x> or latency:<ms> with a non-negative number, got 'energy:4'
// BAD-BUDGET-SPELLING: error: qc-search-bitwidth: budget must be {{.*}}, got 'avg_bits:4'
// BAD-BUDGET-VALUE: error: qc-search-bitwidth: budget must be {{.*}}, got 'size:-1'
// NO-BUDGET:       error: qc-search-bitwidth: method=hawq needs a budget (size:<MB>, bops:<G>, avg-bits:<x> or latency:<ms>)
// MIX-NEITHER:     error: qc-search-bitwidth: method=mixquant needs either qem (> 0) or a budget
// HAWQ-QEM:        error: qc-search-bitwidth: qem is MixQuant's; method=hawq takes none
// BAD-CANDIDATE:   error: qc-search-bitwidth: candidates must be in [2, 8] (weights are held in int8), got 1
// NO-EIGHT:        error: {{.*}}qc-search-bitwidth: pin-first-last keeps the first and last layer at 8 bits, not a candidate (2, 4)
// PIN-UNKNOWN:     error: qc-search-bitwidth: pin 'z:4' is not <layer>:<bits> with one of the layers 'a', 'b', 'c', 'd'
// PIN-WIDTH:       error: {{.*}}qc-search-bitwidth: pin 'b:5' asks for 5 bits, not a candidate (2, 3, 4, 8)
// NO-TABLE:        error: qc-search-bitwidth: budget=latency:<ms> needs the measured per-layer latencies: latency-table=FILE
// TABLE-FILE:      error: qc-search-bitwidth: cannot open input file '{{.*}}missing.json'
// TABLE-ENTRY:     error: {{.*}}qc-search-bitwidth: the latency table has no latency of layer 'c' at 2 bits
// TABLE-MALFORMED: error: qc-search-bitwidth: '{{.*}}latency-malformed.json' is not a latency table: {"<layer>": {"<bits>": ms, ...}, ...}

// HAWQ needs the calibrated mean square of each layer's input; MixQuant
// needs no data.
// NO-MEAN-SQUARE:  error: qc-search-bitwidth: the input of layer 'layer0' has no calibrated mean square (#qc.stats<..., mean_square = x>), which method=hawq's Hessian trace needs; calibrate the model before the search
// MIX-NO-DATA:     qc.bitwidth = #qc.bitwidth<weights = 8, method = mixquant, sensitivity = {{.*}}, pinned>
// MIX-NO-DATA-NOT: qc.bitwidth

// The relative sensitivity also needs the output's mean square; the
// absolute one does not.
// NO-OUTPUT-MEAN-SQUARE: error: qc-search-bitwidth: the output of layer 'layer0' has no calibrated, non-zero mean square (#qc.stats<..., mean_square = y>), which sensitivity=relative divides by; calibrate the model before the search or use sensitivity=absolute
// ABSOLUTE-NO-OUTPUT:    qc.bitwidth = #qc.bitwidth<weights = 8, method = hawq, sensitivity = {{.*}}, pinned>
// BAD-SENSITIVITY:       error: qc-search-bitwidth: sensitivity must be relative or absolute, got 'loss'

//--- model.mlir
func.func @residual(%x: tensor<1x4x4x2xf32> {qc.stats = #qc.stats<min = -2.0, max = 2.0, mean_square = 1.0>}) -> tensor<1x4x4x2xf32> {
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %b4 = arith.constant dense<0.0> : tensor<4xf32>
  %b2 = arith.constant dense<0.0> : tensor<2xf32>
  %wa = arith.constant dense<[[[[0.9, -0.31]]], [[[0.27, 0.55]]], [[[-0.71, 0.13]]], [[[0.41, -0.62]]]]> : tensor<4x1x1x2xf32>
  %a = tosa.conv2d %x, %wa, %b4, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qc.stats = #qc.stats<min = -3.0, max = 3.0, mean_square = 4.0>} : (tensor<1x4x4x2xf32>, tensor<4x1x1x2xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x4xf32> loc("a")
  %wb = arith.constant dense<[[[[0.93, -0.17, 0.61, 0.05]]], [[[-0.44, 0.72, 0.19, -0.88]]], [[[0.33, 0.29, -0.97, 0.51]]], [[[0.07, -0.63, 0.36, 0.84]]]]> : tensor<4x1x1x4xf32>
  %b = tosa.conv2d %a, %wb, %b4, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x4xf32>, tensor<4x1x1x4xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x4xf32> loc("b")
  %wc = arith.constant dense<[[[[1.0, 0.0, -1.0, 1.0]]], [[[0.0, 1.0, 1.0, -1.0]]], [[[-1.0, 0.0, 0.0, 1.0]]], [[[1.0, 1.0, 0.0, 0.0]]]]> : tensor<4x1x1x4xf32>
  %c = tosa.conv2d %a, %wc, %b4, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x4xf32>, tensor<4x1x1x4xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x4xf32> loc("c")
  %r = tosa.add %b, %c {qc.stats = #qc.stats<min = -4.0, max = 4.0, mean_square = 2.0>} : (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32> loc("res")
  %wd = arith.constant dense<[[[[0.25, -0.5, 0.75, 0.125]]], [[[-0.3, 0.6, 0.2, -0.45]]]]> : tensor<2x1x1x4xf32>
  %d = tosa.conv2d %r, %wd, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qc.stats = #qc.stats<min = -1.0, max = 1.0, mean_square = 0.5>} : (tensor<1x4x4x4xf32>, tensor<2x1x1x4xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32> loc("d")
  return %d : tensor<1x4x4x2xf32>
}

//--- hand-pinned.mlir
func.func @hand_pinned(%x: tensor<1x4x4x2xf32> {qc.stats = #qc.stats<min = -2.0, max = 2.0, mean_square = 1.0>}) -> tensor<1x4x4x2xf32> {
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %b4 = arith.constant dense<0.0> : tensor<4xf32>
  %b2 = arith.constant dense<0.0> : tensor<2xf32>
  %wa = arith.constant dense<[[[[0.9, -0.31]]], [[[0.27, 0.55]]], [[[-0.71, 0.13]]], [[[0.41, -0.62]]]]> : tensor<4x1x1x2xf32>
  %a = tosa.conv2d %x, %wa, %b4, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qc.stats = #qc.stats<min = -3.0, max = 3.0, mean_square = 4.0>} : (tensor<1x4x4x2xf32>, tensor<4x1x1x2xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x4xf32> loc("a")
  %wb = arith.constant dense<[[[[0.93, -0.17, 0.61, 0.05]]], [[[-0.44, 0.72, 0.19, -0.88]]], [[[0.33, 0.29, -0.97, 0.51]]], [[[0.07, -0.63, 0.36, 0.84]]]]> : tensor<4x1x1x4xf32>
  %b = tosa.conv2d %a, %wb, %b4, %zp, %zp {acc_type = f32, qc.bitwidth = #qc.bitwidth<weights = 2, method = manual, pinned>, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x4xf32>, tensor<4x1x1x4xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x4xf32> loc("b")
  %wc = arith.constant dense<[[[[1.0, 0.0, -1.0, 1.0]]], [[[0.0, 1.0, 1.0, -1.0]]], [[[-1.0, 0.0, 0.0, 1.0]]], [[[1.0, 1.0, 0.0, 0.0]]]]> : tensor<4x1x1x4xf32>
  %c = tosa.conv2d %a, %wc, %b4, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x4xf32>, tensor<4x1x1x4xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x4xf32> loc("c")
  %r = tosa.add %b, %c {qc.stats = #qc.stats<min = -4.0, max = 4.0, mean_square = 2.0>} : (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32> loc("res")
  %wd = arith.constant dense<[[[[0.25, -0.5, 0.75, 0.125]]], [[[-0.3, 0.6, 0.2, -0.45]]]]> : tensor<2x1x1x4xf32>
  %d = tosa.conv2d %r, %wd, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qc.stats = #qc.stats<min = -1.0, max = 1.0, mean_square = 0.5>} : (tensor<1x4x4x4xf32>, tensor<2x1x1x4xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32> loc("d")
  return %d : tensor<1x4x4x2xf32>
}

//--- uncalibrated.mlir
func.func @uncalibrated(%x: tensor<1x2x4xf32>) -> tensor<1x2x3xf32> {
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %w = arith.constant dense<[[[0.5, -0.25, 1.0], [0.75, 0.1, -0.3], [0.2, 0.9, -0.6], [-1.0, 0.4, 0.05]]]> : tensor<1x4x3xf32>
  %y = tosa.matmul %x, %w, %zp, %zp : (tensor<1x2x4xf32>, tensor<1x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32>
  return %y : tensor<1x2x3xf32>
}

//--- output-unobserved.mlir
func.func @output_unobserved(%x: tensor<1x2x4xf32> {qc.stats = #qc.stats<min = -1.0, max = 1.0, mean_square = 0.25>}) -> tensor<1x2x3xf32> {
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %w = arith.constant dense<[[[0.5, -0.25, 1.0], [0.75, 0.1, -0.3], [0.2, 0.9, -0.6], [-1.0, 0.4, 0.05]]]> : tensor<1x4x3xf32>
  %y = tosa.matmul %x, %w, %zp, %zp : (tensor<1x2x4xf32>, tensor<1x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32>
  return %y : tensor<1x2x3xf32>
}

//--- latency.json
{"a": {"2": 0.4, "3": 0.5, "4": 0.7, "8": 1.0},
 "b": {"2": 0.4, "3": 0.5, "4": 0.7, "8": 1.0},
 "c": {"2": 0.4, "3": 0.5, "4": 0.7, "8": 1.0},
 "d": {"2": 0.4, "3": 0.5, "4": 0.7, "8": 1.0}}

//--- latency-partial.json
{"a": {"2": 0.4, "3": 0.5, "4": 0.7, "8": 1.0},
 "b": {"2": 0.4, "3": 0.5, "4": 0.7, "8": 1.0},
 "c": {"3": 0.5, "4": 0.7, "8": 1.0},
 "d": {"2": 0.4, "3": 0.5, "4": 0.7, "8": 1.0}}

//--- latency-malformed.json
{"a": {"eight": 1.0}}
