//===- BitWidthProgramTest.cpp - Tests for the bit-width program ----------===//
//
// The program's solutions against exhaustive search: on random programs
// (ties, pins, budgets from infeasible to loose), and on the arrays of
// HAWQ-V3's ResNet18 notebook (hawq_v3_resnet18_ilp.json, with the optima
// an exhaustive search over all 2^16 assignments found).
//
//===----------------------------------------------------------------------===//

#include "qc/Search/BitWidthProgram.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

#include "gtest/gtest.h"

#include <cmath>
#include <functional>
#include <limits>
#include <random>

namespace {

using namespace qc::search;

constexpr double kInf = std::numeric_limits<double>::infinity();

/// The least summed sensitivity within the budget, and the least summed
/// cost, over every assignment meeting the pins and ties (infinite where
/// there is none), by enumeration.
struct Exhaustive {
  double sensitivity = kInf;
  double smallestBudget = kInf;
};

Exhaustive enumerate(const BitWidthProgram &program) {
  Exhaustive best;
  size_t layers = program.layers.size(), candidates = program.candidates.size();
  std::vector<size_t> choice(layers, 0);
  std::function<void(size_t)> visit = [&](size_t layer) {
    if (layer < layers) {
      for (size_t k = 0; k < candidates; ++k) {
        const std::optional<size_t> &pin = program.layers[layer].pinned;
        if (pin && *pin != k)
          continue;
        choice[layer] = k;
        visit(layer + 1);
      }
      return;
    }
    for (auto [a, b] : program.ties)
      if (choice[a] != choice[b])
        return;
    double sensitivity = 0.0, cost = 0.0;
    for (size_t i = 0; i < layers; ++i) {
      sensitivity += program.layers[i].sensitivity[choice[i]];
      cost += program.layers[i].cost[choice[i]];
    }
    best.smallestBudget = std::min(best.smallestBudget, cost);
    if (cost <= program.budget)
      best.sensitivity = std::min(best.sensitivity, sensitivity);
  };
  visit(0);
  return best;
}

/// Checks `program`'s solution against enumeration.
void expectOptimal(const BitWidthProgram &program, const std::string &what) {
  ASSERT_EQ(validate(program), "") << what;
  Exhaustive expected = enumerate(program);
  std::variant<BitWidthAssignment, Infeasible> result = solve(program);
  if (std::isinf(expected.sensitivity)) {
    ASSERT_TRUE(std::holds_alternative<Infeasible>(result)) << what;
    double smallest = std::get<Infeasible>(result).smallestBudget;
    if (std::isinf(expected.smallestBudget))
      EXPECT_TRUE(std::isinf(smallest)) << what;
    else
      EXPECT_NEAR(smallest, expected.smallestBudget,
                  1e-9 * std::fabs(expected.smallestBudget) + 1e-12)
          << what;
    return;
  }
  ASSERT_TRUE(std::holds_alternative<BitWidthAssignment>(result)) << what;
  const BitWidthAssignment &assignment = std::get<BitWidthAssignment>(result);
  ASSERT_EQ(assignment.choice.size(), program.layers.size()) << what;
  double sensitivity = 0.0, cost = 0.0;
  for (size_t i = 0; i < program.layers.size(); ++i) {
    sensitivity += program.layers[i].sensitivity[assignment.choice[i]];
    cost += program.layers[i].cost[assignment.choice[i]];
    if (program.layers[i].pinned)
      EXPECT_EQ(assignment.choice[i], *program.layers[i].pinned) << what;
  }
  for (auto [a, b] : program.ties)
    EXPECT_EQ(assignment.choice[a], assignment.choice[b]) << what;
  EXPECT_LE(cost, program.budget * (1 + 1e-9) + 1e-12) << what;
  EXPECT_NEAR(sensitivity, expected.sensitivity,
              1e-9 * std::fabs(expected.sensitivity) + 1e-12)
      << what;
  EXPECT_DOUBLE_EQ(assignment.sensitivity, sensitivity) << what;
  EXPECT_DOUBLE_EQ(assignment.cost, cost) << what;
}

TEST(BitWidthProgramTest, RandomProgramsMatchEnumeration) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const std::vector<std::vector<unsigned>> candidateSets = {
      {4, 8}, {2, 4, 8}, {2, 3, 4, 8}};
  for (int trial = 0; trial < 300; ++trial) {
    BitWidthProgram program;
    program.candidates = candidateSets[trial % candidateSets.size()];
    size_t layers = 1 + rng() % 7;
    double least = 0.0, most = 0.0;
    for (size_t i = 0; i < layers; ++i) {
      LayerTerms terms;
      double size = 1.0 + 9.0 * unit(rng);
      double error = unit(rng);
      for (unsigned bits : program.candidates) {
        // Fewer bits: smaller, more sensitive (as the real terms are).
        terms.cost.push_back(size * bits);
        terms.sensitivity.push_back(error * std::ldexp(1.0, -2 * int(bits)));
      }
      if (rng() % 6 == 0)
        terms.pinned = rng() % program.candidates.size();
      least += terms.cost.front();
      most += terms.cost.back();
      program.layers.push_back(std::move(terms));
    }
    for (int t = static_cast<int>(rng() % 3); t > 0; --t)
      program.ties.emplace_back(rng() % layers, rng() % layers);
    // From below the cheapest assignment to above the dearest.
    program.budget = least * 0.9 + (most * 1.1 - least * 0.9) * unit(rng);
    expectOptimal(program, "trial " + std::to_string(trial));
  }
}

