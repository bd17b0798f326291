//===- BitWidthProgram.h - HAWQ-V3's bit-width integer program --*- C++ -*-===//
//
// The choice of one bit width per layer under a budget as a 0-1 integer
// program (HAWQ-V3, ALGORITHMS.md section 2): one binary x[i][k] per layer i
// and candidate width k, exactly one per layer, minimizing the summed
// sensitivity sum_ik Omega[i][k] x[i][k] subject to one budget
// sum_ik cost[i][k] x[i][k] <= B (model size, BOPs or latency), with layers
// pinned to a width and tied pairs (both branches into one residual add)
// taking the same one. GLPK's branch and cut solves it exactly.
//
// Like QCNumerics this library's interface depends only on the C++ standard
// library; the program's numbers come from the caller (qc-search-bitwidth).
//
//===----------------------------------------------------------------------===//

#ifndef QC_SEARCH_BITWIDTHPROGRAM_H
#define QC_SEARCH_BITWIDTHPROGRAM_H

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace qc::search {

/// One layer's terms, one entry per candidate width of the program.
struct LayerTerms {
  /// What choosing each width adds to the objective (e.g. HAWQ's Omega).
  std::vector<double> sensitivity;
  /// What choosing each width adds to the budgeted quantity.
  std::vector<double> cost;
  /// The index of the candidate the layer must take, if any.
  std::optional<size_t> pinned;
};

/// The program: every layer's terms over `candidates`, the ties and the
/// budget.
struct BitWidthProgram {
  /// The candidate bit widths, in the order of every layer's terms.
  std::vector<unsigned> candidates;
  std::vector<LayerTerms> layers;
  /// Pairs of layer indices that must take the same width.
  std::vector<std::pair<size_t, size_t>> ties;
  /// The largest summed cost allowed.
  double budget = 0.0;
};

/// An optimal choice: a candidate index per layer, with its summed
/// sensitivity and cost.
struct BitWidthAssignment {
  std::vector<size_t> choice;
  double sensitivity = 0.0;
  double cost = 0.0;
};

/// No assignment meets the budget with the pins and ties.
struct Infeasible {
  /// The smallest summed cost any assignment with the pins and ties has:
  /// the least budget that would be feasible. Infinite when the pins and
  /// ties contradict each other.
  double smallestBudget;
};

/// Whether `program` is well formed: at least one candidate, every layer's
/// terms one per candidate and finite, pins and ties naming existing
/// candidates and layers. The message says what is wrong; empty when
/// nothing is.
std::string validate(const BitWidthProgram &program);

/// Solves a well-formed `program` exactly (GLPK's MIP solver).
std::variant<BitWidthAssignment, Infeasible>
solve(const BitWidthProgram &program);

} // namespace qc::search

#endif // QC_SEARCH_BITWIDTHPROGRAM_H
