// SMB2 NEGOTIATE codec (MS-SMB2 2.2.3, 2.2.3.1, 2.2.4, 2.2.4.1). Body offsets in hex.
#include "smbproto/commands/negotiate.hpp"

#include <algorithm>

#include "body.hpp"
#include "smbproto/detail/fileid.hpp"

namespace smb::proto {
namespace {

constexpr std::size_t kNegotiateRequestFixed = 36;   // 2.2.3: StructureSize 36, Dialects follow at 0x24
constexpr std::size_t kNegotiateResponseFixed = 64;  // 2.2.4: StructureSize 65 = 64 + 1 byte of Buffer

std::size_t align8(std::size_t v) { return (v + 7) & ~std::size_t{7}; }

// 2.2.3.1: "Each context MUST start at an 8-byte aligned offset"; the last one is not padded.
void encode_contexts(wire::Writer& w, const std::vector<NegotiateContext>& contexts) {
  bool first = true;
  for (const auto& c : contexts) {
    if (!first) w.align(8);
    first = false;
    w.u16(c.context_type);                              // +0x00 ContextType
    w.u16(static_cast<std::uint16_t>(c.data.size()));  // +0x02 DataLength
    w.u32(c.reserved);                                  // +0x04 Reserved
    w.bytes(c.data);                                    // +0x08 Data
  }
}

// Contexts at hdr offset `offset`, `count` of them, not before `min_offset`.
Result<void> decode_contexts(const wire::Reader& r, std::size_t offset, std::size_t count, std::size_t min_offset,
                             std::vector<NegotiateContext>& out) {
  out.clear();
  if (count == 0) return {};
  // 2.2.3 NegotiateContextOffset: "from the beginning of the SMB2 header to the first, 8-byte-aligned
  // negotiate context".
  if (offset % 8 != 0) return errc::bad_alignment;
  if (offset < min_offset || offset > r.size()) return errc::bad_offset;
  std::size_t pos = offset;
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0) pos = align8(pos);
    auto head = r.view_at(pos, 8);
    if (!head) return errc::bad_length;  // context header runs past the end (or padding does)
    wire::Reader h(*head);
    NegotiateContext c;
    c.context_type = h.u16();
    std::uint16_t data_length = h.u16();
    c.reserved = h.u32();
    auto data = r.view_at(pos + 8, data_length);
    if (!data) return errc::bad_length;
    c.data = detail::to_bytes(*data);
    out.push_back(std::move(c));
    pos += 8 + data_length;
  }
  return {};
}

}  // namespace

bool NegotiateRequest::has_contexts_layout() const {
  return std::find(dialects.begin(), dialects.end(), kDialect311) != dialects.end();
}

// MS-SMB2 2.2.3
void encode(wire::Writer& w, const NegotiateRequest& m) {
  w.u16(m.structure_size);                               // 0x00 StructureSize (36)
  w.u16(static_cast<std::uint16_t>(m.dialects.size()));  // 0x02 DialectCount
  w.u16(m.security_mode);                                // 0x04 SecurityMode
  w.u16(m.reserved);                                     // 0x06 Reserved
  w.u32(m.capabilities);                                 // 0x08 Capabilities
  detail::put(w, m.client_guid);                         // 0x0C ClientGuid
  std::size_t offset_index = w.index();
  if (m.has_contexts_layout()) {
    w.u32(0);                                                        // 0x1C NegotiateContextOffset (patched)
    w.u16(static_cast<std::uint16_t>(m.negotiate_contexts.size()));  // 0x20 NegotiateContextCount
    w.u16(m.reserved2);                                              // 0x22 Reserved2
  } else {
    w.u64(m.client_start_time);                                      // 0x1C ClientStartTime
  }
  for (auto d : m.dialects) w.u16(d);                    // 0x24 Dialects
  if (m.has_contexts_layout() && !m.negotiate_contexts.empty()) {
    w.align(8);                                          // Padding to 8 bytes
    w.patch_u32(offset_index, static_cast<std::uint32_t>(w.offset()));
    encode_contexts(w, m.negotiate_contexts);            // NegotiateContextList
  }
}

