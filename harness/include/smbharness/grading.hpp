// Grading outputs derived from the JSON report: JUnit XML, shard selection and merging, the conformance score.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace smb::harness {

/**
 * JUnit XML ("JUnit 4" / Jenkins schema) of one JSON report (make_report / merge_reports): one <testsuite> per
 * section (SMB2-FLUSH, ... from the scenario's first requirement), one <testcase> per scenario; `fail` ->
 * <failure> with the located message, `unsupported` -> <skipped>, `ungraded` -> <error>; `non_strict` passes
 * with the note in <system-out>. Counts equal the report's summary.
 */
std::string junit_xml(const nlohmann::json& report);

/** "K/N" with 1 <= K <= N -> {K, N}; nullopt otherwise. */
std::optional<std::pair<int, int>> parse_shard(const std::string& s);

/** Whether scenario `id` belongs to shard K of N: FNV-1a of the id, mod N, equals K-1 (stable across runs and hosts). */
bool in_shard(const std::string& id, int k, int n);

/**
 * One report from several reports of the same target (the shards of a run): scenarios united (sorted by file,
 * then id), summary and requirement roll-up recomputed, `started` the earliest, `duration_ms` the longest.
 * Returns nullopt and sets `error` when the targets differ or a scenario id appears twice.
 */
std::optional<nlohmann::json> merge_reports(const std::vector<nlohmann::json>& reports, std::string& error);

/**
 * The score of a report that `unsupported` cannot game: conformance = (pass + non_strict) / graded, where
 * graded = pass + non_strict + fail (what was tested), and coverage = graded / all scenarios (what was not
 * tested stays visible), per section (a scenario counts in each section of its requirements, as in the console
 * summary), per level (MUST/SHOULD/MAY) and in total.
 * {"total": {...}, "sections": {"SMB2-FLUSH": {...}}, "levels": {"MUST": {...}}} where each {...} holds
 * pass, non_strict, fail, unsupported, ungraded, scenarios, graded, conformance (null if graded = 0), coverage.
 */
nlohmann::json score(const nlohmann::json& report);

/**
 * Fills a report's "summary" (scenarios per verdict), "requirements" (each requirement's verdict over its
 * scenarios, requirement_verdict) and "score" from its "scenarios" entries (their id, verdict and requirements).
 * make_report and merge_reports both end with it.
 */
void summarize(nlohmann::json& report);

}  // namespace smb::harness
