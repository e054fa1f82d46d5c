// SMB2 CREATE request and response with create contexts (MS-SMB2 2.2.13, 2.2.13.2, 2.2.14, 2.2.14.2).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smbproto/fields.hpp"
#include "smbproto/names.hpp"
#include "smbproto/result.hpp"
#include "smbproto/wire.hpp"

namespace smb::proto {

/**
 * MS-SMB2 2.2.13.2 SMB2_CREATE_CONTEXT. Next, NameOffset/NameLength and DataOffset/DataLength are
 * derived. Names are "defined in network byte order": the 4-byte tags travel as their ASCII
 * characters ('D' 'H' 'n' 'Q'), the 16-byte GUID names in the byte order the spec lists.
 */
struct CreateContext {
  wire::Bytes name;
  std::uint16_t reserved = 0;  ///< +0x08 Reserved
  wire::Bytes data;
  bool operator==(const CreateContext&) const = default;
};

/** MS-SMB2 2.2.13 SMB2 CREATE Request. NameOffset/NameLength, CreateContextsOffset/Length derived. */
struct CreateRequest {
  std::uint16_t structure_size = 57;        ///< MUST be 57
  std::uint8_t security_flags = 0;          ///< MUST be 0
  std::uint8_t requested_oplock_level = 0;  ///< names::oplock_level
  std::uint32_t impersonation_level = 0;    ///< names::impersonation_level
  std::uint64_t smb_create_flags = 0;       ///< MUST be 0
  std::uint64_t reserved = 0;               ///< MUST be 0
  std::uint32_t desired_access = 0;         ///< names::access_mask
  std::uint32_t file_attributes = 0;        ///< names::file_attributes
  std::uint32_t share_access = 0;           ///< names::share_access
  std::uint32_t create_disposition = 0;     ///< names::create_disposition
  std::uint32_t create_options = 0;         ///< names::create_options
  std::string name;                         ///< UTF-8 here, UTF-16LE on the wire, share-relative
  std::vector<CreateContext> create_contexts;
  bool operator==(const CreateRequest&) const = default;
};

/** MS-SMB2 2.2.14 SMB2 CREATE Response. CreateContextsOffset/Length derived. */
struct CreateResponse {
  std::uint16_t structure_size = 89;  ///< MUST be 89
  std::uint8_t oplock_level = 0;      ///< names::oplock_level
  std::uint8_t flags = 0;             ///< names::create_response_flags (3.x)
  std::uint32_t create_action = 0;    ///< names::create_action
  std::uint64_t creation_time = 0;
  std::uint64_t last_access_time = 0;
  std::uint64_t last_write_time = 0;
  std::uint64_t change_time = 0;
  std::uint64_t allocation_size = 0;
  std::uint64_t end_of_file = 0;      ///< "EndofFile" (MS-FSCC spelling)
  std::uint32_t file_attributes = 0;  ///< names::file_attributes
  std::uint32_t reserved2 = 0;
  FileId file_id;
  std::vector<CreateContext> create_contexts;
  bool operator==(const CreateResponse&) const = default;
};

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, CreateContext>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("name"), m.name);
  v(field("reserved"), m.reserved);
  v(field("data"), m.data);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, CreateRequest>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("structure_size"), m.structure_size);
  v(field("security_flags"), m.security_flags);
  v(field("requested_oplock_level", &names::oplock_level), m.requested_oplock_level);
  v(field("impersonation_level", &names::impersonation_level), m.impersonation_level);
  v(field("smb_create_flags"), m.smb_create_flags);
  v(field("reserved"), m.reserved);
  v(field("desired_access", &names::access_mask), m.desired_access);
  v(field("file_attributes", &names::file_attributes), m.file_attributes);
  v(field("share_access", &names::share_access), m.share_access);
  v(field("create_disposition", &names::create_disposition), m.create_disposition);
  v(field("create_options", &names::create_options), m.create_options);
  v(field("name"), m.name);
  v(field("create_contexts"), m.create_contexts);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, CreateResponse>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("structure_size"), m.structure_size);
  v(field("oplock_level", &names::oplock_level), m.oplock_level);
  v(field("flags", &names::create_response_flags), m.flags);
  v(field("create_action", &names::create_action), m.create_action);
  v(field("creation_time"), m.creation_time);
  v(field("last_access_time"), m.last_access_time);
  v(field("last_write_time"), m.last_write_time);
  v(field("change_time"), m.change_time);
  v(field("allocation_size"), m.allocation_size);
  v(field("end_of_file"), m.end_of_file);
  v(field("file_attributes", &names::file_attributes), m.file_attributes);
  v(field("reserved2"), m.reserved2);
  v(field("file_id"), m.file_id);
  v(field("create_contexts"), m.create_contexts);
}

