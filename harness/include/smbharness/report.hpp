// Results out: the JSON report, console lines, per-section summary, requirement roll-up, expectation files.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "smbharness/runner.hpp"

namespace smb::harness {

/** One requirement of the traceability matrix (embedded copy of harness/data/requirements.json). */
struct RequirementInfo {
  std::string id, section, level, title, observability;
};
/** Every known requirement, in matrix order. */
const std::vector<RequirementInfo>& known_requirements();

/** One entry of ci/expectations/<target>.json. */
struct Expectation {
  Verdict verdict = Verdict::pass;
  std::string reason, evidence;
  /** A known intermittent departure (e.g. a lost wakeup in the server): `verdict` or `pass` both match. */
  bool intermittent = false;
};
using Expectations = std::map<std::string, Expectation>;

/**
 * Loads an expectation file ({"scenario-id": {"verdict", "reason", "evidence"}}).
 * Returns nullopt and sets `error` (located) when unreadable or malformed.
 */
std::optional<Expectations> load_expectations(const std::string& path, std::string& error);

/**
 * Whether a result matches its expectation (scenarios/README.md §10): unlisted accepts pass,
 * non_strict and unsupported; listed must match exactly (an unexpected pass is a mismatch).
 */
bool matches_expectation(Verdict actual, const Expectation* expected);

/** Requirement verdict from its scenarios: fail > ungraded > non_strict > pass > unsupported. */
Verdict requirement_verdict(const std::vector<Verdict>& verdicts);

/** The whole report (scenarios/README.md; format in the harness assignment). */
nlohmann::json make_report(const std::string& target, const std::string& started, std::int64_t duration_ms,
                           const std::vector<ScenarioResult>& results, const Expectations& expectations);
/**
 * The same report, taking each step's sent/received messages from `results` instead of copying them (they are most
 * of a report's size): afterwards those results keep their verdicts, ids and messages but no step messages.
 */
nlohmann::json make_report(const std::string& target, const std::string& started, std::int64_t duration_ms,
                           std::vector<ScenarioResult>&& results, const Expectations& expectations);

/**
 * `report.dump(2)`, byte for byte, with the entries of its "scenarios" array serialised on up to `threads` threads
 * (a whole-suite report is megabytes of step messages). Throws as dump() does (nlohmann::json::type_error on a
 * string that is not UTF-8).
 */
std::string dump_report(const nlohmann::json& report, int threads);

/** "pass        flush-write-access (12 ms)" plus the message on following lines for anything not pass. */
std::string progress_line(const ScenarioResult& r, const Expectation* expected, bool verbose);
/** Per-section summary lines (SMB2-COMMON, SMB2-FLUSH, ...) and the totals. */
std::string summary_text(const std::vector<ScenarioResult>& results, const Expectations& expectations);

/** Section of a requirement ID: "SMB2-FLUSH-01" -> "SMB2-FLUSH". */
std::string section_of(const std::string& requirement);

}  // namespace smb::harness
