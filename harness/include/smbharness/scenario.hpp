// The scenario model: metadata, requirements, connections and a list of steps (a std::variant of step kinds).
//
// Values inside steps stay JSON until run time because they may hold "$variables"; the loader has
// already checked every field name, value and variable (scenario_loader.hpp).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace smb::harness {

/** Grades, worst last for the step-level ones: pass < non_strict < fail. */
enum class Verdict { pass, non_strict, fail, unsupported, ungraded };
std::string to_string(Verdict v);
std::optional<Verdict> verdict_from_string(const std::string& s);
/** The worse of two step verdicts (pass < non_strict < fail). */
Verdict worst_step(Verdict a, Verdict b);

/** What every step carries for messages: `step 3 (send FLUSH)`. */
struct StepInfo {
  std::size_t index = 0;         ///< 1-based index in the file (top-level step)
  std::string pointer;           ///< JSON pointer, e.g. "/steps/2"
  std::string label;             ///< "send FLUSH", "use create-file: step 2 expect CREATE"
  std::string connection;        ///< resolved connection name
  std::optional<int> timeout_ms;
  std::string comment;
};

struct Patch {
  std::size_t offset = 0;
  std::string hex;
};

/** One request of a send or compound step. */
struct SendSpec {
  std::string command;           ///< "FLUSH", "LEASE_BREAK_ACK"
  nlohmann::json args = nlohmann::json::object();
  nlohmann::json header = nlohmann::json::object();
  std::optional<bool> sign;
  std::vector<Patch> patches;
  std::string name;              ///< "" when unnamed
  bool related = false;
};

/** One acceptable result of an expect step. */
struct Outcome {
  /** true: this outcome is "the server closed the connection instead of answering" (the spec's "MAY disconnect"
   *  rows, e.g. MS-SMB2 3.3.5.2.4 / 3.3.5.2.6); status and fields are then empty. */
  bool disconnect = false;
  nlohmann::json status;                          ///< null = default for the step kind
  nlohmann::json fields = nlohmann::json::object();
  Verdict verdict = Verdict::pass;
  std::string note;
};

struct SendStep { StepInfo info; SendSpec send; };
struct CompoundStep { StepInfo info; std::vector<SendSpec> members; };
struct SendRawStep { StepInfo info; std::string hex; bool framed = false; };
/**
 * Timing bounds of an expect / expect_unsolicited step (packetdrill style): the message must arrive no earlier
 * than `min_ms` and no later than `max_ms` after the reference time `since` (a named send's send time or a
 * `mark` of an earlier expect step; "" = the send time of the request the expect step answers).
 */
struct Timing {
  std::string since;
  std::optional<int> min_ms, max_ms;
};

struct ExpectStep {
  StepInfo info;
  std::string response;                            ///< "CREATE", "ERROR", ...
  std::string request;                             ///< named request, "" = oldest outstanding
  std::vector<Outcome> outcomes;                   ///< always >= 1
  std::map<std::string, std::string> capture;      ///< var -> field path
  /** no: skip interims; yes: require one; optional; only: stop after the interim (the request stays outstanding). */
  enum class Interim { no, yes, optional, only } interim = Interim::no;
  std::string interim_capture;
  std::optional<Timing> timing;
  std::string mark;                                ///< records the matched message's arrival time under this name
};
struct ExpectUnsolicitedStep {
  StepInfo info;
  std::string response;
  Outcome outcome;
  std::map<std::string, std::string> capture;
  std::optional<Timing> timing;                    ///< `since` is required here
  std::string mark;
};
struct ExpectNothingStep { StepInfo info; int ms = 0; };
struct ExpectDisconnectStep { StepInfo info; int ms = 0; };
struct DisconnectStep { StepInfo info; };
struct ReconnectStep { StepInfo info; };
struct WaitStep { StepInfo info; int ms = 0; };
struct ControlStep {
  StepInfo info;
  std::string op;                                  ///< state, fault, clear_faults, advance_clock, expire_session, volume
  nlohmann::json args = nlohmann::json::object();
  nlohmann::json expect;                           ///< state: {"open"|"session"|"share"|"server", "fields"}
  std::map<std::string, std::string> capture;
};

using Step = std::variant<SendStep, CompoundStep, SendRawStep, ExpectStep, ExpectUnsolicitedStep, ExpectNothingStep,
                          ExpectDisconnectStep, DisconnectStep, ReconnectStep, WaitStep, ControlStep>;

const StepInfo& info_of(const Step& s);

/** One named connection and its prologue (scenarios/README.md §4). */
struct ConnectionSpec {
  std::string name;
  std::vector<std::uint16_t> dialects;
  enum class Signing { enabled, required, none } signing = Signing::enabled;
  std::string account = "user";  ///< user, user2, guest, anonymous, none
  std::string share = "default"; ///< default, ipc, none
  enum class Connect { auto_, negotiate, session, manual } connect = Connect::auto_;
  /** "smb2" (default) or "smb1": NT LM 0.12 with SMB1 command names (smb1_runner.hpp). */
  std::string protocol = "smb2";
  /** SMB1 only: "" or the account of a second SESSION_SETUP_ANDX on the same connection ($X.uid2). */
  std::string extra_session;
};

struct Requires {
  std::optional<std::uint16_t> min_dialect, max_dialect;
  std::vector<std::string> capabilities;
  std::vector<std::string> accounts;          ///< includes those derived from connections
  bool reference_only = false;                ///< includes the derived value
  std::map<std::string, std::string> target_flags;  ///< values as text
};

struct Scenario {
  std::string file;             ///< path as given to the loader (used in messages)
  std::string id, title, description, level;
  std::vector<std::string> requirements, spec;
  Requires requires_;
  std::vector<ConnectionSpec> connections;  ///< sorted by name
  std::string default_connection;
  int timeout_ms = 5000;
  bool uses_dir = false;
  std::vector<Step> steps;
};

}  // namespace smb::harness