Result<void> decode(wire::Reader& r, NegotiateRequest& out) {
  std::size_t start = r.pos();
  out.structure_size = r.u16();
  std::uint16_t dialect_count = r.u16();
  out.security_mode = r.u16();
  out.reserved = r.u16();
  out.capabilities = r.u32();
  out.client_guid = detail::get_guid(r);
  std::uint64_t at_1c = r.u64();  // ClientStartTime, or NegotiateContextOffset/Count/Reserved2
  if (!r.ok()) return errc::truncated;
  if (out.structure_size != 36) return errc::bad_structure_size;
  out.dialects.clear();
  for (std::size_t i = 0; i < dialect_count; ++i) out.dialects.push_back(r.u16());
  if (!r.ok()) return errc::truncated;  // the dialect array is part of the request (2.2.3)
  out.negotiate_contexts.clear();
  if (out.has_contexts_layout()) {
    out.client_start_time = 0;
    out.reserved2 = static_cast<std::uint16_t>(at_1c >> 48);
    std::size_t offset = static_cast<std::uint32_t>(at_1c);
    std::size_t count = static_cast<std::uint16_t>(at_1c >> 32);
    return decode_contexts(r, offset, count, start + kNegotiateRequestFixed + 2 * dialect_count, out.negotiate_contexts);
  }
  out.client_start_time = at_1c;
  out.reserved2 = 0;
  return {};
}

// MS-SMB2 2.2.4
void encode(wire::Writer& w, const NegotiateResponse& m) {
  std::size_t start = w.offset();
  bool v311 = m.dialect_revision == kDialect311;
  w.u16(m.structure_size);                  // 0x00 StructureSize (65)
  w.u16(m.security_mode);                   // 0x02 SecurityMode
  w.u16(m.dialect_revision);                // 0x04 DialectRevision
  w.u16(v311 ? static_cast<std::uint16_t>(m.negotiate_contexts.size()) : m.reserved);  // 0x06 Count/Reserved
  detail::put(w, m.server_guid);            // 0x08 ServerGuid
  w.u32(m.capabilities);                    // 0x18 Capabilities
  w.u32(m.max_transact_size);               // 0x1C MaxTransactSize
  w.u32(m.max_read_size);                   // 0x20 MaxReadSize
  w.u32(m.max_write_size);                  // 0x24 MaxWriteSize
  w.u64(m.system_time);                     // 0x28 SystemTime
  w.u64(m.server_start_time);               // 0x30 ServerStartTime
  w.u16(static_cast<std::uint16_t>(start + kNegotiateResponseFixed));          // 0x38 SecurityBufferOffset
  w.u16(static_cast<std::uint16_t>(m.security_buffer.size()));        // 0x3A SecurityBufferLength
  std::size_t offset_index = w.index();
  w.u32(v311 ? 0 : m.reserved2);            // 0x3C NegotiateContextOffset (patched) / Reserved2
  w.bytes(m.security_buffer);               // 0x40 Buffer
  if (v311 && !m.negotiate_contexts.empty()) {
    w.align(8);                             // Padding
    w.patch_u32(offset_index, static_cast<std::uint32_t>(w.offset()));
    encode_contexts(w, m.negotiate_contexts);  // NegotiateContextList
  }
  detail::pad_if_empty(w, start, kNegotiateResponseFixed);
}

Result<void> decode(wire::Reader& r, NegotiateResponse& out) {
  std::size_t start = r.pos();
  out.structure_size = r.u16();
  out.security_mode = r.u16();
  out.dialect_revision = r.u16();
  std::uint16_t at_06 = r.u16();
  out.server_guid = detail::get_guid(r);
  out.capabilities = r.u32();
  out.max_transact_size = r.u32();
  out.max_read_size = r.u32();
  out.max_write_size = r.u32();
  out.system_time = r.u64();
  out.server_start_time = r.u64();
  std::uint16_t sec_offset = r.u16();
  std::uint16_t sec_length = r.u16();
  std::uint32_t at_3c = r.u32();
  if (!r.ok()) return errc::truncated;
  if (out.structure_size != 65) return errc::bad_structure_size;
  auto sec = detail::buffer_at(r, sec_offset, sec_length, start + kNegotiateResponseFixed);
  if (!sec) return sec.error();
  out.security_buffer = detail::to_bytes(*sec);
  if (out.dialect_revision == kDialect311) {
    out.reserved = 0;
    out.reserved2 = 0;
    return decode_contexts(r, at_3c, at_06, start + kNegotiateResponseFixed, out.negotiate_contexts);
  }
  out.reserved = at_06;
  out.reserved2 = at_3c;
  out.negotiate_contexts.clear();
  return {};
}

