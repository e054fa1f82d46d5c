// SMB2 NEGOTIATE request and response with 3.1.1 negotiate contexts (MS-SMB2 2.2.3, 2.2.4).
#pragma once

#include <cstdint>
#include <vector>

#include "smbproto/fields.hpp"
#include "smbproto/names.hpp"
#include "smbproto/result.hpp"
#include "smbproto/wire.hpp"

namespace smb::proto {

inline constexpr std::uint16_t kDialect311 = 0x0311;

// MS-SMB2 2.2.3.1 ContextType values.
inline constexpr std::uint16_t SMB2_PREAUTH_INTEGRITY_CAPABILITIES = 0x0001;
inline constexpr std::uint16_t SMB2_ENCRYPTION_CAPABILITIES = 0x0002;
inline constexpr std::uint16_t SMB2_COMPRESSION_CAPABILITIES = 0x0003;
inline constexpr std::uint16_t SMB2_NETNAME_NEGOTIATE_CONTEXT_ID = 0x0005;
inline constexpr std::uint16_t SMB2_TRANSPORT_CAPABILITIES = 0x0006;
inline constexpr std::uint16_t SMB2_RDMA_TRANSFORM_CAPABILITIES = 0x0007;
inline constexpr std::uint16_t SMB2_SIGNING_CAPABILITIES = 0x0008;

/**
 * MS-SMB2 2.2.3.1 SMB2 NEGOTIATE_CONTEXT: ContextType (2) | DataLength (2) | Reserved (4) | Data.
 * DataLength is derived from `data`; each context starts 8-byte aligned (hdr-relative).
 */
struct NegotiateContext {
  std::uint16_t context_type = 0;
  std::uint32_t reserved = 0;  ///< MUST be 0, ignored on receipt
  wire::Bytes data;            ///< raw Data; see the typed helpers below
  bool operator==(const NegotiateContext&) const = default;
};

/** MS-SMB2 2.2.3 SMB2 NEGOTIATE Request. */
struct NegotiateRequest {
  std::uint16_t structure_size = 36;  ///< MUST be 36 whatever the dialect count
  // DialectCount (0x02) is dialects.size().
  std::uint16_t security_mode = 0;    ///< names::security_mode
  std::uint16_t reserved = 0;         ///< MUST be 0 (<9> Win8.1+ fail non-zero with STATUS_NOT_SUPPORTED)
  std::uint32_t capabilities = 0;     ///< names::global_capabilities
  Guid client_guid;
  /**
   * ClientStartTime (0x1C, 8 bytes): present only when 0x0311 is NOT among the dialects (MUST be 0).
   * With 0x0311 the same bytes are NegotiateContextOffset (4), NegotiateContextCount (2) and
   * `reserved2` (2); offset and count are derived from `negotiate_contexts`.
   */
  std::uint64_t client_start_time = 0;
  std::uint16_t reserved2 = 0;        ///< only with 0x0311 (body 0x22)
  std::vector<std::uint16_t> dialects;  ///< names::dialect
  std::vector<NegotiateContext> negotiate_contexts;  ///< only with 0x0311
  bool operator==(const NegotiateRequest&) const = default;
  /** True when 0x0311 is offered, i.e. the 3.1.1 layout of body 0x1C..0x23 applies (2.2.3). */
  bool has_contexts_layout() const;
};

/** MS-SMB2 2.2.4 SMB2 NEGOTIATE Response. */
struct NegotiateResponse {
  std::uint16_t structure_size = 65;  ///< MUST be 65
  std::uint16_t security_mode = 0;    ///< names::security_mode
  std::uint16_t dialect_revision = 0; ///< names::dialect
  /** Body 0x06 when DialectRevision != 0x0311 (Reserved); with 0x0311 it is NegotiateContextCount (derived). */
  std::uint16_t reserved = 0;
  Guid server_guid;
  std::uint32_t capabilities = 0;     ///< names::global_capabilities
  std::uint32_t max_transact_size = 0;
  std::uint32_t max_read_size = 0;
  std::uint32_t max_write_size = 0;
  std::uint64_t system_time = 0;      ///< FILETIME
  std::uint64_t server_start_time = 0;
  /** Body 0x3C when DialectRevision != 0x0311 (Reserved2); with 0x0311 it is NegotiateContextOffset (derived). */
  std::uint32_t reserved2 = 0;
  wire::Bytes security_buffer;        ///< GSS token; SecurityBufferOffset/Length derived
  std::vector<NegotiateContext> negotiate_contexts;  ///< only with DialectRevision 0x0311
  bool operator==(const NegotiateResponse&) const = default;
};

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, NegotiateContext>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("context_type", &names::negotiate_context_type), m.context_type);
  v(field("reserved"), m.reserved);
  v(field("data"), m.data);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, NegotiateRequest>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("structure_size"), m.structure_size);
  v(field("security_mode", &names::security_mode), m.security_mode);
  v(field("reserved"), m.reserved);
  v(field("capabilities", &names::global_capabilities), m.capabilities);
  v(field("client_guid"), m.client_guid);
  v(field("client_start_time"), m.client_start_time);
  v(field("reserved2"), m.reserved2);
  v(field("dialects", &names::dialect), m.dialects);
  v(field("negotiate_contexts"), m.negotiate_contexts);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, NegotiateResponse>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("structure_size"), m.structure_size);
  v(field("security_mode", &names::security_mode), m.security_mode);
  v(field("dialect_revision", &names::dialect), m.dialect_revision);
  v(field("reserved"), m.reserved);
  v(field("server_guid"), m.server_guid);
  v(field("capabilities", &names::global_capabilities), m.capabilities);
  v(field("max_transact_size"), m.max_transact_size);
  v(field("max_read_size"), m.max_read_size);
  v(field("max_write_size"), m.max_write_size);
  v(field("system_time"), m.system_time);
  v(field("server_start_time"), m.server_start_time);
  v(field("reserved2"), m.reserved2);
  v(field("security_buffer"), m.security_buffer);
  v(field("negotiate_contexts"), m.negotiate_contexts);
}

