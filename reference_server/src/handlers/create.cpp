// SMB2 CREATE (MS-SMB2 3.3.5.9; share access MS-FSA 2.1.5.1.2).
#include <algorithm>

#include "smbserver/access.hpp"
#include "smbserver/handlers.hpp"
#include "smbserver/lock_hooks.hpp"
#include "smbserver/log.hpp"
#include "smbserver/oplock.hpp"
#include "smbserver/pipes.hpp"

namespace smb::server {
namespace {

namespace a = access;

constexpr std::uint32_t FILE_DIRECTORY_FILE = 0x00000001;
constexpr std::uint32_t FILE_NON_DIRECTORY_FILE = 0x00000040;
constexpr std::uint32_t FILE_DELETE_ON_CLOSE = 0x00001000;
constexpr std::uint32_t FILE_OPEN_BY_FILE_ID = 0x00002000;
constexpr std::uint32_t FILE_RESERVE_OPFILTER = 0x00100000;
constexpr std::uint32_t FILE_SHARE_READ = 0x1, FILE_SHARE_WRITE = 0x2, FILE_SHARE_DELETE = 0x4;
constexpr std::uint32_t kImpersonationDelegate = 3;

}  // namespace

/**
 * MS-FSA 2.1.5.1.2.1 share access check between an existing open and a new request:
 * each side's data access must be allowed by the other side's ShareAccess. Shared with SMB1 (oplock.hpp).
 */
bool share_access_conflict(const Open& existing, std::uint32_t access, std::uint32_t share) {
  auto reads = [](std::uint32_t m) { return (m & (a::FILE_READ_DATA | a::FILE_EXECUTE)) != 0; };
  auto writes = [](std::uint32_t m) { return (m & (a::FILE_WRITE_DATA | a::FILE_APPEND_DATA)) != 0; };
  auto deletes = [](std::uint32_t m) { return (m & a::DELETE) != 0; };
  // MS-FSA 2.1.5.1.2.2: only when both the new and the existing open have READ/EXECUTE/WRITE/APPEND data or
  // DELETE access is sharing checked (attribute-only "stat" opens never conflict; smbtorture smb2.oplock.batch8).
  auto data = [&](std::uint32_t m) { return reads(m) || writes(m) || deletes(m); };
  if (!data(access) || !data(existing.granted_access)) return false;
  if (reads(existing.granted_access) && !(share & FILE_SHARE_READ)) return true;
  if (writes(existing.granted_access) && !(share & FILE_SHARE_WRITE)) return true;
  if (deletes(existing.granted_access) && !(share & FILE_SHARE_DELETE)) return true;
  if (reads(access) && !(existing.share_access & FILE_SHARE_READ)) return true;
  if (writes(access) && !(existing.share_access & FILE_SHARE_WRITE)) return true;
  if (deletes(access) && !(existing.share_access & FILE_SHARE_DELETE)) return true;
  return false;
}

/** The File object that currently has `path` open on `share`, if any (by name, before the store is touched). */
File* file_open_by_path(Server& s, const Share* share, const std::string& path) {
  for (auto& [key, f] : s.files)
    for (Open* o : f->opens)
      if (o->tree_connect && o->tree_connect->share == share && o->path == path) return f.get();
  return nullptr;
}

HandlerResult handle_create(RequestContext& ctx, const proto::CreateRequest& req) {
  Server& s = ctx.server;
  // 3.3.5.9: session (3.3.5.2.9), then tree (3.3.5.2.11).
  if (NtStatus st = verify_session(ctx); !st.is_success()) return st;
  if (NtStatus st = verify_tree(ctx); !st.is_success()) return st;
  Session& session = *ctx.session;
  TreeConnect& tree = *ctx.tree;
  Share& share = *tree.share;

  // Create-context checks (3.3.5.9): a name shorter than 4 bytes -> INVALID_PARAMETER;
  // DHnQ with DH2Q, or DH2Q with DHnQ/DHnC -> INVALID_PARAMETER.
  bool dhnq = false, dhnc = false, dh2q = false, dh2c = false;
  for (const auto& cc : req.create_contexts) {
    if (cc.name.size() < 4) return status::STATUS_INVALID_PARAMETER;
    std::string_view tag(reinterpret_cast<const char*>(cc.name.data()), cc.name.size());
    if (tag == proto::SMB2_CREATE_DURABLE_HANDLE_REQUEST) dhnq = true;
    if (tag == proto::SMB2_CREATE_DURABLE_HANDLE_RECONNECT) dhnc = true;
    if (tag == proto::SMB2_CREATE_DURABLE_HANDLE_REQUEST_V2) dh2q = true;
    if (tag == proto::SMB2_CREATE_DURABLE_HANDLE_RECONNECT_V2) dh2c = true;
  }
  if ((dhnq && (dh2q || dh2c)) || (dh2q && (dhnq || dhnc || dh2c))) return status::STATUS_INVALID_PARAMETER;
  if (dhnc || dh2c) return status::STATUS_OBJECT_NAME_NOT_FOUND;  // no durable handles to reconnect to

  // Parameter validation (2.2.13): disposition, impersonation, options.
  if (req.create_disposition > 5) return status::STATUS_INVALID_PARAMETER;
  if (req.impersonation_level > kImpersonationDelegate) return status::STATUS_BAD_IMPERSONATION_LEVEL;
  if ((req.create_options & FILE_DIRECTORY_FILE) && (req.create_options & FILE_NON_DIRECTORY_FILE))
    return status::STATUS_INVALID_PARAMETER;
  if (req.create_options & (FILE_OPEN_BY_FILE_ID | FILE_RESERVE_OPFILTER)) return status::STATUS_NOT_SUPPORTED;

  // IPC$: named-pipe endpoints (pipes.hpp); oplock acquisition is skipped for pipes (3.3.5.9).
  if (share.is_pipe) return pipe_create(ctx, req);
  // 3.3.5.9.10: a replayed DH2Q CREATE matching a replay-eligible Open is answered from it (create_replay.cpp).
  if (auto replay = create_replay(ctx, req)) return std::move(*replay);

  // Name validation (3.3.5.9, via the object store's SMB path rules). A named data stream "file:stream[:$DATA]"
  // (MS-FSCC 2.1.5.3) is opened from the store's sidecar (ObjectStore::open_stream); its Open.Path is
  // "file:stream", so share modes and oplocks are per stream (MS-FSA 2.1.5.1.2.2, 2.1.5.18).
  auto stream_name = ObjectStore::split_stream(req.name);
  if (!stream_name) return stream_name.status();
  auto path = ObjectStore::normalize(stream_name->base);
  if (!path) return path.status();
  const std::string& stream = stream_name->stream;
  const std::string base_path = *path;
  // A name with the $DATA stream type ("dir::$DATA", "f:s") names a data stream, never a directory (MS-FSA 2.1.5.1;
  // smbtorture smb2.streams.dir): with FILE_DIRECTORY_FILE it is STATUS_NOT_A_DIRECTORY before anything else.
  if ((!stream.empty() || stream_name->data_type) && (req.create_options & FILE_DIRECTORY_FILE))
    return status::STATUS_NOT_A_DIRECTORY;
  if (!stream.empty()) {
    if (path->empty()) return status::STATUS_OBJECT_NAME_INVALID;  // the share root has no named streams here
    *path += ":" + stream;
  }

  // 3.3.5.9 Open Execution: DesiredAccess 0 on a disk share -> STATUS_ACCESS_DENIED (SHOULD, <309>).
  if (req.desired_access == 0) {
    ++s.statistics.sts0_permerrors;
    return status::STATUS_ACCESS_DENIED;
  }
  // GENERIC_* -> specific rights, MAXIMUM_ALLOWED -> the tree's maximal access (2.2.13.1).
  std::uint32_t granted = a::map_generic(req.desired_access, tree.maximal_access);
  // Share-level check: rights beyond TreeConnect.MaximalAccess (e.g. writes on a read-only share).
  if ((granted & ~a::ACCESS_SYSTEM_SECURITY & ~tree.maximal_access) != 0 || granted == 0) {
    ++s.statistics.sts0_permerrors;
    return status::STATUS_ACCESS_DENIED;
  }
  // 3.3.5.9: DELETE_ON_CLOSE and MaximalAccess lacks DELETE -> ACCESS_DENIED; MS-FSA 2.1.5.1:
  // DELETE_ON_CLOSE without DELETE in DesiredAccess -> ACCESS_DENIED.
  if ((req.create_options & FILE_DELETE_ON_CLOSE) && !(granted & a::DELETE)) {
    ++s.statistics.sts0_permerrors;
    return status::STATUS_ACCESS_DENIED;
  }

  // MS-FSA 2.1.5.1.2: a file deleted while its streams stay open is delete-pending until they close (close_open):
  // opens of it or of any of its streams by name fail (smbtorture smb2.streams.delete).
  if (s.deferred_deletes.count({&share, base_path})) return status::STATUS_DELETE_PENDING;
  // MS-FSA 2.1.5.1.2.1: DELETE access to a file conflicts with an open of any of its named streams that does not
  // share DELETE (the file's streams go with it; smbtorture smb2.streams.delete). A stream's Open.Path is
  // "file:stream" (above). The reverse does not hold: a stream may be opened for DELETE while the file is open
  // without FILE_SHARE_DELETE.
  if (stream.empty() && !path->empty() && (granted & a::DELETE))
    for (const Open* o : named_stream_opens(s, &share, *path))
      if (!(o->share_access & FILE_SHARE_DELETE)) return status::STATUS_SHARING_VIOLATION;
  // Share modes (MS-FSA 2.1.5.1.2) are checked before the store may create or truncate anything.
  if (File* f = file_open_by_path(s, &share, *path)) {
    if (f->delete_pending) return status::STATUS_DELETE_PENDING;
    // The existing object's type is checked before sharing (MS-FSA 2.1.5.1.2): a directory has no default data
    // stream ("dir::$DATA", MS-FSCC 2.1.5.3), so opening it is STATUS_FILE_IS_A_DIRECTORY (smbtorture
    // smb2.streams.dir); the store's open below says the same when the directory has no open yet.
    if (stream_name->data_type && stream.empty() && !f->opens.empty() && f->opens.front()->is_directory)
      return status::STATUS_FILE_IS_A_DIRECTORY;
    bool conflict = false;
    for (Open* o : f->opens) conflict = conflict || share_access_conflict(*o, granted, req.share_access);
    // Oplock breaks (MS-FSA 2.1.5.1.2.1, 2.1.4.12; MS-SMB2 3.3.4.6): BATCH before the share check, the rest
    // after it; a break that needs an acknowledgment makes this CREATE async (oplock.hpp, grant_oplock there).
    if (auto r = oplock_break_for_open(ctx, req, *f, granted, conflict)) return std::move(*r);
    if (conflict) return status::STATUS_SHARING_VIOLATION;
  }

  ObjectKind kind = ObjectKind::any;
  if (req.create_options & FILE_DIRECTORY_FILE) kind = ObjectKind::directory;
  if ((req.create_options & FILE_NON_DIRECTORY_FILE) || stream_name->data_type) kind = ObjectKind::non_directory;
  bool want_write = (granted & (a::FILE_WRITE_DATA | a::FILE_APPEND_DATA)) != 0;
  auto opened = !stream.empty()
                    ? share.store->open_stream(base_path, stream, static_cast<Disposition>(req.create_disposition),
                                               want_write)
                    : share.store->open(*path, static_cast<Disposition>(req.create_disposition), kind, want_write,
                                        req.file_attributes);
  if (!opened) {
    // 3.3.5.9: object-store failures are returned as is; ACCESS_DENIED also counts sts0_permerrors.
    if (opened.status() == status::STATUS_ACCESS_DENIED) ++s.statistics.sts0_permerrors;
    return opened.status();
  }
  auto handle = opened->handle;
  auto st = share.store->stat(*handle);
  if (!st) return st.status();
  const FileStat& fs = st.value();
  // A file reached under another name (hard link, case variant): check share modes by identity too.
  auto key = std::make_pair(fs.device, fs.index_number);
  File* file = nullptr;
  if (auto it = s.files.find(key); it != s.files.end()) {
    file = it->second.get();
    if (file->delete_pending) return status::STATUS_DELETE_PENDING;
    for (Open* o : file->opens)
      if (share_access_conflict(*o, granted, req.share_access)) return status::STATUS_SHARING_VIOLATION;
  }
  if (fs.is_directory && (granted & a::FILE_EXECUTE)) {
    // FILE_TRAVERSE on a directory; 3.3.5.9 "FILE_EXECUTE implies FILE_READ_DATA" applies to files.
  } else if (granted & a::FILE_EXECUTE) {
    granted |= a::FILE_READ_DATA;
  }

  // 3.3.5.9 successful open initialisation.
  auto open = new_open(s, session, tree, ctx.connection);
  open->local_open = handle;
  open->path = *path;
  open->is_directory = fs.is_directory;
  open->granted_access = granted;
  open->desired_access = req.desired_access;
  open->share_access = req.share_access;
  open->create_options = req.create_options;
  open->file_attributes = req.file_attributes;
  open->client_guid = ctx.connection.client_guid;
  open->channel_sequence = static_cast<std::uint16_t>(ctx.header.status & 0xFFFF);
  open->delete_on_close = (req.create_options & FILE_DELETE_ON_CLOSE) != 0;
  // LockCount 0, every LockSequenceArray entry Valid FALSE, not durable/resilient/persistent:
  // the Open defaults.
  if (!file) {
    auto nf = std::make_unique<File>();
    nf->device = fs.device;
    nf->inode = fs.index_number;
    file = nf.get();
    s.files.emplace(key, std::move(nf));
  }
  open->file = file;
  file->opens.push_back(open.get());
  open->oplock_level = grant_oplock(ctx, *open, req.requested_oplock_level);
  open->oplock_state = open->oplock_level ? OplockState::held : OplockState::none;

  proto::CreateResponse resp;
  resp.oplock_level = open->oplock_level;
  resp.create_action = static_cast<std::uint32_t>(opened->action);
  if (stream.empty()) {
    set_stat_fields(resp, fs);
  } else {  // a named stream's times and attributes are its file's (MS-FSA 2.1.1.3)
    auto shown = open_stat(*open);
    set_stat_fields(resp, shown ? *shown : fs);
  }
  resp.file_id = {open->durable_file_id, open->file_id};
  // Response contexts: MxAc (2.2.14.2.5), QFid (2.2.14.2.9), and DHnQ/DH2Q when durability is granted
  // (grant_durability below). RqLs is not granted (no leases), so it gets no response context.
  if (proto::find_create_context(req.create_contexts, proto::SMB2_CREATE_QUERY_MAXIMAL_ACCESS_REQUEST)) {
    proto::QueryMaximalAccessResponse mx;
    mx.query_status = 0;
    mx.maximal_access = tree.maximal_access;
    resp.create_contexts.push_back(proto::make_create_context(mx));
  }
  if (proto::find_create_context(req.create_contexts, proto::SMB2_CREATE_QUERY_ON_DISK_ID)) {
    proto::QueryOnDiskIdResponse q;
    for (int i = 0; i < 8; ++i) q.disk_file_id[i] = static_cast<std::uint8_t>(fs.index_number >> (8 * i));
    for (int i = 0; i < 8; ++i) q.disk_file_id[8 + i] = static_cast<std::uint8_t>(fs.device >> (8 * i));
    resp.create_contexts.push_back(proto::make_create_context(q));
  }
  // DHnQ / DH2Q durability grant (3.3.5.9.6, 3.3.5.9.10): IsDurable, IsPersistent, response context.
  grant_durability(ctx, req, *open, resp);
  set_replay_eligibility(ctx, req, *open, resp);  // 3.3.5.9.10 Open.IsReplayEligible (create_replay.cpp)
  ctx.produced_file_id = resp.file_id;
  ctx.open = &register_open(s, std::move(open));
  return resp;
}

}  // namespace smb::server
