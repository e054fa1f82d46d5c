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
};

/**
 * Collects records of all connections of one scenario. Thread-safe (a scenario's connections
 * are used from one thread, but the CLI may read the log from another).
 */
class CaptureLog {
 public:
  void add(CaptureRecord r) {
    std::lock_guard lock(mu_);
    records_.push_back(std::move(r));
  }
  std::vector<CaptureRecord> records() const {
    std::lock_guard lock(mu_);
    return records_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<CaptureRecord> records_;
};

}  // namespace smb::harness