/**
 * Appends the body. Request: dialects at body 0x24, then (3.1.1) zero padding to an 8-byte hdr
 * offset and the contexts, each 8-aligned. Response: the security buffer at body 0x40, then
 * (3.1.1) padding and the contexts. The last context is not padded.
 */
void encode(wire::Writer& w, const NegotiateRequest& m);
void encode(wire::Writer& w, const NegotiateResponse& m);
/**
 * Decodes the body. Errors: errc::truncated (fixed part or dialect array cut),
 * errc::bad_structure_size, errc::bad_offset (SecurityBufferOffset / NegotiateContextOffset
 * inside the fixed part or past the end), errc::bad_length (a buffer or context runs past the
 * end), errc::bad_alignment (NegotiateContextOffset not a multiple of 8).
 */
Result<void> decode(wire::Reader& r, NegotiateRequest& out);
Result<void> decode(wire::Reader& r, NegotiateResponse& out);

/** The first context of `type`, or nullptr. */
const NegotiateContext* find_context(const std::vector<NegotiateContext>& contexts, std::uint16_t type);

/** MS-SMB2 2.2.3.1.1 SMB2_PREAUTH_INTEGRITY_CAPABILITIES data. Counts/lengths derived. */
struct PreauthIntegrityCapabilities {
  std::vector<std::uint16_t> hash_algorithms;  ///< names::hash_algorithm (0x0001 SHA-512)
  wire::Bytes salt;
  bool operator==(const PreauthIntegrityCapabilities&) const = default;
};
/** MS-SMB2 2.2.3.1.2 SMB2_ENCRYPTION_CAPABILITIES data. */
struct EncryptionCapabilities {
  std::vector<std::uint16_t> ciphers;  ///< names::cipher, preference order
  bool operator==(const EncryptionCapabilities&) const = default;
};
/** MS-SMB2 2.2.3.1.7 SMB2_SIGNING_CAPABILITIES data. */
struct SigningCapabilities {
  std::vector<std::uint16_t> signing_algorithms;  ///< names::signing_algorithm
  bool operator==(const SigningCapabilities&) const = default;
};

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, PreauthIntegrityCapabilities>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("hash_algorithms", &names::hash_algorithm), m.hash_algorithms);
  v(field("salt"), m.salt);
}
template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, EncryptionCapabilities>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("ciphers", &names::cipher), m.ciphers);
}
template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, SigningCapabilities>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("signing_algorithms", &names::signing_algorithm), m.signing_algorithms);
}

/** Builds the context (type and Data) for each typed capability. */
NegotiateContext make_context(const PreauthIntegrityCapabilities& c);
NegotiateContext make_context(const EncryptionCapabilities& c);
NegotiateContext make_context(const SigningCapabilities& c);
/**
 * Parses a context's Data. Counts of 0 are accepted here (the server decides, 3.3.5.4).
 * Errors: errc::truncated (shorter than the fixed count fields: "a context shorter than its fixed
 * structure", 3.3.5.4), errc::bad_length (the arrays/salt run past DataLength).
 */
Result<void> parse_context(wire::ByteView data, PreauthIntegrityCapabilities& out);
Result<void> parse_context(wire::ByteView data, EncryptionCapabilities& out);
Result<void> parse_context(wire::ByteView data, SigningCapabilities& out);

}  // namespace smb::proto
