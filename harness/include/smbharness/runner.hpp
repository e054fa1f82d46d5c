// The run loop: prologue, $dir, each step kind (std::visit), verdicts; and a thread pool over many scenarios.
//
// Threading: run_scenario is self-contained (own connections, variables, capture log) and may run on
// any thread; run_all starts `jobs` worker threads that pull scenario indexes from an atomic counter
// and report each result through a callback serialised by a mutex. Worker k runs its scenarios with lane k.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "smbharness/capture.hpp"
#include "smbharness/scenario.hpp"
#include "smbharness/target.hpp"

namespace smb::harness {

struct RunOptions {
  int timeout_ms = 5000;      ///< default per-step timeout when the scenario sets none
  int prologue_timeout_ms = 10000;  ///< deadline of one connection's whole prologue (and of $dir setup)
};

struct StepResult {
  std::size_t index = 0;
  std::string kind;           ///< the step label ("send FLUSH")
  std::string connection;
  nlohmann::json sent = nlohmann::json::array();      ///< [{command, header, body, hex}]
  nlohmann::json received = nlohmann::json::array();  ///< [{command, status, header, body, hex}]
  Verdict verdict = Verdict::pass;
  std::string message;
};

struct ScenarioResult {
  std::string id, file, title, level;
  std::vector<std::string> requirements, spec;
  Verdict verdict = Verdict::pass;
  std::string message;        ///< located reason for anything but pass
  std::int64_t duration_ms = 0;
  std::vector<StepResult> steps;
  std::shared_ptr<CaptureLog> capture = std::make_shared<CaptureLog>();
};

/**
 * Runs one scenario against a target. Never throws; every failure becomes a verdict with a message.
 * `lane`: the worker running it, which picks that worker's own reference server (Target::variant); 0 otherwise.
 */
ScenarioResult run_scenario(const Scenario& sc, const Target& target, const RunOptions& opts, int lane = 0);

/** Static part of `unsupported`: requires that the target cannot meet. Returns the reason or "". */
std::string unsupported_reason(const Scenario& sc, const Target& target);

/**
 * Runs all scenarios with `jobs` threads; `on_result` is called (serialised) as each finishes. Results in input order.
 * Against the reference target (Target::variant set) each worker has a server of its own, so every scenario runs
 * `jobs` wide; against any other target, scenarios whose control steps touch server-wide state run one at a time
 * after the rest.
 */
std::vector<ScenarioResult> run_all(const std::vector<Scenario>& scenarios, const Target& target, const RunOptions& opts,
                                    int jobs, const std::function<void(const ScenarioResult&)>& on_result);

}  // namespace smb::harness
