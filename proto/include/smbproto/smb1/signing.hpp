// SMB1 message signing: MD5 over the MAC key and the message with the sequence number in place (MS-CIFS 3.1.4.1, MS-SMB 3.1.5.1).
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "smbproto/wire.hpp"

namespace smb::proto::smb1 {

/** Offset and size of SecuritySignature inside the SMB header (MS-CIFS 2.2.3.1 SecurityFeatures). */
inline constexpr std::size_t kSignatureOffset = 14;
inline constexpr std::size_t kSignatureSize = 8;

/**
 * The 8-byte signature of `message` (the SMB message from its header, no transport prefix):
 * the first 8 bytes of MD5(mac_key || message'), where message' is `message` with the
 * SecuritySignature field replaced by `sequence_number` as a little-endian u32 followed by four
 * zero bytes (MS-CIFS 3.1.4.1). `mac_key` is the session's signing key (for extended security the
 * session key; for NTLM(v1) the session key followed by the NT response). A message shorter than
 * the header yields all zeros.
 */
std::array<std::uint8_t, 8> compute_signature(wire::ByteView mac_key, wire::ByteView message,
                                              std::uint32_t sequence_number);
/** Writes compute_signature into bytes 14..21 of `message` (does not touch Flags2). */
void sign_message(std::span<std::uint8_t> message, wire::ByteView mac_key, std::uint32_t sequence_number);
/** True when bytes 14..21 equal compute_signature (constant-time compare). */
bool verify_signature(wire::ByteView message, wire::ByteView mac_key, std::uint32_t sequence_number);

}  // namespace smb::proto::smb1