const NegotiateContext* find_context(const std::vector<NegotiateContext>& contexts, std::uint16_t type) {
  for (const auto& c : contexts)
    if (c.context_type == type) return &c;
  return nullptr;
}

// MS-SMB2 2.2.3.1.1: HashAlgorithmCount (2) | SaltLength (2) | HashAlgorithms (2*n) | Salt
NegotiateContext make_context(const PreauthIntegrityCapabilities& c) {
  NegotiateContext out{SMB2_PREAUTH_INTEGRITY_CAPABILITIES, 0, {}};
  wire::Writer w(out.data);
  w.u16(static_cast<std::uint16_t>(c.hash_algorithms.size()));  // 0x00 HashAlgorithmCount
  w.u16(static_cast<std::uint16_t>(c.salt.size()));             // 0x02 SaltLength
  for (auto a : c.hash_algorithms) w.u16(a);                     // 0x04 HashAlgorithms
  w.bytes(c.salt);                                               // Salt
  return out;
}

Result<void> parse_context(wire::ByteView data, PreauthIntegrityCapabilities& out) {
  wire::Reader r(data);
  std::uint16_t count = r.u16();
  std::uint16_t salt_length = r.u16();
  if (!r.ok()) return errc::truncated;
  if (std::size_t{count} * 2 + salt_length > r.remaining()) return errc::bad_length;
  out.hash_algorithms.clear();
  for (std::size_t i = 0; i < count; ++i) out.hash_algorithms.push_back(r.u16());
  out.salt = detail::to_bytes(r.bytes(salt_length));
  return {};
}

// MS-SMB2 2.2.3.1.2: CipherCount (2) | Ciphers (2*n)
NegotiateContext make_context(const EncryptionCapabilities& c) {
  NegotiateContext out{SMB2_ENCRYPTION_CAPABILITIES, 0, {}};
  wire::Writer w(out.data);
  w.u16(static_cast<std::uint16_t>(c.ciphers.size()));  // 0x00 CipherCount
  for (auto a : c.ciphers) w.u16(a);                     // 0x02 Ciphers
  return out;
}

namespace {
Result<void> parse_u16_list(wire::ByteView data, std::vector<std::uint16_t>& out) {
  wire::Reader r(data);
  std::uint16_t count = r.u16();
  if (!r.ok()) return errc::truncated;
  if (std::size_t{count} * 2 > r.remaining()) return errc::bad_length;
  out.clear();
  for (std::size_t i = 0; i < count; ++i) out.push_back(r.u16());
  return {};
}
}  // namespace

Result<void> parse_context(wire::ByteView data, EncryptionCapabilities& out) {
  return parse_u16_list(data, out.ciphers);
}

// MS-SMB2 2.2.3.1.7: SigningAlgorithmCount (2) | SigningAlgorithms (2*n)
NegotiateContext make_context(const SigningCapabilities& c) {
  NegotiateContext out{SMB2_SIGNING_CAPABILITIES, 0, {}};
  wire::Writer w(out.data);
  w.u16(static_cast<std::uint16_t>(c.signing_algorithms.size()));  // 0x00 SigningAlgorithmCount
  for (auto a : c.signing_algorithms) w.u16(a);                     // 0x02 SigningAlgorithms
  return out;
}

Result<void> parse_context(wire::ByteView data, SigningCapabilities& out) {
  return parse_u16_list(data, out.signing_algorithms);
}

}  // namespace smb::proto
