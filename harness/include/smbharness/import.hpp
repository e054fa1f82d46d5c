// smbconform import: a recorded SMB2 session (pcap / pcapng) becomes a replayable scenario.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace smb::harness {

struct ImportOptions {
  std::string id = "imported";     ///< scenario id
  std::string source;              ///< shown in the description
  std::uint16_t server_port = 0;   ///< TCP port of the server in the capture; 0 = where the first SMB2 request went
  bool use_dir = true;             ///< rewrite CREATE names under "$dir" so replays are isolated
  /** Requirement IDs the scenario is filed under (default: SMB2-COMMON-20, responses echo Command/MessageId
   *  with the right status, MS-SMB2 3.3.4.4). */
  std::vector<std::string> requirements{"SMB2-COMMON-20"};
};

/**
 * Reads a capture (libpcap reads pcap and pcapng; link types Ethernet, Linux cooked v1, raw IPv4/IPv6, BSD loopback),
 * reassembles every TCP connection to `server_port`, splits Direct TCP frames (MS-SMB2 2.1) and compound chains
 * (MS-SMB2 3.2.4.1.4), and writes a scenario: each connection becomes a scenario connection whose NEGOTIATE and
 * SESSION_SETUP become its prologue ("connect": "session", the recorded dialect); FSCTL_VALIDATE_NEGOTIATE_INFO
 * (part of the tree connect, 3.2.5.5) and DFS referral requests (MS-DFSC) are left out; every TREE_CONNECT stays
 * a step (to \\$host\$share or \\$host\IPC$$) with its TreeId captured ($t1...) and used in later headers; every
 * other request becomes a `send` (or a `compound`), every final response an `expect` of its status, an interim
 * response an `"interim": "only"` expect capturing the AsyncId for a later CANCEL; FileIds are captured from
 * CREATE responses ($f1...); MessageIds become request names (m<id>); CREATE names move under $dir unless the
 * session renames a file; output buffer lengths are capped at 65536. Returns nullopt and sets `error` when the
 * file cannot be read, has an
 * unsupported link type, or holds no SMB2 request.
 */
std::optional<nlohmann::json> import_capture(const std::string& file, const ImportOptions& options, std::string& error);

}  // namespace smb::harness
