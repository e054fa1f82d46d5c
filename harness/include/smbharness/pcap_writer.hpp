// Writes a scenario's capture log as a pcap that Wireshark/tshark decode as SMB with no options (TCP port 445).
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "smbharness/capture.hpp"

namespace smb::harness {

/** What a written capture holds. */
struct PcapSummary {
  std::size_t frames = 0;                      ///< packets written (handshakes and FINs included)
  std::size_t connections = 0;
  std::vector<std::size_t> malformed_frames;   ///< 1-based frame numbers carrying deliberately malformed bytes
};

/**
 * Writes `records` to `file` (libpcap, DLT_EN10MB): every connection (scenario connection name + client port)
 * becomes one TCP stream 127.0.0.1:<client port> -> 127.0.0.1:445 with a synthesized three-way handshake,
 * sequence/acknowledgement numbers that follow the bytes in both directions, the 4-byte Direct TCP header
 * (MS-SMB2 2.1) in front of every message, segments of at most 65000 bytes, and a FIN exchange at the end.
 * Returns nullopt and sets `error` when the file cannot be written.
 */
std::optional<PcapSummary> write_pcap(const std::filesystem::path& file, const std::vector<CaptureRecord>& records,
                                      std::string& error);

/** The capture file name of a scenario: its id with every character outside [A-Za-z0-9._-] replaced, plus ".pcap". */
std::string pcap_file_name(const std::string& scenario_id);

}  // namespace smb::harness
