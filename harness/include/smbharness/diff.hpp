// Differential runs: compare two targets' JSON reports step by step, with live ids normalised.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace smb::harness {

/**
 * A received message with everything a server chooses freely replaced: live ids (SessionId, TreeId, AsyncId,
 * MessageId, FileId) become "$S1", "$T1", "$A1", "$F1"... in order of first appearance within the scenario
 * (`ids` carries the numbering between messages), and implementation-defined values (timestamps, GUIDs,
 * signatures, credits, security buffers, negotiate limits, hex) are dropped.
 */
nlohmann::json normalise_message(const nlohmann::json& received, nlohmann::json& ids);

/**
 * Every step where two reports' responses differ, whatever the expectations say:
 * {"a": target, "b": target, "scenarios": [{"id", "verdict_a", "verdict_b", "differences": [
 *   {"step", "kind", "class": "status" | "fields" | "flow", "a", "b"}]}], "differing": N, "compared": M}.
 * class "status" = a different command/NTSTATUS or one side disconnected; "flow" = one side stopped earlier
 * (its run ended at a fail) or received a different number of messages; "fields" = same status, other fields.
 * Interim STATUS_PENDING responses are not compared (a server MAY go async, MS-SMB2 3.3.4.2); ids are numbered
 * per connection; a scenario `unsupported` on either side is listed with "coverage_only": true and no steps.
 */
nlohmann::json diff_reports(const nlohmann::json& a, const nlohmann::json& b);

}  // namespace smb::harness
