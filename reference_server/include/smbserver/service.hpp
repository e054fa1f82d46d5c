// The running server: one io_context thread owning all protocol state, the TCP listener, the
// control side channel and the protocol clock's real timer.
//
// Threading: run() executes every handler on the calling thread; stop() may be called from any
// thread (it posts). Nothing else touches Server state concurrently.
#pragma once

#include <memory>
#include <string>
#include <variant>

#include "smbserver/config.hpp"
#include "smbserver/state.hpp"

namespace smb::server {

/** Why the service could not start: a message and the process exit code (2 usage/config, 1 runtime). */
struct StartError {
  std::string message;
  int exit_code = 1;
};

class Service {
 public:
  /**
   * Builds the server state, binds the listener (and the control endpoint if configured).
   * Errors: StartError{.., 2} for a share directory that cannot be used; StartError{.., 1} when
   * binding the listen or control address fails.
   */
  static std::variant<std::unique_ptr<Service>, StartError> create(ServerConfig config);
  ~Service();

  /** The bound TCP port (useful with port 0). */
  std::uint16_t port() const;
  /** "PATH" or "127.0.0.1:PORT" of the control channel; empty when there is none. */
  std::string control_endpoint() const;
  /** Runs the event loop until stop(). */
  void run();
  /** Stops the loop; safe from any thread or a signal handler context of Asio. */
  void stop();
  /** Stop on SIGINT/SIGTERM. */
  void handle_signals();
  Server& server();

  struct Impl;  ///< Asio objects; defined in service.cpp

 private:
  Service();
  std::unique_ptr<Impl> impl_;
};

}  // namespace smb::server
