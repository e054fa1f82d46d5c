// Direct TCP stream framing (MS-SMB2 2.1) and compound-chain splitting (MS-SMB2 3.3.5.2.7).
#pragma once

#include <cstddef>
#include <vector>

#include "smbproto/result.hpp"
#include "smbproto/wire.hpp"

namespace smb::proto {

/** Largest StreamProtocolLength the 24-bit field can carry. */
inline constexpr std::size_t kMaxFrameLength = 0xFFFFFF;

/**
 * Parses the Direct TCP frame at the start of `in` (0x00 then a 24-bit big-endian length).
 * On success returns the bytes consumed (4 + length) and sets `payload` to the message.
 * Errors: errc::need_more (keep the bytes and call again with more), errc::bad_frame_header
 * (first byte not zero), errc::frame_too_large (length > max_length).
 */
Result<std::size_t> parse_frame(wire::ByteView in, wire::ByteView& payload, std::size_t max_length = kMaxFrameLength);

/** Appends the 4-byte stream header and the message. */
void append_frame(wire::Bytes& out, wire::ByteView message);

/**
 * Splits an SMB2 compound chain by NextCommand. Each element starts at an SMB2 header.
 * Errors: errc::truncated (a member shorter than 64 bytes), errc::bad_next_command
 * (NextCommand not a multiple of 8, < 64, or past the end), errc::too_many_commands.
 */
Result<std::vector<wire::ByteView>> split_compound(wire::ByteView message, std::size_t max_commands = 64);

}  // namespace smb::proto
