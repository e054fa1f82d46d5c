// Starts the built reference server (smbconform-server) on 127.0.0.1:0 with fresh temporary shares and stops it.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "smbharness/scenario.hpp"
#include "smbharness/target.hpp"

namespace smb::harness {

/**
 * A running reference server: temp dir with a share directory, users alice and bob, guest enabled,
 * control socket in the temp dir. The destructor stops the process (SIGTERM, then SIGKILL) and
 * removes the temp dir.
 *
 * Variants: the base server runs without --multichannel (which changes the LockSequence rules of every 3.x open,
 * MS-SMB2 3.3.5.14) and without a continuously-available share. A scenario that requires MULTI_CHANNEL,
 * PERSISTENT_HANDLES or target flag ca_share runs instead on a second server of the same kind started on first use
 * (Target::variant) with exactly what it needs: --multichannel, and/or the default share "share" marked CA
 * (flag ca_share=true). Lanes: each runner worker of a `-j N` run has servers of its own (worker k > 0 gets a base
 * server of its own, and variants of its own), so the clock, faults, volume state and counters one scenario acts on
 * are never another worker's. Variants live in sub-directories of temp_dir() and stop with this server.
 */
class RefServer {
 public:
  /** What a variant adds to the base configuration. */
  struct Variant {
    bool multichannel = false;  ///< --multichannel (SMB2_GLOBAL_CAP_MULTI_CHANNEL on 3.x)
    bool ca_share = false;      ///< the default share is continuously available (PERSISTENT_HANDLES on 3.x)
    int lane = 0;               ///< the runner worker it serves (lane 0 without the above: the base server)
    auto operator<=>(const Variant&) const = default;
  };
  /** The variant `sc` needs on lane 0 (all false: the base server). */
  static Variant variant_for(const Scenario& sc);

  /**
   * Starts `binary` and waits (up to `timeout_ms`) for its "listening HOST:PORT" line.
   * Returns nullptr and sets `error` when the binary is missing, exits, or never becomes ready.
   * `pin_lanes`: every server of lane k (the base server is lane 0's) runs on CPU lane_cpu(k), and the target says
   * so (Target::pin_lanes), so that run_all pins its worker k to the same CPU.
   */
  static std::unique_ptr<RefServer> start(const std::filesystem::path& binary, int timeout_ms, std::string& error,
                                          bool pin_lanes = false);
  ~RefServer();
  RefServer(const RefServer&) = delete;
  RefServer& operator=(const RefServer&) = delete;

  /** The target to run scenarios against (is_reference, control path, share root, accounts). */
  const Target& target() const { return target_; }
  /** Process id (for a SIGINT handler that must stop the server). */
  int pid() const { return pid_; }
  /** Stops the server now (idempotent). */
  void stop();
  /** Sends SIGTERM to the server (and nothing else: stop() waits for it to exit). */
  void signal_stop();
  /** Sends SIGTERM to the server and every variant it started, without waiting: they exit while the caller goes on
   *  (the CLI writes its reports); stop() or the destructor then waits for them. */
  void signal_stop_all();
  /** The temporary directory holding the shares, the control socket and server.log (removed by the destructor). */
  const std::filesystem::path& temp_dir() const { return temp_dir_; }

 private:
  RefServer() = default;
  static std::unique_ptr<RefServer> launch(const std::filesystem::path& binary, const std::filesystem::path& dir,
                                           const Variant& v, int timeout_ms, bool pin, std::string& error);
  struct Impl;
  struct Pool;
  std::unique_ptr<Impl> impl_;
  std::shared_ptr<Pool> pool_;  ///< started variants (shared with Target::variant)
  Target target_;
  std::filesystem::path temp_dir_;
  int pid_ = -1;
};

/** The tolerance flags that describe smbconform-server truthfully (the same as ci/targets/ref.json "flags"). */
std::map<std::string, std::string> builtin_reference_flags();

/** The reference server binary next to the running executable (same directory), or "" if not found. */
std::filesystem::path find_reference_server(const std::filesystem::path& argv0);

}  // namespace smb::harness
