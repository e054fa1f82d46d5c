// The server under test: address, share, accounts, profile flags, and (for the reference server) its control channel.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "smbharness/transport.hpp"
#include "smbproto/result.hpp"
#include "smbproto/security/gss.hpp"

namespace smb::harness {

struct Scenario;
struct Target;

/**
 * Reference target only: the target a scenario must run on when it needs a differently configured reference server
 * (requires MULTI_CHANNEL, PERSISTENT_HANDLES or target flag ca_share; see ref_server.hpp), started on first use.
 * Gets the scenario, the base target (profile and --flag overrides included) and the lane: the runner worker asking
 * (run_all's worker index; 0 for a lone run_scenario). Every lane has servers of its own (lane 0's base server is
 * the base target), so one worker's scenarios never share a reference server with another worker's.
 * nullopt = run on the base target.
 */
using TargetVariantFn = std::function<std::optional<Target>(const Scenario&, const Target&, int lane)>;

struct Target {
  std::string display;            ///< "ref" or "smb://user@host:port/share" (never the password)
  std::string host = "127.0.0.1";
  std::uint16_t port = 445;
  std::string share;              ///< the default share
  security::Credentials user;
  std::optional<security::Credentials> user2;
  std::optional<std::string> guest_share;  ///< guest logons allowed, on this share
  bool is_reference = false;
  std::string control_path;       ///< reference server control socket
  std::filesystem::path share_root;  ///< reference server: local directory of the default share
  std::map<std::string, std::string> flags;  ///< profile / tolerance flags
  std::vector<std::uint16_t> dialects;       ///< dialects the profile says the server speaks (empty = any); offers are narrowed to them
  std::vector<std::string> capabilities;     ///< capabilities the profile says the server offers (empty = not stated)
  std::string profile;                       ///< the profile's name, "" when none was used
  std::shared_ptr<const TargetVariantFn> variant;  ///< reference target: per-scenario server variants (null = none)
  /// Reference target: the servers of lane k run on lane_cpu(k), and run_all pins its worker k to the same CPU, so
  /// that each request/response ping-pong stays on one CPU instead of waking an idle one (README Performance).
  bool pin_lanes = false;
};

/**
 * The CPU lane `lane` is pinned to: the (lane mod n)-th of the n CPUs this process may run on
 * (sched_getaffinity); nullopt when that cannot be read.
 */
std::optional<int> lane_cpu(int lane);

/**
 * Parses "smb://[user[:pass]@]host[:port]/share". Returns nullopt and sets `error` when malformed.
 */
std::optional<Target> parse_target_url(const std::string& url, std::string& error);

/** "user:pass" -> Credentials (a "DOMAIN\\user" prefix sets the domain). */
std::optional<security::Credentials> parse_user(const std::string& s);

/**
 * Client of the reference server's control channel (newline-delimited JSON over a Unix socket).
 * One request per call; every call has a deadline.
 */
class ControlClient {
 public:
  explicit ControlClient(std::string path) : path_(std::move(path)) {}
  /**
   * Sends one request object and returns the reply object.
   * Errors: errc::connect_failed, errc::timeout, errc::closed, errc::control_error (not JSON, or "ok": false;
   * `last_error()` has the server's message).
   */
  Result<nlohmann::json> call(const nlohmann::json& request, Deadline deadline);
  const std::string& last_error() const { return last_error_; }

 private:
  std::string path_;
  std::string last_error_;
};

/** One client connection of a running scenario, as its own transport counts it (reference_quiet). */
struct ClientBytes {
  std::uint16_t port = 0;        ///< the client's local TCP port
  std::uint64_t sent = 0;        ///< bytes written to the socket
  std::uint64_t received = 0;    ///< bytes read from the socket
  std::size_t buffered = 0;      ///< bytes read but not yet consumed as messages
};

/**
 * Reference server only: settles "nothing arrives on connection `watch` within `window`" from the server's state
 * instead of waiting (the control channel's "quiesce", CONTROL.md). True when the server has taken in and
 * processed every byte each of the scenario's connections sent (so every consequence of every request is already
 * queued: the server is single-threaded), the watched connection has read every byte the server queued for it and
 * consumed them, and no server timer falls due within `window` (a timer that does is let fire first, and the state
 * looked at again): then the only things that could make the server send, input and timers, cannot do so within
 * the window. False whenever that cannot be shown by `deadline`
 * (the caller then waits the window out for real): never a false "nothing".
 */
bool reference_quiet(const std::string& control_path, const std::vector<ClientBytes>& connections,
                     std::uint16_t watch, std::chrono::milliseconds window, Deadline deadline);

}  // namespace smb::harness