/**
 * Request: name at body 0x38 (one zero byte when empty, 2.2.13 "the Buffer MUST be at least one
 * byte"), then contexts at the next 8-byte hdr offset. Response: contexts at body 0x58.
 * Contexts: each 8-aligned, name at +0x10, data at the next 8-aligned offset (DataOffset 0 when
 * there is no data), the last one not padded.
 */
void encode(wire::Writer& w, const CreateRequest& m);
void encode(wire::Writer& w, const CreateResponse& m);
/**
 * Errors: errc::truncated, errc::bad_structure_size, errc::bad_offset (a buffer inside the fixed
 * part or past the end; a context's Next < 16 or past the list; a context name/data overlapping the
 * context header), errc::bad_length (a buffer, context header, name or data runs past its
 * container), errc::bad_alignment (CreateContextsOffset or Next not a multiple of 8),
 * errc::bad_string (request name of odd length / broken surrogate).
 */
Result<void> decode(wire::Reader& r, CreateRequest& out);
Result<void> decode(wire::Reader& r, CreateResponse& out);

// ---- Create context names (MS-SMB2 2.2.13.2 and 2.2.14.2) ----
inline constexpr std::string_view SMB2_CREATE_EA_BUFFER = "ExtA";
inline constexpr std::string_view SMB2_CREATE_SD_BUFFER = "SecD";
inline constexpr std::string_view SMB2_CREATE_DURABLE_HANDLE_REQUEST = "DHnQ";   ///< also the response tag
inline constexpr std::string_view SMB2_CREATE_DURABLE_HANDLE_RECONNECT = "DHnC";
inline constexpr std::string_view SMB2_CREATE_ALLOCATION_SIZE = "AlSi";
inline constexpr std::string_view SMB2_CREATE_QUERY_MAXIMAL_ACCESS_REQUEST = "MxAc";  ///< also the response tag
inline constexpr std::string_view SMB2_CREATE_TIMEWARP_TOKEN = "TWrp";
inline constexpr std::string_view SMB2_CREATE_QUERY_ON_DISK_ID = "QFid";
inline constexpr std::string_view SMB2_CREATE_REQUEST_LEASE = "RqLs";  ///< v1 and v2 share the tag
inline constexpr std::string_view SMB2_CREATE_DURABLE_HANDLE_REQUEST_V2 = "DH2Q";
inline constexpr std::string_view SMB2_CREATE_DURABLE_HANDLE_RECONNECT_V2 = "DH2C";
inline constexpr std::array<std::uint8_t, 16> SMB2_CREATE_APP_INSTANCE_ID = {
    0x45, 0xBC, 0xA6, 0x6A, 0xEF, 0xA7, 0xF7, 0x4A, 0x90, 0x08, 0xFA, 0x46, 0x2E, 0x14, 0x4D, 0x74};
inline constexpr std::array<std::uint8_t, 16> SMB2_CREATE_APP_INSTANCE_VERSION = {
    0xB9, 0x82, 0xD0, 0xB7, 0x3B, 0x56, 0x07, 0x4F, 0xA0, 0x7B, 0x52, 0x4A, 0x81, 0x16, 0xA0, 0x10};

