// CREATE replay detection and replay eligibility (MS-SMB2 3.3.5.9.10, with the DH2Q rules of 3.3.5.9).
//
// Spec text used (3.3.5.9.10 "Handling the SMB2_CREATE_DURABLE_HANDLE_REQUEST_V2 Create Context", v84/v85,
// restated in ../shared/spec/smb2-processing.md §4 steps 5 and 8 and traceability SMB2-FLUSH-07..09):
//  * "The server MUST locate the Open in GlobalOpenTable where Open.IsReplayEligible is TRUE and
//    Open.CreateGuid matches the CreateGuid in the SMB2_CREATE_DURABLE_HANDLE_REQUEST_V2 create context, and
//    Open.ClientGuid matches the ClientGuid of the connection that received this request."
//  * "If an Open is not found, the server MUST continue the create process specified in the 'Open
//    Execution' Phase" (Open.CreateGuid / durability: grant_durability in lock_hooks.cpp).
//  * Open found on a replay (SMB2_FLAGS_REPLAY_OPERATION): owner / lease-key checks -> STATUS_ACCESS_DENIED,
//    Open.Session is not the request's session -> STATUS_DUPLICATE_OBJECTID, a persistent Open and a request
//    that does not match it (CreateOptions, DesiredAccess, ShareAccess) -> STATUS_CONTEXT_MISMATCH; otherwise
//    the response is built from the Open (same FileId, Open.OplockLevel, the original CreateAction, no new
//    oplock and no break).
//  * A persistent Open with the CreateGuid that is not (or no longer) replay-eligible and is still attached
//    to a connection -> STATUS_FILE_NOT_AVAILABLE (the v84 outcome of SMB2-FLUSH-09).
//  * Successful Open Initialization: IsReplayEligible TRUE when the open is persistent, or for a
//    non-directory open with FILE_READ_DATA, FILE_EXECUTE, FILE_WRITE_DATA, FILE_APPEND_DATA or DELETE.
// IsReplayEligible is cleared by FLUSH (3.3.5.11), READ (3.3.5.12), WRITE (3.3.5.13), LOCK (3.3.5.14) and the
// oplock acknowledgment (3.3.5.22.1) with the v85 "Open.IsPersistent is FALSE" condition (see those handlers).
#include <algorithm>

#include "smbserver/access.hpp"
#include "smbserver/handlers.hpp"
#include "smbserver/lock_hooks.hpp"
#include "smbserver/lock_sequence.hpp"

