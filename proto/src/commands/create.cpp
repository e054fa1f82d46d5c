// SMB2 CREATE codec (MS-SMB2 2.2.13, 2.2.13.2, 2.2.14, 2.2.14.2). Body offsets in hex.
#include "smbproto/commands/create.hpp"

#include <algorithm>

#include "body.hpp"
#include "smbproto/detail/fileid.hpp"

namespace smb::proto {
namespace {

constexpr std::size_t kCreateRequestFixed = 56;   // StructureSize 57 = 56 + 1 byte of Buffer
constexpr std::size_t kCreateResponseFixed = 88;  // StructureSize 89 = 88 + 1
constexpr std::size_t kContextHeader = 16;  // 2.2.13.2: Next..DataLength

// Writes the chain; the writer must be 8-aligned (hdr-relative). Returns CreateContextsLength.
std::size_t encode_contexts(wire::Writer& w, const std::vector<CreateContext>& contexts) {
  std::size_t begin = w.offset();
  std::size_t prev_next_index = 0;
  std::size_t prev_start = 0;
  for (std::size_t i = 0; i < contexts.size(); ++i) {
    const auto& c = contexts[i];
    if (i > 0) {
      w.align(8);  // 2.2.13.2 Next: "the offset ... to its 8-byte aligned name/value pair"
      w.patch_u32(prev_next_index, static_cast<std::uint32_t>(w.offset() - prev_start));
    }
    std::size_t start = w.offset();
    prev_start = start;
    prev_next_index = w.index();
    w.u32(0);                                                       // +0x00 Next (patched)
    w.u16(static_cast<std::uint16_t>(kContextHeader));              // +0x04 NameOffset
    w.u16(static_cast<std::uint16_t>(c.name.size()));               // +0x06 NameLength
    w.u16(c.reserved);                                              // +0x08 Reserved
    std::size_t data_offset_index = w.index();
    w.u16(0);                                                       // +0x0A DataOffset (patched)
    w.u32(static_cast<std::uint32_t>(c.data.size()));               // +0x0C DataLength
    w.bytes(c.name);                                                // +0x10 Buffer: name
    if (!c.data.empty()) {
      w.align(8);                                                   // DataOffset is 8-aligned
      w.patch_u16(data_offset_index, static_cast<std::uint16_t>(w.offset() - start));
      w.bytes(c.data);                                              // data
    }
  }
  return w.offset() - begin;
}

// The chain inside `list` (the CreateContextsOffset/Length region). Positions are list-relative;
// the list itself starts 8-aligned, so list-relative alignment equals hdr-relative alignment.
Result<void> decode_contexts(wire::ByteView list, std::vector<CreateContext>& out) {
  out.clear();
  std::size_t pos = 0;
  for (;;) {  // terminates: each Next is >= 16 and stays inside the list
    if (list.size() - pos < kContextHeader) return errc::bad_length;
    wire::Reader h(list.subspan(pos, kContextHeader));
    std::uint32_t next = h.u32();
    std::uint16_t name_offset = h.u16();
    std::uint16_t name_length = h.u16();
    std::uint16_t reserved = h.u16();
    std::uint16_t data_offset = h.u16();
    std::uint32_t data_length = h.u32();
    std::size_t end = list.size() - pos;  // this context's extent, context-relative
    if (next != 0) {
      if (next % 8 != 0) return errc::bad_alignment;
      if (next < kContextHeader || next > end) return errc::bad_offset;
      end = next;
    }
    CreateContext c;
    c.reserved = reserved;
    if (name_length > 0) {
      if (name_offset < kContextHeader || name_offset > end) return errc::bad_offset;
      if (name_length > end - name_offset) return errc::bad_length;
      auto n = list.subspan(pos + name_offset, name_length);
      c.name.assign(n.begin(), n.end());
    }
    if (data_length > 0) {
      if (data_offset < kContextHeader || data_offset > end) return errc::bad_offset;
      if (data_length > end - data_offset) return errc::bad_length;
      auto d = list.subspan(pos + data_offset, data_length);
      c.data.assign(d.begin(), d.end());
    }
    out.push_back(std::move(c));
    if (next == 0) break;
    pos += next;
  }
  return {};
}

Result<void> contexts_at(const wire::Reader& r, std::uint32_t offset, std::uint32_t length, std::size_t min_offset,
                         std::vector<CreateContext>& out) {
  out.clear();
  if (length == 0) return {};
  // 2.2.13 CreateContextsOffset: "the offset, in bytes, from the beginning of the SMB2 header to the
  // first 8-byte aligned SMB2_CREATE_CONTEXT structure".
  if (offset % 8 != 0) return errc::bad_alignment;
  auto list = detail::buffer_at(r, offset, length, min_offset);
  if (!list) return list.error();
  return decode_contexts(*list, out);
}

}  // namespace

// MS-SMB2 2.2.13
void encode(wire::Writer& w, const CreateRequest& m) {
  std::size_t start = w.offset();
  wire::Bytes name = wire::utf16le_from_utf8(m.name);
  w.u16(m.structure_size);                                   // 0x00 StructureSize (57)
  w.u8(m.security_flags);                                    // 0x02 SecurityFlags
  w.u8(m.requested_oplock_level);                            // 0x03 RequestedOplockLevel
  w.u32(m.impersonation_level);                              // 0x04 ImpersonationLevel
  w.u64(m.smb_create_flags);                                 // 0x08 SmbCreateFlags
  w.u64(m.reserved);                                         // 0x10 Reserved
  w.u32(m.desired_access);                                   // 0x18 DesiredAccess
  w.u32(m.file_attributes);                                  // 0x1C FileAttributes
  w.u32(m.share_access);                                     // 0x20 ShareAccess
  w.u32(m.create_disposition);                               // 0x24 CreateDisposition
  w.u32(m.create_options);                                   // 0x28 CreateOptions
  w.u16(static_cast<std::uint16_t>(start + kCreateRequestFixed));  // 0x2C NameOffset
  w.u16(static_cast<std::uint16_t>(name.size()));            // 0x2E NameLength
  std::size_t ctx_index = w.index();
  w.u32(0);                                                  // 0x30 CreateContextsOffset (patched)
  w.u32(0);                                                  // 0x34 CreateContextsLength (patched)
  w.bytes(name);                                             // 0x38 Buffer: name
  detail::pad_if_empty(w, start, kCreateRequestFixed);             // "at least one byte" even for ""
  if (!m.create_contexts.empty()) {
    w.align(8);
    std::size_t offset = w.offset();
    std::size_t length = encode_contexts(w, m.create_contexts);
    w.patch_u32(ctx_index, static_cast<std::uint32_t>(offset));
    w.patch_u32(ctx_index + 4, static_cast<std::uint32_t>(length));
  }
}

Result<void> decode(wire::Reader& r, CreateRequest& out) {
  std::size_t start = r.pos();
  out.structure_size = r.u16();
  out.security_flags = r.u8();
  out.requested_oplock_level = r.u8();
  out.impersonation_level = r.u32();
  out.smb_create_flags = r.u64();
  out.reserved = r.u64();
  out.desired_access = r.u32();
  out.file_attributes = r.u32();
  out.share_access = r.u32();
  out.create_disposition = r.u32();
  out.create_options = r.u32();
  std::uint16_t name_offset = r.u16();
  std::uint16_t name_length = r.u16();
  std::uint32_t ctx_offset = r.u32();
  std::uint32_t ctx_length = r.u32();
  if (!r.ok()) return errc::truncated;
  if (out.structure_size != 57) return errc::bad_structure_size;
  auto name = detail::utf16_at(r, name_offset, name_length, start + kCreateRequestFixed);
  if (!name) return name.error();
  out.name = std::move(*name);
  return contexts_at(r, ctx_offset, ctx_length, start + kCreateRequestFixed, out.create_contexts);
}

// MS-SMB2 2.2.14
void encode(wire::Writer& w, const CreateResponse& m) {
  std::size_t start = w.offset();
  w.u16(m.structure_size);         // 0x00 StructureSize (89)
  w.u8(m.oplock_level);            // 0x02 OplockLevel
  w.u8(m.flags);                   // 0x03 Flags
  w.u32(m.create_action);          // 0x04 CreateAction
  w.u64(m.creation_time);          // 0x08 CreationTime
  w.u64(m.last_access_time);       // 0x10 LastAccessTime
  w.u64(m.last_write_time);        // 0x18 LastWriteTime
  w.u64(m.change_time);            // 0x20 ChangeTime
  w.u64(m.allocation_size);        // 0x28 AllocationSize
  w.u64(m.end_of_file);            // 0x30 EndofFile
  w.u32(m.file_attributes);        // 0x38 FileAttributes
  w.u32(m.reserved2);              // 0x3C Reserved2
  detail::put(w, m.file_id);       // 0x40 FileId
  std::size_t ctx_index = w.index();
  w.u32(0);                        // 0x50 CreateContextsOffset (patched)
  w.u32(0);                        // 0x54 CreateContextsLength (patched)
  if (!m.create_contexts.empty()) {
    w.align(8);                    // 0x58 Buffer (hdr 0x98, already 8-aligned)
    std::size_t offset = w.offset();
    std::size_t length = encode_contexts(w, m.create_contexts);
    w.patch_u32(ctx_index, static_cast<std::uint32_t>(offset));
    w.patch_u32(ctx_index + 4, static_cast<std::uint32_t>(length));
  }
  detail::pad_if_empty(w, start, kCreateResponseFixed);
}

Result<void> decode(wire::Reader& r, CreateResponse& out) {
  std::size_t start = r.pos();
  out.structure_size = r.u16();
  out.oplock_level = r.u8();
  out.flags = r.u8();
  out.create_action = r.u32();
  out.creation_time = r.u64();
  out.last_access_time = r.u64();
  out.last_write_time = r.u64();
  out.change_time = r.u64();
  out.allocation_size = r.u64();
  out.end_of_file = r.u64();
  out.file_attributes = r.u32();
  out.reserved2 = r.u32();
  out.file_id = detail::get_file_id(r);
  std::uint32_t ctx_offset = r.u32();
  std::uint32_t ctx_length = r.u32();
  if (!r.ok()) return errc::truncated;
  if (out.structure_size != 89) return errc::bad_structure_size;
  return contexts_at(r, ctx_offset, ctx_length, start + kCreateResponseFixed, out.create_contexts);
}

// ---- names ----

wire::Bytes create_context_name(std::string_view tag) { return wire::Bytes(tag.begin(), tag.end()); }

const CreateContext* find_create_context(const std::vector<CreateContext>& contexts, wire::ByteView name) {
  for (const auto& c : contexts)
    if (std::equal(c.name.begin(), c.name.end(), name.begin(), name.end())) return &c;
  return nullptr;
}

const CreateContext* find_create_context(const std::vector<CreateContext>& contexts, std::string_view tag) {
  auto n = create_context_name(tag);
  return find_create_context(contexts, wire::ByteView(n));
}

// ---- typed data ----
namespace {
template <class F>
CreateContext build(std::string_view tag, F&& write) {
  CreateContext c;
  c.name = create_context_name(tag);
  wire::Writer w(c.data);
  write(w);
  return c;
}
Result<void> need_size(const CreateContext& c, std::size_t n) {
  if (c.data.size() != n) return errc::bad_length;
  return {};
}
}  // namespace

// 2.2.13.2.3: DurableRequest (16 bytes)
CreateContext make_create_context(const DurableHandleRequest& d) {
  return build(SMB2_CREATE_DURABLE_HANDLE_REQUEST, [&](wire::Writer& w) { w.array(d.durable_request); });
}
Result<void> parse_create_context(const CreateContext& c, DurableHandleRequest& out) {
  if (auto e = need_size(c, 16); !e) return e;
  std::copy(c.data.begin(), c.data.end(), out.durable_request.begin());
  return {};
}

// 2.2.14.2.3: Reserved (8 bytes)
CreateContext make_create_context(const DurableHandleResponse& d) {
  return build(SMB2_CREATE_DURABLE_HANDLE_REQUEST, [&](wire::Writer& w) { w.u64(d.reserved); });
}
Result<void> parse_create_context(const CreateContext& c, DurableHandleResponse& out) {
  if (auto e = need_size(c, 8); !e) return e;
  wire::Reader r(c.data);
  out.reserved = r.u64();
  return {};
}

// 2.2.13.2.11: Timeout (4) | Flags (4) | Reserved (8) | CreateGuid (16)
CreateContext make_create_context(const DurableHandleRequestV2& d) {
  return build(SMB2_CREATE_DURABLE_HANDLE_REQUEST_V2, [&](wire::Writer& w) {
    w.u32(d.timeout);                 // 0x00 Timeout
    w.u32(d.flags);                   // 0x04 Flags
    w.u64(d.reserved);                // 0x08 Reserved
    detail::put(w, d.create_guid);    // 0x10 CreateGuid
  });
}
Result<void> parse_create_context(const CreateContext& c, DurableHandleRequestV2& out) {
  if (auto e = need_size(c, 32); !e) return e;
  wire::Reader r(c.data);
  out.timeout = r.u32();
  out.flags = r.u32();
  out.reserved = r.u64();
  out.create_guid = detail::get_guid(r);
  return {};
}

// 2.2.14.2.12: Timeout (4) | Flags (4)
CreateContext make_create_context(const DurableHandleResponseV2& d) {
  return build(SMB2_CREATE_DURABLE_HANDLE_REQUEST_V2, [&](wire::Writer& w) {
    w.u32(d.timeout);  // 0x00 Timeout
    w.u32(d.flags);    // 0x04 Flags
  });
}
Result<void> parse_create_context(const CreateContext& c, DurableHandleResponseV2& out) {
  if (auto e = need_size(c, 8); !e) return e;
  wire::Reader r(c.data);
  out.timeout = r.u32();
  out.flags = r.u32();
  return {};
}

// 2.2.13.2.5: Timestamp (8, optional)
CreateContext make_create_context(const QueryMaximalAccessRequest& d) {
  return build(SMB2_CREATE_QUERY_MAXIMAL_ACCESS_REQUEST, [&](wire::Writer& w) {
    if (d.timestamp) w.u64(*d.timestamp);
  });
}
Result<void> parse_create_context(const CreateContext& c, QueryMaximalAccessRequest& out) {
  if (c.data.empty()) {
    out.timestamp.reset();
    return {};
  }
  if (auto e = need_size(c, 8); !e) return e;
  wire::Reader r(c.data);
  out.timestamp = r.u64();
  return {};
}

// 2.2.14.2.5: QueryStatus (4) | MaximalAccess (4)
CreateContext make_create_context(const QueryMaximalAccessResponse& d) {
  return build(SMB2_CREATE_QUERY_MAXIMAL_ACCESS_REQUEST, [&](wire::Writer& w) {
    w.u32(d.query_status);    // 0x00 QueryStatus
    w.u32(d.maximal_access);  // 0x04 MaximalAccess
  });
}
Result<void> parse_create_context(const CreateContext& c, QueryMaximalAccessResponse& out) {
  if (auto e = need_size(c, 8); !e) return e;
  wire::Reader r(c.data);
  out.query_status = r.u32();
  out.maximal_access = r.u32();
  return {};
}

// 2.2.14.2.9: DiskFileId (32)
CreateContext make_create_context(const QueryOnDiskIdResponse& d) {
  return build(SMB2_CREATE_QUERY_ON_DISK_ID, [&](wire::Writer& w) { w.array(d.disk_file_id); });
}
Result<void> parse_create_context(const CreateContext& c, QueryOnDiskIdResponse& out) {
  if (auto e = need_size(c, 32); !e) return e;
  std::copy(c.data.begin(), c.data.end(), out.disk_file_id.begin());
  return {};
}

// 2.2.13.2.8: LeaseKey (16) | LeaseState (4) | LeaseFlags (4) | LeaseDuration (8)
CreateContext make_create_context(const RequestLease& d) {
  return build(SMB2_CREATE_REQUEST_LEASE, [&](wire::Writer& w) {
    w.array(d.lease_key);     // 0x00 LeaseKey
    w.u32(d.lease_state);     // 0x10 LeaseState
    w.u32(d.lease_flags);     // 0x14 LeaseFlags
    w.u64(d.lease_duration);  // 0x18 LeaseDuration
  });
}
Result<void> parse_create_context(const CreateContext& c, RequestLease& out) {
  if (auto e = need_size(c, 0x20); !e) return e;
  wire::Reader r(c.data);
  out.lease_key = r.array<16>();
  out.lease_state = r.u32();
  out.lease_flags = r.u32();
  out.lease_duration = r.u64();
  return {};
}

// 2.2.13.2.10: LeaseKey (16) | LeaseState (4) | Flags (4) | LeaseDuration (8) | ParentLeaseKey (16)
//              | Epoch (2) | Reserved (2)
CreateContext make_create_context(const RequestLeaseV2& d) {
  return build(SMB2_CREATE_REQUEST_LEASE, [&](wire::Writer& w) {
    w.array(d.lease_key);         // 0x00 LeaseKey
    w.u32(d.lease_state);         // 0x10 LeaseState
    w.u32(d.flags);               // 0x14 Flags
    w.u64(d.lease_duration);      // 0x18 LeaseDuration
    w.array(d.parent_lease_key);  // 0x20 ParentLeaseKey
    w.u16(d.epoch);               // 0x30 Epoch
    w.u16(d.reserved);            // 0x32 Reserved
  });
}
Result<void> parse_create_context(const CreateContext& c, RequestLeaseV2& out) {
  if (auto e = need_size(c, 0x34); !e) return e;
  wire::Reader r(c.data);
  out.lease_key = r.array<16>();
  out.lease_state = r.u32();
  out.flags = r.u32();
  out.lease_duration = r.u64();
  out.parent_lease_key = r.array<16>();
  out.epoch = r.u16();
  out.reserved = r.u16();
  return {};
}

}  // namespace smb::proto