/** The ASCII bytes of a 4-character tag ("DHnQ" -> 44 48 6E 51). */
wire::Bytes create_context_name(std::string_view tag);
/** The first context whose name equals `name` (or the tag's bytes), or nullptr. */
const CreateContext* find_create_context(const std::vector<CreateContext>& contexts, wire::ByteView name);
const CreateContext* find_create_context(const std::vector<CreateContext>& contexts, std::string_view tag);

// ---- Typed create-context data ----

/** 2.2.13.2.3 SMB2_CREATE_DURABLE_HANDLE_REQUEST ("DHnQ", 16 bytes, MUST be 0). */
struct DurableHandleRequest {
  std::array<std::uint8_t, 16> durable_request{};
  bool operator==(const DurableHandleRequest&) const = default;
};
/** 2.2.14.2.3 SMB2_CREATE_DURABLE_HANDLE_RESPONSE ("DHnQ", 8 reserved bytes). */
struct DurableHandleResponse {
  std::uint64_t reserved = 0;
  bool operator==(const DurableHandleResponse&) const = default;
};
/** 2.2.13.2.11 SMB2_CREATE_DURABLE_HANDLE_REQUEST_V2 ("DH2Q", 32 bytes). */
struct DurableHandleRequestV2 {
  std::uint32_t timeout = 0;   ///< milliseconds; 0 = server default
  std::uint32_t flags = 0;     ///< names::durable_handle_flags
  std::uint64_t reserved = 0;
  Guid create_guid;
  bool operator==(const DurableHandleRequestV2&) const = default;
};
/** 2.2.14.2.12 SMB2_CREATE_DURABLE_HANDLE_RESPONSE_V2 ("DH2Q", 8 bytes). */
struct DurableHandleResponseV2 {
  std::uint32_t timeout = 0;
  std::uint32_t flags = 0;     ///< names::durable_handle_flags
  bool operator==(const DurableHandleResponseV2&) const = default;
};
/** 2.2.13.2.5 SMB2_CREATE_QUERY_MAXIMAL_ACCESS_REQUEST ("MxAc"): empty, or an 8-byte Timestamp. */
struct QueryMaximalAccessRequest {
  std::optional<std::uint64_t> timestamp;
  bool operator==(const QueryMaximalAccessRequest&) const = default;
};
/** 2.2.14.2.5 SMB2_CREATE_QUERY_MAXIMAL_ACCESS_RESPONSE ("MxAc", 8 bytes). */
struct QueryMaximalAccessResponse {
  std::uint32_t query_status = 0;    ///< NTSTATUS
  std::uint32_t maximal_access = 0;  ///< names::access_mask
  bool operator==(const QueryMaximalAccessResponse&) const = default;
};
/** 2.2.14.2.9 SMB2_CREATE_QUERY_ON_DISK_ID ("QFid" response, 32 bytes). */
struct QueryOnDiskIdResponse {
  std::array<std::uint8_t, 32> disk_file_id{};
  bool operator==(const QueryOnDiskIdResponse&) const = default;
};
/** 2.2.13.2.8 SMB2_CREATE_REQUEST_LEASE / 2.2.14.2.10 response ("RqLs", 32 bytes). */
struct RequestLease {
  std::array<std::uint8_t, 16> lease_key{};
  std::uint32_t lease_state = 0;  ///< names::lease_state
  std::uint32_t lease_flags = 0;
  std::uint64_t lease_duration = 0;
  bool operator==(const RequestLease&) const = default;
};
/** 2.2.13.2.10 SMB2_CREATE_REQUEST_LEASE_V2 / 2.2.14.2.11 response ("RqLs", 52 bytes, 3.x). */
struct RequestLeaseV2 {
  std::array<std::uint8_t, 16> lease_key{};
  std::uint32_t lease_state = 0;  ///< names::lease_state
  std::uint32_t flags = 0;        ///< names::lease_flags
  std::uint64_t lease_duration = 0;
  std::array<std::uint8_t, 16> parent_lease_key{};
  std::uint16_t epoch = 0;
  std::uint16_t reserved = 0;
  bool operator==(const RequestLeaseV2&) const = default;
};

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, DurableHandleRequest>
constexpr void for_each_field(M&& m, V&& v) { v(field("durable_request"), m.durable_request); }
template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, DurableHandleResponse>
constexpr void for_each_field(M&& m, V&& v) { v(field("reserved"), m.reserved); }
template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, DurableHandleRequestV2>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("timeout"), m.timeout);
  v(field("flags", &names::durable_handle_flags), m.flags);
  v(field("reserved"), m.reserved);
  v(field("create_guid"), m.create_guid);
}
template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, DurableHandleResponseV2>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("timeout"), m.timeout);
  v(field("flags", &names::durable_handle_flags), m.flags);
}
template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, QueryMaximalAccessRequest>
constexpr void for_each_field(M&& m, V&& v) { v(field("timestamp"), m.timestamp); }
template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, QueryMaximalAccessResponse>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("query_status"), m.query_status);
  v(field("maximal_access", &names::access_mask), m.maximal_access);
}
template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, QueryOnDiskIdResponse>
constexpr void for_each_field(M&& m, V&& v) { v(field("disk_file_id"), m.disk_file_id); }
template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, RequestLease>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("lease_key"), m.lease_key);
  v(field("lease_state", &names::lease_state), m.lease_state);
  v(field("lease_flags"), m.lease_flags);
  v(field("lease_duration"), m.lease_duration);
}
template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, RequestLeaseV2>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("lease_key"), m.lease_key);
  v(field("lease_state", &names::lease_state), m.lease_state);
  v(field("flags", &names::lease_flags), m.flags);
  v(field("lease_duration"), m.lease_duration);
  v(field("parent_lease_key"), m.parent_lease_key);
  v(field("epoch"), m.epoch);
  v(field("reserved"), m.reserved);
}