namespace smb::server {
namespace {

namespace a = access;

/** 3.3.5.9.10 lookup: IsReplayEligible, same CreateGuid, same ClientGuid (GlobalOpenTable). */
Open* find_replay_eligible(Server& s, const proto::Guid& create_guid, const proto::Guid& client_guid) {
  for (auto& [id, o] : s.global_open_table)
    if (o && o->is_replay_eligible && o->create_guid == create_guid && o->client_guid == client_guid) return o;
  return nullptr;
}

/** A persistent Open with this CreateGuid (any eligibility). */
Open* find_persistent_by_create_guid(Server& s, const proto::Guid& create_guid) {
  for (auto& [id, o] : s.global_open_table)
    if (o && o->is_persistent && o->create_guid == create_guid) return o;
  return nullptr;
}

}  // namespace

std::optional<HandlerResult> create_replay(RequestContext& ctx, const proto::CreateRequest& req) {
  Server& s = ctx.server;
  // 3.3.5.9.10 "applies only to servers that implement the SMB 3.x dialect family"; replay detection is for
  // a CREATE sent with SMB2_FLAGS_REPLAY_OPERATION (2.2.1.2) and a DH2Q context.
  if (!is_smb3_dialect(ctx.connection.dialect)) return std::nullopt;
  if (!(ctx.header.flags & proto::SMB2_FLAGS_REPLAY_OPERATION)) return std::nullopt;
  const auto* dh2 = proto::find_create_context(req.create_contexts, proto::SMB2_CREATE_DURABLE_HANDLE_REQUEST_V2);
  if (!dh2) return std::nullopt;
  proto::DurableHandleRequestV2 d2;
  if (!proto::parse_create_context(*dh2, d2)) return std::nullopt;

  Open* found = find_replay_eligible(s, d2.create_guid, ctx.connection.client_guid);
  if (!found) {
    // Persistent CreateGuid match while still connected -> STATUS_FILE_NOT_AVAILABLE (smb2-processing.md §4
    // step 5; SMB2-FLUSH-09 v84 outcome). A disconnected persistent open would be reclaimed by DH2C
    // (3.3.5.9.12), which the reference server does not offer (no disconnected opens exist here).
    if (Open* p = find_persistent_by_create_guid(s, d2.create_guid); p && p->connection != nullptr)
      return HandlerResult(status::STATUS_FILE_NOT_AVAILABLE);
    return std::nullopt;  // "continue the create process specified in the 'Open Execution' Phase"
  }
  Open& open = *found;
  Session& session = *ctx.session;

  // Owner check (Open.DurableOwner is the security context of the user that created the open): another
  // user -> STATUS_ACCESS_DENIED. Lease-key check: Open.Lease is always NULL here (the server does not
  // advertise SMB2_GLOBAL_CAP_LEASING, so RqLs is ignored, 3.3.5.9.8/3.3.5.9.11), so it never applies.
  if (!open.session || open.session->user != session.user || open.session->domain != session.domain ||
      open.session->is_anonymous != session.is_anonymous || open.session->is_guest != session.is_guest)
    return HandlerResult(status::STATUS_ACCESS_DENIED);
  // Open.Session.SessionId differs from the SessionId of the request -> STATUS_DUPLICATE_OBJECTID.
  if (open.session != &session) return HandlerResult(status::STATUS_DUPLICATE_OBJECTID);
  // Persistent Open: a replay whose CreateOptions, DesiredAccess or ShareAccess differ from the Open's
  // (3.3.1.10 Open.DesiredAccess/ShareAccess, kept for 3.x opens) -> STATUS_CONTEXT_MISMATCH (smb2-processing.md
  // §4 step 5, listed with the persistent-open checks). Not applied to non-persistent opens: smbtorture
  // smb2.replay.replay-dhv2-oplock3 (Windows behaviour) replays a durable non-persistent CREATE with another
  // ShareAccess and expects STATUS_SUCCESS with the original response.
  if (open.is_persistent && (req.create_options != open.create_options || req.desired_access != open.desired_access ||
                             req.share_access != open.share_access))
    return HandlerResult(status::STATUS_CONTEXT_MISMATCH);

  // Response built from the Open: FileId {DurableFileId, FileId}, Open.OplockLevel (no oplock acquisition
  // and no break, 3.3.5.9 step 9 is not reached), attributes/times/sizes from the object store.
  proto::CreateResponse resp;
  resp.oplock_level = open.oplock_level;
  // CreateAction of the original response (Open.CreateAction kept at open time): the replay repeats the
  // answer the client did not receive. smbtorture smb2.replay.replay-dhv2-oplock1 (replay.c) expects the
  // original FILE_CREATED on the replay, as Windows and Samba answer.
  resp.create_action = open.create_action;
  if (open.local_open && open.tree_connect && open.tree_connect->share && open.tree_connect->share->store) {
    auto st = open.tree_connect->share->store->stat(*open.local_open);
    if (!st) return HandlerResult(st.status());
    const FileStat& fs = st.value();
    set_stat_fields(resp, fs);
    if (proto::find_create_context(req.create_contexts, proto::SMB2_CREATE_QUERY_ON_DISK_ID)) {
      proto::QueryOnDiskIdResponse q;  // 2.2.14.2.9, as for a new open (create.cpp)
      for (int i = 0; i < 8; ++i) q.disk_file_id[i] = static_cast<std::uint8_t>(fs.index_number >> (8 * i));
      for (int i = 0; i < 8; ++i) q.disk_file_id[8 + i] = static_cast<std::uint8_t>(fs.device >> (8 * i));
      resp.create_contexts.push_back(proto::make_create_context(q));
    }
  }
  resp.file_id = {open.durable_file_id, open.file_id};
  if (proto::find_create_context(req.create_contexts, proto::SMB2_CREATE_QUERY_MAXIMAL_ACCESS_REQUEST)) {
    proto::QueryMaximalAccessResponse mx;  // 2.2.14.2.5
    mx.query_status = 0;
    mx.maximal_access = open.tree_connect ? open.tree_connect->maximal_access : 0;
    resp.create_contexts.push_back(proto::make_create_context(mx));
  }
  if (open.is_durable) {
    // 2.2.14.2.12 from the Open: Flags PERSISTENT when Open.IsPersistent; Timeout as granted (request value
    // capped at 300 s, 0 -> default, the rule grant_durability applied to the original request).
    proto::DurableHandleResponseV2 r;
    r.timeout = d2.timeout == 0 ? kDefaultDurableTimeoutMs : std::min<std::uint32_t>(d2.timeout, 300000);
    r.flags = open.is_persistent ? kDurableHandleFlagPersistent : 0;
    resp.create_contexts.push_back(proto::make_create_context(r));
  }
  ctx.produced_file_id = resp.file_id;
  ctx.open = &open;
  return HandlerResult(std::move(resp));
}

void set_replay_eligibility(const RequestContext& ctx, const proto::CreateRequest& req, Open& open,
                            const proto::CreateResponse& resp) {
  open.create_action = resp.create_action;
  // 3.3.5.9.10 applies to 3.x only and to requests with a DH2Q context; IsReplayEligible is set in the
  // "underlying object store grants durability" part, i.e. only for opens grant_durability made durable.
  if (!is_smb3_dialect(ctx.connection.dialect)) return;
  if (!proto::find_create_context(req.create_contexts, proto::SMB2_CREATE_DURABLE_HANDLE_REQUEST_V2)) return;
  if (!open.is_durable || open.is_pipe) return;
  constexpr std::uint32_t kDataAccess = a::FILE_READ_DATA | a::FILE_EXECUTE | a::FILE_WRITE_DATA |
                                        a::FILE_APPEND_DATA | a::DELETE;
  // Persistent open on a disk share, or a non-directory open with data or delete access.
  if (open.is_persistent || (!open.is_directory && (open.granted_access & kDataAccess) != 0))
    open.is_replay_eligible = true;
}

}  // namespace smb::server
