// Direct TCP transport (MS-SMB2 2.1) with deadlines on every operation: poll-based, never blocks past a deadline.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "smbharness/capture.hpp"
#include "smbproto/result.hpp"
#include "smbproto/wire.hpp"

namespace smb::harness {

using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;

/** now + ms. */
inline Deadline deadline_in(std::chrono::milliseconds ms) { return Clock::now() + ms; }

/**
 * One TCP connection carrying Direct TCP frames. Move-only; closes on destruction.
 * Not thread-safe: one thread uses it at a time.
 */
class TcpTransport {
 public:
  TcpTransport() = default;
  ~TcpTransport();
  TcpTransport(TcpTransport&& o) noexcept;
  TcpTransport& operator=(TcpTransport&& o) noexcept;
  TcpTransport(const TcpTransport&) = delete;
  TcpTransport& operator=(const TcpTransport&) = delete;

  /**
   * Connects to host:port (numeric or resolvable name).
   * Errors: errc::connect_failed, errc::timeout.
   */
  static Result<TcpTransport> connect(const std::string& host, std::uint16_t port, Deadline deadline);

  /** Records every frame into `log` under `connection` (nullptr: no capture). */
  void set_capture(CaptureLog* log, std::string connection) {
    capture_ = log;
    connection_ = std::move(connection);
  }

  /** Sends one message with the 4-byte stream header. Errors: errc::closed, errc::io_error, errc::timeout. */
  Result<void> send_message(wire::ByteView message, Deadline deadline);
  /** Sends bytes exactly as given (already framed or deliberately malformed). Same errors. */
  Result<void> send_bytes(wire::ByteView bytes, Deadline deadline);
  /**
   * Receives the next frame's payload.
   * Errors: errc::timeout (nothing complete before the deadline; bytes already read are kept),
   * errc::closed (EOF or reset), errc::bad_frame (first byte not zero), errc::io_error.
   */
  Result<wire::Bytes> receive_message(Deadline deadline);
  /** Waits until the peer closes. Returns true on EOF/reset, false if data arrived or the deadline passed. */
  bool wait_closed(Deadline deadline, bool& got_data);

  bool is_open() const { return fd_ >= 0; }
  void close();
  std::uint16_t local_port() const { return local_port_; }
  std::uint16_t remote_port() const { return remote_port_; }
  /** Bytes written to the socket and read from it since connect (stream headers included). */
  std::uint64_t bytes_sent() const { return bytes_sent_; }
  std::uint64_t bytes_received() const { return bytes_received_; }
  /** Bytes read but not yet returned as a message (a partial frame, or whole frames not yet asked for). */
  std::size_t buffered() const { return buffer_.size(); }

 private:
  Result<void> write_all(wire::ByteView bytes, Deadline deadline);
  void record(CaptureRecord::Direction dir, wire::ByteView payload);

  int fd_ = -1;
  wire::Bytes buffer_;
  CaptureLog* capture_ = nullptr;
  std::string connection_;
  std::uint16_t local_port_ = 0;
  std::uint16_t remote_port_ = 0;
  std::uint64_t bytes_sent_ = 0;
  std::uint64_t bytes_received_ = 0;
};

}  // namespace smb::harness
