// Per-connection capture records: every SMB frame sent or received, with a timestamp (feeds the pcap writer).
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "smbproto/wire.hpp"

namespace smb::harness {

/** One transport frame (the Direct TCP payload, without the 4-byte stream header). */
struct CaptureRecord {
  std::chrono::system_clock::time_point time;
  enum class Direction { sent, received } direction;
  std::string connection;     ///< scenario connection name ("A")
  std::uint16_t local_port = 0;
  std::uint16_t remote_port = 0;
  wire::Bytes payload;
  /** true: `payload` is exactly the TCP bytes sent (a send_raw that is not one well-formed frame); no stream
   *  header is to be added when writing a capture. */
  bool wire_exact = false;
  /** true: the scenario made this frame malformed on purpose (send_raw or a byte patch); capture checks skip it. */
  bool malformed = false;
};

/**
 * Collects records of all connections of one scenario. Thread-safe (a scenario's connections
 * are used from one thread, but the CLI may read the log from another).
 */
class CaptureLog {
 public:
  /** Received payload bytes kept per scenario. A peer that floods (endless interim responses, garbage) must not
   *  grow the runner without bound (issue 9, hostile server): beyond this, received frames are counted, not kept.
   *  Sent frames are always kept (the scenario's own steps bound them). */
  static constexpr std::uint64_t kMaxReceivedBytes = 16u << 20;

  void add(CaptureRecord r) {
    std::lock_guard lock(mu_);
    if (r.direction == CaptureRecord::Direction::received) {
      if (received_bytes_ + r.payload.size() > kMaxReceivedBytes) {
        ++dropped_frames_;
        dropped_bytes_ += r.payload.size();
        return;
      }
      received_bytes_ += r.payload.size();
    }
    records_.push_back(std::move(r));
  }
  /** Received frames (and their payload bytes) not kept because of kMaxReceivedBytes. */
  std::uint64_t dropped_frames() const {
    std::lock_guard lock(mu_);
    return dropped_frames_;
  }
  std::uint64_t dropped_bytes() const {
    std::lock_guard lock(mu_);
    return dropped_bytes_;
  }
  /** Frees the records (the CLI, once the scenario's pcap is written or not wanted); the counters stay. */
  void clear() {
    std::lock_guard lock(mu_);
    std::vector<CaptureRecord>().swap(records_);
  }
  /** Marks the last frame sent on `connection` as deliberately malformed. */
  void mark_last_sent_malformed(const std::string& connection) {
    std::lock_guard lock(mu_);
    for (auto it = records_.rbegin(); it != records_.rend(); ++it)
      if (it->connection == connection && it->direction == CaptureRecord::Direction::sent) {
        it->malformed = true;
        return;
      }
  }
  /** Marks the last frame sent on `connection` as exact wire bytes (see CaptureRecord::wire_exact). */
  void mark_last_sent_wire_exact(const std::string& connection) {
    std::lock_guard lock(mu_);
    for (auto it = records_.rbegin(); it != records_.rend(); ++it)
      if (it->connection == connection && it->direction == CaptureRecord::Direction::sent) {
        it->wire_exact = true;
        return;
      }
  }
  std::vector<CaptureRecord> records() const {
    std::lock_guard lock(mu_);
    return records_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<CaptureRecord> records_;
  std::uint64_t received_bytes_ = 0, dropped_frames_ = 0, dropped_bytes_ = 0;
};

}  // namespace smb::harness