TEST(BitWidthProgramTest, InfeasibleBudgetReportsTheSmallestFeasible) {
  BitWidthProgram program;
  program.candidates = {4, 8};
  program.layers = {{{1.0, 0.0}, {4.0, 8.0}, std::nullopt},
                    {{1.0, 0.0}, {2.0, 4.0}, std::size_t{1}},
                    {{1.0, 0.0}, {1.0, 2.0}, std::nullopt}};
  program.ties = {{0, 2}};
  program.budget = 8.0;
  std::variant<BitWidthAssignment, Infeasible> result = solve(program);
  ASSERT_TRUE(std::holds_alternative<Infeasible>(result));
  // Layer 1 is pinned to 8 bits (4); 0 and 2 at 4 bits (4 + 1).
  EXPECT_EQ(std::get<Infeasible>(result).smallestBudget, 9.0);
  program.budget = 9.0;
  result = solve(program);
  ASSERT_TRUE(std::holds_alternative<BitWidthAssignment>(result));
  EXPECT_EQ(std::get<BitWidthAssignment>(result).choice,
            (std::vector<size_t>{0, 1, 0}));
}

TEST(BitWidthProgramTest, ContradictoryPinsHaveNoBudget) {
  BitWidthProgram program;
  program.candidates = {4, 8};
  program.layers = {{{1.0, 0.0}, {4.0, 8.0}, std::size_t{0}},
                    {{1.0, 0.0}, {4.0, 8.0}, std::size_t{1}}};
  program.ties = {{0, 1}};
  program.budget = 100.0;
  std::variant<BitWidthAssignment, Infeasible> result = solve(program);
  ASSERT_TRUE(std::holds_alternative<Infeasible>(result));
  EXPECT_TRUE(std::isinf(std::get<Infeasible>(result).smallestBudget));
}

TEST(BitWidthProgramTest, ValidateNamesTheProblem) {
  BitWidthProgram program;
  EXPECT_EQ(validate(program), "no candidate bit widths");
  program.candidates = {4, 8};
  program.layers = {{{1.0}, {4.0, 8.0}, std::nullopt}};
  EXPECT_EQ(validate(program),
            "layer 0 has 1 sensitivities and 2 costs for 2 candidates");
  program.layers = {{{1.0, kInf}, {4.0, 8.0}, std::nullopt}};
  EXPECT_EQ(validate(program), "layer 0 has a non-finite term for candidate 8");
  program.layers = {{{1.0, 0.0}, {4.0, 8.0}, std::size_t{2}}};
  EXPECT_EQ(validate(program), "layer 0 is pinned to candidate index 2 of 2");
  program.layers = {{{1.0, 0.0}, {4.0, 8.0}, std::nullopt}};
  program.ties = {{0, 3}};
  EXPECT_EQ(validate(program), "a tie names layer 3 of 1");
}

