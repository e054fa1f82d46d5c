// The 64-byte SMB2 packet header, sync and async forms (MS-SMB2 2.2.1.1, 2.2.1.2).
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "smbproto/fields.hpp"
#include "smbproto/names.hpp"
#include "smbproto/result.hpp"
#include "smbproto/status.hpp"
#include "smbproto/wire.hpp"

namespace smb::proto {

inline constexpr std::uint32_t kSmb2ProtocolId = 0x424D53FE;  // FE 'S' 'M' 'B'
inline constexpr std::uint32_t kSmb1ProtocolId = 0x424D53FF;  // FF 'S' 'M' 'B'
inline constexpr std::uint32_t kTransformProtocolId = 0x424D53FD;
inline constexpr std::size_t kHeaderSize = 64;
inline constexpr std::uint64_t kUnsolicitedMessageId = 0xFFFFFFFFFFFFFFFFull;  // 3.3.4.6

// MS-SMB2 2.2.1.2 Flags
inline constexpr std::uint32_t SMB2_FLAGS_SERVER_TO_REDIR = 0x00000001;
inline constexpr std::uint32_t SMB2_FLAGS_ASYNC_COMMAND = 0x00000002;
inline constexpr std::uint32_t SMB2_FLAGS_RELATED_OPERATIONS = 0x00000004;
inline constexpr std::uint32_t SMB2_FLAGS_SIGNED = 0x00000008;
inline constexpr std::uint32_t SMB2_FLAGS_PRIORITY_MASK = 0x00000070;
inline constexpr std::uint32_t SMB2_FLAGS_DFS_OPERATIONS = 0x10000000;
inline constexpr std::uint32_t SMB2_FLAGS_REPLAY_OPERATION = 0x20000000;

/**
 * SMB2 header. One struct for both forms: when `flags` has SMB2_FLAGS_ASYNC_COMMAND the 8 bytes at
 * 0x20 are `async_id`; otherwise they are `reserved` (0x20, 4 bytes) and `tree_id` (0x24).
 * `status` holds the 4 bytes at 0x08: Status in responses; ChannelSequence/Reserved (3.x) or
 * Status (2.0.2/2.1, client sends 0) in requests.
 */
struct Header {
  std::uint32_t protocol_id = kSmb2ProtocolId;   // 0x00
  std::uint16_t structure_size = 64;             // 0x04
  std::uint16_t credit_charge = 0;               // 0x06
  std::uint32_t status = 0;                      // 0x08 Status / ChannelSequence+Reserved
  std::uint16_t command = 0;                     // 0x0C
  std::uint16_t credit_request_response = 0;     // 0x0E CreditRequest / CreditResponse
  std::uint32_t flags = 0;                       // 0x10
  std::uint32_t next_command = 0;                // 0x14
  std::uint64_t message_id = 0;                  // 0x18
  std::uint32_t reserved = 0;                    // 0x20 (sync) — Windows clients send 0xFEFF
  std::uint32_t tree_id = 0;                     // 0x24 (sync)
  std::uint64_t async_id = 0;                    // 0x20 (async)
  std::uint64_t session_id = 0;                  // 0x28
  std::array<std::uint8_t, 16> signature{};      // 0x30

  bool is_async() const { return (flags & SMB2_FLAGS_ASYNC_COMMAND) != 0; }
  bool is_response() const { return (flags & SMB2_FLAGS_SERVER_TO_REDIR) != 0; }
  NtStatus nt_status() const { return NtStatus{status}; }
  bool operator==(const Header&) const = default;
};

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, Header>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("protocol_id"), m.protocol_id);
  v(field("structure_size"), m.structure_size);
  v(field("credit_charge"), m.credit_charge);
  v(field("status"), m.status);
  v(field("command", &names::command), m.command);
  v(field("credit_request_response"), m.credit_request_response);
  v(field("flags", &names::header_flags), m.flags);
  v(field("next_command"), m.next_command);
  v(field("message_id"), m.message_id);
  v(field("reserved"), m.reserved);
  v(field("tree_id"), m.tree_id);
  v(field("async_id"), m.async_id);
  v(field("session_id"), m.session_id);
  v(field("signature"), m.signature);
}

/** Appends the 64 header bytes (async or sync layout per `h.flags`). */
void encode(wire::Writer& w, const Header& h);
/**
 * Decodes the header at the reader's position (must be the message base).
 * Errors: errc::truncated (< 64 bytes), errc::bad_protocol_id, errc::bad_header_size.
 */
Result<Header> decode_header(wire::Reader& r);

}  // namespace smb::proto
