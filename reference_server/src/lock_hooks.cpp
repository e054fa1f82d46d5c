// Byte-range-lock hooks for CLOSE/READ/WRITE/control, resiliency (3.3.5.15.9) and durability grants (3.3.5.9.6, 3.3.5.9.10).
#include "smbserver/lock_hooks.hpp"

namespace smb::server {

namespace {
constexpr std::uint8_t SMB2_OPLOCK_LEVEL_BATCH = 0x09;
constexpr std::uint32_t SMB2_LEASE_HANDLE_CACHING = 0x02;
constexpr std::uint32_t FILE_ATTRIBUTE_DIRECTORY = 0x10;

/**
 * 3.3.5.9.6: "If the RequestedOplockLevel field in the create request is not set to
 * SMB2_OPLOCK_LEVEL_BATCH and the create request does not include an SMB2_CREATE_REQUEST_LEASE create
 * context with a LeaseState field that includes the SMB2_LEASE_HANDLE_CACHING bit value, the server
 * MUST ignore this create context". The reference server does not advertise SMB2_GLOBAL_CAP_LEASING,
 * so RqLs is ignored (3.3.5.9 step 9) and only the BATCH request counts.
 */
bool asks_batch_or_handle_lease(const RequestContext& ctx, const proto::CreateRequest& req) {
  if (req.requested_oplock_level == SMB2_OPLOCK_LEVEL_BATCH) return true;
  constexpr std::uint32_t kLeasing = 0x00000002;  // SMB2_GLOBAL_CAP_LEASING
  if (!(ctx.connection.server_capabilities & kLeasing)) return false;
  if (const auto* c = proto::find_create_context(req.create_contexts, proto::SMB2_CREATE_REQUEST_LEASE)) {
    proto::RequestLease l;
    if (proto::parse_create_context(*c, l)) return (l.lease_state & SMB2_LEASE_HANDLE_CACHING) != 0;
  }
  return false;
}
}  // namespace

LockSequenceContext lock_sequence_context(const Open& open) {
  LockSequenceContext c;
  if (open.connection) {
    c.dialect = open.connection->dialect;
    c.server_capabilities = open.connection->server_capabilities;
  }
  c.is_resilient = open.is_resilient;
  c.is_durable = open.is_durable;
  c.is_persistent = open.is_persistent;
  c.scope = LockSequenceScope::spec;  // 3.3.5.14 as written (Samba's default too)
  return c;
}

void release_open_locks(Server&, Open& open) {
  if (!open.file) return;
  // 3.3.4.17: pending requests of the open complete STATUS_CANCELLED (release_all cancels the open's
  // waiters first); MS-FSA 2.1.5.5: all byte-range locks owned by the open are removed, and waiters
  // blocked only by them are granted (MS-FSA 2.1.5.8: "until ... the owning open is closed").
  open.file->locks.release_all(lock_owner(open));
  open.lock_count = 0;
}

NtStatus check_read_locks(const Open& open, std::uint64_t offset, std::uint64_t length) {
  if (!open.file || length == 0) return status::STATUS_SUCCESS;
  return open.file->locks.check_read(lock_owner(open), offset, length);
}

NtStatus check_write_locks(const Open& open, std::uint64_t offset, std::uint64_t length) {
  if (!open.file || length == 0) return status::STATUS_SUCCESS;
  return open.file->locks.check_write(lock_owner(open), offset, length);
}

nlohmann::json held_locks_json(const Open& open) {
  nlohmann::json out = nlohmann::json::array();
  if (!open.file) return out;
  for (const ByteRangeLock& l : open.file->locks.held(lock_owner(open)))
    out.push_back({{"offset", l.offset}, {"length", l.length}, {"exclusive", l.exclusive}});
  return out;
}

HandlerResult handle_request_resiliency(RequestContext& ctx, const proto::IoctlRequest& req) {
  // 3.3.5.15: an FSCTL on a file locates the open by FileId; none -> STATUS_FILE_CLOSED.
  if (NtStatus st = lookup_open(ctx, req.file_id); !st.is_success()) return st;
  Open& open = *ctx.open;
  // 3.3.5.15.9: "If Open.Connection.Dialect is "2.0.2", the server MAY<388> fail the request with
  // STATUS_INVALID_DEVICE_REQUEST."
  if (ctx.connection.dialect == 0x0202) return status::STATUS_INVALID_DEVICE_REQUEST;
  // "If InputCount is smaller than the size of the NETWORK_RESILIENCY_REQUEST ... or if the requested
  // Timeout in seconds is greater than MaxResiliencyTimeout in seconds, the request MUST be failed
  // with STATUS_INVALID_PARAMETER."
  proto::NetworkResiliencyRequest nr;
  if (req.input.size() < 8 || !proto::decode_payload(req.input, nr)) return status::STATUS_INVALID_PARAMETER;
  if (nr.timeout / 1000 > kMaxResiliencyTimeoutMs / 1000) return status::STATUS_INVALID_PARAMETER;
  // "Open.IsDurable MUST be set to FALSE. Open.IsResilient MUST be set to TRUE." (ResiliencyTimeout
  // only matters for reconnects, which the reference server does not offer.)
  open.is_durable = false;
  open.is_resilient = true;
  // 2.2.32: CtlCode, FileId of the request, no input or output, Flags 0.
  proto::IoctlResponse resp;
  resp.ctl_code = proto::FSCTL_LMR_REQUEST_RESILIENCY;
  resp.file_id = req.file_id;
  return resp;
}

void grant_durability(RequestContext& ctx, const proto::CreateRequest& req, Open& open, proto::CreateResponse& resp) {
  const Connection& c = ctx.connection;
  if (const auto* dh = proto::find_create_context(req.create_contexts, proto::SMB2_CREATE_DURABLE_HANDLE_REQUEST)) {
    // 3.3.5.9.6: needs a BATCH oplock request or a handle-caching lease; not for directories (the
    // object store grants durability for regular files only).
    proto::DurableHandleRequest d;
    if (!proto::parse_create_context(*dh, d)) return;
    if (open.is_directory || !asks_batch_or_handle_lease(ctx, req)) return;
    // "Open.IsDurable MUST be set to TRUE" and the DHnQ response context is returned (2.2.14.2.3).
    open.is_durable = true;
    resp.create_contexts.push_back(proto::make_create_context(proto::DurableHandleResponse{}));
    return;
  }
  const auto* dh2 = proto::find_create_context(req.create_contexts, proto::SMB2_CREATE_DURABLE_HANDLE_REQUEST_V2);
  // 3.3.5.9.10 applies only to the SMB 3.x dialect family.
  if (!dh2 || !is_smb3_dialect(c.dialect)) return;
  proto::DurableHandleRequestV2 d2;
  if (!proto::parse_create_context(*dh2, d2)) return;
  // "The server MUST set Open.CreateGuid to the CreateGuid in SMB2_CREATE_DURABLE_HANDLE_REQUEST_V2."
  open.create_guid = d2.create_guid;
  // "If Open.FileAttributes includes FILE_ATTRIBUTE_DIRECTORY or the underlying object store does not
  // grant durability, the server MUST skip the rest of the processing in this section."
  if (open.is_directory || (open.file_attributes & FILE_ATTRIBUTE_DIRECTORY)) return;
  const bool ca = open.tree_connect && open.tree_connect->share && open.tree_connect->share->config.continuously_available;
  // Persistent: SMB2_DHANDLE_FLAG_PERSISTENT requested, TreeConnect.Share.IsCA, and
  // Connection.ServerCapabilities includes SMB2_GLOBAL_CAP_PERSISTENT_HANDLES.
  const bool persistent = (d2.flags & kDurableHandleFlagPersistent) && ca &&
                          (c.server_capabilities & kGlobalCapPersistentHandles);
  // Our object store grants plain (non-persistent) durability under the same condition as DHnQ
  // (BATCH oplock or handle-caching lease requested), which is also what Windows requires.
  if (!persistent && !asks_batch_or_handle_lease(ctx, req)) return;
  open.is_durable = true;
  open.is_persistent = persistent;
  // 2.2.14.2.12: Timeout = Open.DurableOpenTimeout (request value capped at 300 s, 0 -> default),
  // Flags = PERSISTENT when a persistent handle was granted.
  proto::DurableHandleResponseV2 r;
  r.timeout = d2.timeout == 0 ? kDefaultDurableTimeoutMs : std::min<std::uint32_t>(d2.timeout, 300000);
  r.flags = persistent ? kDurableHandleFlagPersistent : 0;
  resp.create_contexts.push_back(proto::make_create_context(r));
}

bool offers_persistent_handles(const Server& s, std::uint16_t dialect) {
  if (!is_smb3_dialect(dialect)) return false;
  for (const auto& [name, sh] : s.shares)
    if (sh->config.continuously_available) return true;
  return false;
}

}  // namespace smb::server