//===----------------------------------------------------------------------===//
// HAWQ-V3's ResNet18 program
//===----------------------------------------------------------------------===//

std::vector<double> readNumbers(const llvm::json::Object &object,
                                llvm::StringRef key) {
  std::vector<double> numbers;
  if (const llvm::json::Array *array = object.getArray(key))
    for (const llvm::json::Value &value : *array)
      numbers.push_back(value.getAsNumber().value_or(kInf));
  return numbers;
}

/// The notebook's terms for one budget kind: Omega = trace * ||Q(W) - W||^2,
/// costs in the file's units (size in MB, BOPs with activations at the
/// weights' width, latency in ms).
BitWidthProgram hawqProgram(const llvm::json::Object &data,
                            llvm::StringRef kind, double budget) {
  std::vector<double> trace = readNumbers(data, "hutchinson_trace_per_param");
  std::vector<double> delta4 = readNumbers(data, "delta_w_sq_4bit");
  std::vector<double> delta8 = readNumbers(data, "delta_w_sq_8bit");
  std::vector<double> parameters = readNumbers(data, "parameters");
  std::vector<double> bops = readNumbers(data, "bops");
  std::vector<double> latency4 = readNumbers(data, "latency_ms_int4_T4");
  std::vector<double> latency8 = readNumbers(data, "latency_ms_int8_T4");
  BitWidthProgram program;
  program.candidates = {4, 8};
  program.budget = budget;
  for (size_t i = 0; i < trace.size(); ++i) {
    LayerTerms terms;
    terms.sensitivity = {trace[i] * delta4[i], trace[i] * delta8[i]};
    for (double bits : {4.0, 8.0}) {
      if (kind == "size")
        terms.cost.push_back(parameters[i] / (1 << 20) * bits / 8);
      else if (kind == "bops")
        terms.cost.push_back(bops[i] / 1e6 * bits * bits / 1024);
      else
        terms.cost.push_back(bits == 4 ? latency4[i] : latency8[i]);
    }
    program.layers.push_back(std::move(terms));
  }
  if (const llvm::json::Array *ties = data.getArray("ties"))
    for (const llvm::json::Value &tie : *ties)
      if (const llvm::json::Array *pair = tie.getAsArray())
        program.ties.emplace_back(*(*pair)[0].getAsInteger(),
                                  *(*pair)[1].getAsInteger());
  return program;
}

TEST(BitWidthProgramTest, HawqResNet18OptimaAreReached) {
  auto buffer = llvm::MemoryBuffer::getFile(QC_HAWQ_REFERENCE);
  ASSERT_TRUE(static_cast<bool>(buffer)) << QC_HAWQ_REFERENCE;
  llvm::Expected<llvm::json::Value> parsed =
      llvm::json::parse((*buffer)->getBuffer());
  ASSERT_TRUE(static_cast<bool>(parsed)) << llvm::toString(parsed.takeError());
  const llvm::json::Object &data = *parsed->getAsObject();
  const llvm::json::Object *optima = data.getObject("optima");
  ASSERT_NE(optima, nullptr);
  size_t checked = 0;
  for (const auto &[name, entry] : *optima) {
    const llvm::json::Object &optimum = *entry.getAsObject();
    llvm::StringRef kind = llvm::StringRef(name).split('@').first;
    BitWidthProgram program =
        hawqProgram(data, kind, *optimum.getNumber("limit"));
    std::variant<BitWidthAssignment, Infeasible> result = solve(program);
    ASSERT_TRUE(std::holds_alternative<BitWidthAssignment>(result)) << name.str();
    const BitWidthAssignment &assignment = std::get<BitWidthAssignment>(result);
    double objective = *optimum.getNumber("objective");
    EXPECT_NEAR(assignment.sensitivity, objective, 1e-9 * objective)
        << name.str();
    EXPECT_LE(assignment.cost, program.budget) << name.str();
    ++checked;
  }
  EXPECT_EQ(checked, 9u);
}

} // namespace
