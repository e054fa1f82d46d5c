// Starts the built reference server (smbconform-server) on 127.0.0.1:0 with fresh temporary shares and stops it.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "smbharness/target.hpp"

namespace smb::harness {

/**
 * A running reference server: temp dir with a share directory, users alice and bob, guest enabled,
 * control socket in the temp dir. The destructor stops the process (SIGTERM, then SIGKILL) and
 * removes the temp dir.
 */
class RefServer {
 public:
  /**
   * Starts `binary` and waits (up to `timeout_ms`) for its "listening HOST:PORT" line.
   * Returns nullptr and sets `error` when the binary is missing, exits, or never becomes ready.
   */
  static std::unique_ptr<RefServer> start(const std::filesystem::path& binary, int timeout_ms, std::string& error);
  ~RefServer();
  RefServer(const RefServer&) = delete;
  RefServer& operator=(const RefServer&) = delete;

  /** The target to run scenarios against (is_reference, control path, share root, accounts). */
  const Target& target() const { return target_; }
  /** Process id (for a SIGINT handler that must stop the server). */
  int pid() const { return pid_; }
  /** Stops the server now (idempotent). */
  void stop();
  /** The temporary directory holding the shares, the control socket and server.log (removed by the destructor). */
  const std::filesystem::path& temp_dir() const { return temp_dir_; }

 private:
  RefServer() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  Target target_;
  std::filesystem::path temp_dir_;
  int pid_ = -1;
};

/** The tolerance flags that describe smbconform-server truthfully (the same as ci/targets/ref.json "flags"). */
std::map<std::string, std::string> builtin_reference_flags();

/** The reference server binary next to the running executable (same directory), or "" if not found. */
std::filesystem::path find_reference_server(const std::filesystem::path& argv0);

}  // namespace smb::harness
