//===- BitWidthProgram.cpp - HAWQ-V3's bit-width integer program ----------===//

#include "qc/Search/BitWidthProgram.h"

#include <glpk.h>

#include <cassert>
#include <cmath>
#include <limits>
#include <memory>
#include <string>

using namespace qc::search;

std::string qc::search::validate(const BitWidthProgram &program) {
  size_t candidates = program.candidates.size();
  if (candidates == 0)
    return "no candidate bit widths";
  if (!std::isfinite(program.budget))
    return "the budget is not finite";
  for (size_t layer = 0; layer < program.layers.size(); ++layer) {
    const LayerTerms &terms = program.layers[layer];
    std::string where = "layer " + std::to_string(layer);
    if (terms.sensitivity.size() != candidates ||
        terms.cost.size() != candidates)
      return where + " has " + std::to_string(terms.sensitivity.size()) +
             " sensitivities and " + std::to_string(terms.cost.size()) +
             " costs for " + std::to_string(candidates) + " candidates";
    for (size_t k = 0; k < candidates; ++k)
      if (!std::isfinite(terms.sensitivity[k]) || !std::isfinite(terms.cost[k]))
        return where + " has a non-finite term for candidate " +
               std::to_string(program.candidates[k]);
    if (terms.pinned && *terms.pinned >= candidates)
      return where + " is pinned to candidate index " +
             std::to_string(*terms.pinned) + " of " +
             std::to_string(candidates);
  }
  for (auto [first, second] : program.ties)
    if (first >= program.layers.size() || second >= program.layers.size())
      return "a tie names layer " +
             std::to_string(std::max(first, second)) + " of " +
             std::to_string(program.layers.size());
  return "";
}

namespace {
/// A GLPK problem, deleted with its owner.
struct ProblemDeleter {
  void operator()(glp_prob *problem) const { glp_delete_prob(problem); }
};
using Problem = std::unique_ptr<glp_prob, ProblemDeleter>;

/// Which terms the objective sums, and whether the budget row constrains.
enum class Goal { LeastSensitivityWithinBudget, LeastCost };

/// The constraint matrix in GLPK's 1-based triplet form (entry 0 unused).
struct Triplets {
  std::vector<int> rows{0}, columns{0};
  std::vector<double> values{0.0};

  void add(int row, int column, double value) {
    rows.push_back(row);
    columns.push_back(column);
    values.push_back(value);
  }
};
} // namespace

/// The 1-based GLPK column of layer `layer`'s binary for candidate `k`.
static int columnOf(const BitWidthProgram &program, size_t layer, size_t k) {
  return static_cast<int>(layer * program.candidates.size() + k + 1);
}

/// Builds and solves the 0-1 program for `goal`; the choice per layer, or
/// nothing when no assignment satisfies the constraints.
static std::optional<std::vector<size_t>> solveFor(const BitWidthProgram &program,
                                                   Goal goal) {
  size_t candidates = program.candidates.size();
  size_t layers = program.layers.size();
  Problem problem(glp_create_prob());
  glp_prob *lp = problem.get();
  glp_set_obj_dir(lp, GLP_MIN);
  if (layers > 0)
    glp_add_cols(lp, static_cast<int>(layers * candidates));
  for (size_t layer = 0; layer < layers; ++layer) {
    const LayerTerms &terms = program.layers[layer];
    for (size_t k = 0; k < candidates; ++k) {
      int column = columnOf(program, layer, k);
      glp_set_col_kind(lp, column, GLP_BV);
      glp_set_obj_coef(lp, column,
                       goal == Goal::LeastCost ? terms.cost[k]
                                               : terms.sensitivity[k]);
      if (terms.pinned) {
        double fixed = k == *terms.pinned ? 1.0 : 0.0;
        glp_set_col_bnds(lp, column, GLP_FX, fixed, fixed);
      }
    }
  }
  Triplets matrix;
  auto addRow = [&](int type, double lo, double hi) {
    int row = glp_add_rows(lp, 1);
    glp_set_row_bnds(lp, row, type, lo, hi);
    return row;
  };
  // Exactly one width per layer.
  for (size_t layer = 0; layer < layers; ++layer) {
    int row = addRow(GLP_FX, 1.0, 1.0);
    for (size_t k = 0; k < candidates; ++k)
      matrix.add(row, columnOf(program, layer, k), 1.0);
  }
  // Tied layers: the same binary set, candidate by candidate.
  for (auto [first, second] : program.ties)
    for (size_t k = 0; k < candidates && first != second; ++k) {
      int row = addRow(GLP_FX, 0.0, 0.0);
      matrix.add(row, columnOf(program, first, k), 1.0);
      matrix.add(row, columnOf(program, second, k), -1.0);
    }
  if (goal == Goal::LeastSensitivityWithinBudget && layers > 0) {
    int row = addRow(GLP_UP, 0.0, program.budget);
    for (size_t layer = 0; layer < layers; ++layer)
      for (size_t k = 0; k < candidates; ++k)
        matrix.add(row, columnOf(program, layer, k),
                   program.layers[layer].cost[k]);
  }
  if (layers == 0)
    return goal == Goal::LeastSensitivityWithinBudget && program.budget < 0.0
               ? std::nullopt
               : std::optional<std::vector<size_t>>(std::vector<size_t>());
  glp_load_matrix(lp, static_cast<int>(matrix.rows.size() - 1),
                  matrix.rows.data(), matrix.columns.data(),
                  matrix.values.data());
  glp_iocp parameters;
  glp_init_iocp(&parameters);
  parameters.presolve = GLP_ON;
  parameters.msg_lev = GLP_MSG_OFF;
  int result = glp_intopt(lp, &parameters);
  if (result != 0 || glp_mip_status(lp) != GLP_OPT)
    return std::nullopt;
  std::vector<size_t> choice(layers, 0);
  for (size_t layer = 0; layer < layers; ++layer)
    for (size_t k = 0; k < candidates; ++k)
      if (glp_mip_col_val(lp, columnOf(program, layer, k)) > 0.5)
        choice[layer] = k;
  return choice;
}

std::variant<BitWidthAssignment, Infeasible>
qc::search::solve(const BitWidthProgram &program) {
  assert(validate(program).empty() && "malformed bit-width program");
  glp_term_out(GLP_OFF);
  auto summed = [&](const std::vector<size_t> &choice, auto member) {
    double sum = 0.0;
    for (size_t layer = 0; layer < choice.size(); ++layer)
      sum += (program.layers[layer].*member)[choice[layer]];
    return sum;
  };
  if (std::optional<std::vector<size_t>> choice =
          solveFor(program, Goal::LeastSensitivityWithinBudget))
    return BitWidthAssignment{*choice, summed(*choice, &LayerTerms::sensitivity),
                              summed(*choice, &LayerTerms::cost)};
  std::optional<std::vector<size_t>> cheapest =
      solveFor(program, Goal::LeastCost);
  return Infeasible{cheapest ? summed(*cheapest, &LayerTerms::cost)
                             : std::numeric_limits<double>::infinity()};
}