/** A context with the right tag and the encoded data. */
CreateContext make_create_context(const DurableHandleRequest& d);
CreateContext make_create_context(const DurableHandleResponse& d);
CreateContext make_create_context(const DurableHandleRequestV2& d);
CreateContext make_create_context(const DurableHandleResponseV2& d);
CreateContext make_create_context(const QueryMaximalAccessRequest& d);
CreateContext make_create_context(const QueryMaximalAccessResponse& d);
CreateContext make_create_context(const QueryOnDiskIdResponse& d);
CreateContext make_create_context(const RequestLease& d);
CreateContext make_create_context(const RequestLeaseV2& d);

/**
 * Parses a context's data (the name is not checked: callers find the context by name first).
 * Errors: errc::bad_length when the data size is not the structure's (MxAc request: 0 or 8;
 * RqLs: exactly 32 for v1, 52 for v2, 3.3.5.9 "neither 0x20 nor 0x34 -> INVALID_PARAMETER").
 */
Result<void> parse_create_context(const CreateContext& c, DurableHandleRequest& out);
Result<void> parse_create_context(const CreateContext& c, DurableHandleResponse& out);
Result<void> parse_create_context(const CreateContext& c, DurableHandleRequestV2& out);
Result<void> parse_create_context(const CreateContext& c, DurableHandleResponseV2& out);
Result<void> parse_create_context(const CreateContext& c, QueryMaximalAccessRequest& out);
Result<void> parse_create_context(const CreateContext& c, QueryMaximalAccessResponse& out);
Result<void> parse_create_context(const CreateContext& c, QueryOnDiskIdResponse& out);
Result<void> parse_create_context(const CreateContext& c, RequestLease& out);
Result<void> parse_create_context(const CreateContext& c, RequestLeaseV2& out);

}  // namespace smb::proto
