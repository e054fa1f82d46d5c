// SMB1 file commands: NT_CREATE_ANDX, CLOSE, FLUSH, READ_ANDX, WRITE_ANDX, WRITE_AND_CLOSE, DELETE,
// DELETE_DIRECTORY (MS-CIFS 3.3.5.7, 3.3.5.8, 3.3.5.34-3.3.5.36, 3.3.5.51; share modes MS-FSA 2.1.5.1.2).
#include <algorithm>
#include <cctype>

#include "smb1_internal.hpp"
#include "smbserver/access.hpp"
#include "smbserver/name_expression.hpp"
#include "smbserver/lock_hooks.hpp"
#include "smbserver/oplock.hpp"

namespace smb::server::smb1 {
namespace {

namespace a = access;

constexpr std::uint32_t FILE_DIRECTORY_FILE = 0x00000001;
constexpr std::uint32_t FILE_NON_DIRECTORY_FILE = 0x00000040;
constexpr std::uint32_t FILE_DELETE_ON_CLOSE = 0x00001000;
constexpr std::uint16_t WRITETHROUGH_MODE = 0x0001;  // MS-CIFS 2.2.4.43.1 WriteMode
/** Largest READ_ANDX payload: the SMB1 message must stay under 0x1FFFF bytes (MS-SMB 2.1 <4>). */
constexpr std::uint32_t kMaxReadx = 0x1FFFF - 256;

// Share access (MS-FSA 2.1.5.1.2.1 with the 2.1.5.1.2.2 stat-open rule) and the open-by-name lookup are the ones
// SMB2 CREATE uses (share_access_conflict / file_open_by_path, oplock.hpp): one create core for both dialects.
bool share_conflict(const Open& existing, std::uint32_t acc, std::uint32_t share) {
  return share_access_conflict(existing, acc, share);
}

File* file_by_path(Server& s, const Share* share, const std::string& path) { return file_open_by_path(s, share, path); }

/** MS-SMB2-encoded level -> MS-CIFS 2.2.4.64.2 OpLockLevel. */
std::uint8_t cifs_level(std::uint8_t smb2) {
  switch (smb2) {
    case kLevelBatch: return p::BATCH_OPLOCK;
    case kLevelExclusive: return p::EXCLUSIVE_OPLOCK;
    case kLevelII: return p::LEVEL_II_OPLOCK;
    default: return p::NO_OPLOCK;
  }
}

ObjectStore* store_of(const Open& o) { return o.tree_connect && o.tree_connect->share ? o.tree_connect->share->store.get() : nullptr; }

/** MS-CIFS 3.3.5.14 / MS-SMB2 3.3.5.13 write permission: FILE_WRITE_DATA inside the file, FILE_APPEND_DATA to extend. */
bool may_write(const Open& o, std::uint64_t offset, std::uint64_t length, std::uint64_t eof) {
  bool extends = offset + length > eof;
  std::uint32_t need = extends ? a::FILE_APPEND_DATA : a::FILE_WRITE_DATA;
  // A zero-length write that truncates needs FILE_WRITE_DATA (MS-FSA 2.1.5.14.3 end-of-file information).
  return (o.granted_access & need) != 0 || (o.granted_access & a::FILE_WRITE_DATA) != 0;
}

}  // namespace

Outcome<std::string> smb1_path(const std::string& name) {
  // MS-CIFS paths are absolute within the share ("\dir\file"); the store wants them relative.
  std::size_t i = 0;
  while (i < name.size() && name[i] == '\\') ++i;
  return ObjectStore::normalize(name.substr(i));
}

std::uint64_t filetime_from_utime(std::uint32_t t) { return filetime_from_unix(static_cast<std::int64_t>(t), 0); }

void close_smb1_open(Server& s, Open& open) {
  // MS-CIFS 3.3.5.7: OpenCount -1, sts0_fopens -1, the object-store close releases oplocks, every lock in
  // Open.Locks is released (<251>), the FID is invalidated. close_open does all of it for SMB1 opens too
  // (state.cpp releases LockOwner::for_smb1 locks).
  if (open.connection && open.connection->smb1) open.connection->smb1->announced.erase(open.durable_file_id);
  close_open(s, open);
}

Reply handle_nt_create(Request& r, const p::NtCreateAndxRequest& m) {
  Server& s = r.server;
  Session& session = *r.session;
  TreeConnect& tree = *r.tree;
  Share& share = *tree.share;
  if (m.create_disposition > 5) return status::STATUS_INVALID_PARAMETER;
  if (m.impersonation_level > 3) return NtStatus{0xC00000A5};  // STATUS_BAD_IMPERSONATION_LEVEL
  if ((m.create_options & FILE_DIRECTORY_FILE) && (m.create_options & FILE_NON_DIRECTORY_FILE))
    return status::STATUS_INVALID_PARAMETER;
  if (share.is_pipe) return status::STATUS_OBJECT_NAME_NOT_FOUND;  // no named-pipe endpoints on IPC$
  // MS-CIFS 2.2.4.64.1: RootDirectoryFID != 0 -> FileName is relative to that open directory.
  std::string name = m.file_name;
  if (m.root_directory_fid != 0) {
    Open* root = find_fid(r.connection, static_cast<std::uint16_t>(m.root_directory_fid));
    if (!root || !root->is_directory) return status::STATUS_INVALID_HANDLE;
    std::string prefix = root->path;
    std::replace(prefix.begin(), prefix.end(), '/', '\\');
    std::size_t i = 0;
    while (i < name.size() && name[i] == '\\') ++i;
    name = prefix.empty() ? name.substr(i) : prefix + "\\" + name.substr(i);
  }
  auto path = smb1_path(name);
  if (!path) return path.status();
  std::uint32_t granted = a::map_generic(m.desired_access, tree.maximal_access);
  if ((granted & ~a::ACCESS_SYSTEM_SECURITY & ~tree.maximal_access) != 0) {
    ++s.statistics.sts0_permerrors;
    return status::STATUS_ACCESS_DENIED;
  }
  if ((m.create_options & FILE_DELETE_ON_CLOSE) && !(granted & a::DELETE)) {
    ++s.statistics.sts0_permerrors;
    return status::STATUS_ACCESS_DENIED;
  }
  if (File* f = file_by_path(s, &share, *path)) {
    if (f->delete_pending) return status::STATUS_DELETE_PENDING;
    bool conflict = false;
    for (Open* o : f->opens) conflict = conflict || share_conflict(*o, granted, m.share_access);
    // MS-CIFS 3.3.4.2 via MS-FSA 2.1.5.1.2.1 / 2.1.4.12: conflicting oplocks are broken first; the open waits
    // for the acknowledgment, the holder's close or the OplockTimeout (3.3.2.1). BATCH before the share check.
    // The break rules are SMB2 CREATE's (oplock_break_holders_for_open): attribute-only opens break nothing unless
    // they supersede/overwrite (MS-FSA 2.1.4.12, smbtorture raw.oplock exclusive5/batch13/14/16).
    if (oplock_break_holders_for_open(s, *f, granted, m.create_disposition, conflict) && r.first_in_chain) {
      wait_for_break(r, *f);
      return Reply::later();
    }
    if (conflict) return status::STATUS_SHARING_VIOLATION;
  }
  ObjectKind kind = ObjectKind::any;
  if (m.create_options & FILE_DIRECTORY_FILE) kind = ObjectKind::directory;
  if (m.create_options & FILE_NON_DIRECTORY_FILE) kind = ObjectKind::non_directory;
  bool want_write = (granted & (a::FILE_WRITE_DATA | a::FILE_APPEND_DATA)) != 0;
  auto opened = share.store->open(*path, static_cast<Disposition>(m.create_disposition), kind, want_write,
                                  m.ext_file_attributes);
  if (!opened) {
    if (opened.status() == status::STATUS_ACCESS_DENIED) ++s.statistics.sts0_permerrors;
    return opened.status();
  }
  auto handle = opened->handle;
  auto st = share.store->stat(*handle);
  if (!st) return st.status();
  const FileStat& fs = st.value();
  auto key = std::make_pair(fs.device, fs.index_number);
  File* file = nullptr;
  if (auto it = s.files.find(key); it != s.files.end()) {
    file = it->second.get();
    if (file->delete_pending) return status::STATUS_DELETE_PENDING;
    for (Open* o : file->opens)
      if (share_conflict(*o, granted, m.share_access)) return status::STATUS_SHARING_VIOLATION;
  }
  if (!fs.is_directory && (granted & a::FILE_EXECUTE)) granted |= a::FILE_READ_DATA;

  // FIDs are unique per connection (Connection.FileOpenTable); 0 and 0xFFFF are never issued. They are drawn
  // from 0x8000 | (next DurableFileId & 0x7FFF) so that FIDs of different connections (and SMB2 FileId.Volatile
  // values, which count from 1 per session) rarely coincide in the control channel's state dump.
  std::uint16_t fid = 0;
  std::uint16_t start = static_cast<std::uint16_t>(0x8000 | (s.next_durable_file_id & 0x7FFF));
  for (int tries = 0; tries < 0x10000 && fid == 0; ++tries) {
    std::uint16_t cand = static_cast<std::uint16_t>(start + tries);
    if (cand == 0 || cand == 0xFFFF) continue;
    if (!find_fid(r.connection, cand)) fid = cand;
  }
  if (fid == 0) return NtStatus{0xC00001AB};  // STATUS_TOO_MANY_OPENED_FILES (ERRDOS/ERRnofids)
  auto open = new_open(s, session, tree, r.connection, fid);
  open->local_open = handle;
  open->path = *path;
  open->is_directory = fs.is_directory;
  open->granted_access = granted;
  open->desired_access = m.desired_access;
  open->share_access = m.share_access;
  open->create_options = m.create_options;
  open->file_attributes = m.ext_file_attributes;
  open->delete_on_close = (m.create_options & FILE_DELETE_ON_CLOSE) != 0;
  if (!file) {
    auto nf = std::make_unique<File>();
    nf->device = fs.device;
    nf->inode = fs.index_number;
    file = nf.get();
    s.files.emplace(key, std::move(nf));
  }
  open->file = file;
  file->opens.push_back(open.get());
  open->oplock_level = grant_smb1_oplock(r, *open, m.flags);
  // MS-FSA 2.1.5.18.2: a LEVEL_TWO request is not granted while the stream has byte-range locks (Windows'
  // FsRtlOplockFsctrl takes "OpenCount nonzero if there are byte range locks"); smbtorture raw.oplock brl4.
  if (open->oplock_level == kLevelII && !file->locks.locks().empty()) open->oplock_level = kLevelNone;
  open->oplock_state = open->oplock_level ? OplockState::held : OplockState::none;
  r.state.opener_pid[open->durable_file_id] = r.header.pid();

  p::NtCreateAndxResponse resp;
  resp.op_lock_level = cifs_level(open->oplock_level);
  resp.fid = fid;
  resp.create_disposition = static_cast<std::uint32_t>(opened->action);
  resp.create_time = fs.times.creation_time;
  resp.last_access_time = fs.times.last_access_time;
  resp.last_write_time = fs.times.last_write_time;
  resp.last_change_time = fs.times.change_time;
  resp.ext_file_attributes = fs.file_attributes;
  resp.allocation_size = fs.allocation_size;
  resp.end_of_file = fs.end_of_file;
  resp.resource_type = 0;  // FileTypeDisk
  resp.nm_pipe_status = 0;
  resp.directory = fs.is_directory ? 1 : 0;
  if (m.flags & p::NT_CREATE_REQUEST_EXTENDED_RESPONSE) {
    // MS-SMB 2.2.4.9.2 extended response: 50 words of parameters (<50>: Windows writes 0x2A for them, which a
    // parser trusting WordCount, such as Samba's client, rejects); the honest count 0x32 describes the same layout.
    resp.word_count = 0x32;
    resp.file_id = fs.index_number;
    resp.maximal_access_rights = tree.maximal_access;
    resp.guest_maximal_access_rights = 0;
  }
  register_open(s, std::move(open));
  return resp;
}

Reply handle_close(Request& r, const p::CloseRequest& m) {
  // MS-CIFS 3.3.5.7: FID not found -> STATUS_INVALID_HANDLE (ERRDOS/ERRbadfid).
  Open* open = find_fid(r.connection, m.fid);
  if (!open) return status::STATUS_INVALID_HANDLE;
  // "SHOULD set the last modification time when LastTimeModified is neither 0 nor 0xFFFFFFFF and the client has
  // write access" (<249>).
  if (m.last_time_modified != 0 && m.last_time_modified != 0xFFFFFFFF && open->local_open &&
      (open->granted_access & (a::FILE_WRITE_DATA | a::FILE_APPEND_DATA | a::FILE_WRITE_ATTRIBUTES))) {
    if (ObjectStore* st = store_of(*open)) {
      FileTimes t;
      t.last_write_time = filetime_from_utime(m.last_time_modified);
      (void)st->set_basic(*open->local_open, t, 0);
    }
  }
  close_smb1_open(r.server, *open);
  return p::CloseResponse{};
}

Reply handle_flush(Request& r, const p::FlushRequest& m) {
  // MS-CIFS 3.3.5.8 (+<252>): FID 0xFFFF flushes every file the PID opened on the connection.
  auto flush_one = [&](Open& o) -> NtStatus {
    ObjectStore* st = store_of(o);
    if (!st || !o.local_open || o.is_directory) return status::STATUS_SUCCESS;
    ++o.flush_count;
    return st->flush(*o.local_open);
  };
  if (m.fid == 0xFFFF) {
    std::uint32_t pid = r.header.pid();
    std::vector<Open*> mine;
    for (auto& [sid, sess] : r.connection.session_table)
      for (auto& [fid, o] : sess->open_table) {
        auto it = r.state.opener_pid.find(o->durable_file_id);
        if (it != r.state.opener_pid.end() && it->second == pid) mine.push_back(o.get());
      }
    NtStatus result = status::STATUS_SUCCESS;
    for (Open* o : mine) {
      NtStatus st = flush_one(*o);
      if (!st.is_success() && result.is_success()) result = st;
    }
    if (!result.is_success()) return result;
    return p::FlushResponse{};
  }
  Open* open = find_fid(r.connection, m.fid);
  if (!open) return status::STATUS_INVALID_HANDLE;
  if (NtStatus st = flush_one(*open); !st.is_success()) return st;
  return p::FlushResponse{};
}

Reply handle_read(Request& r, const p::ReadAndxRequest& m) {
  // MS-CIFS 3.3.5.35: FID, read permission, lock check (MS-FSA 2.1.5.3), read.
  Open* open = find_fid(r.connection, m.fid);
  if (!open) return status::STATUS_INVALID_HANDLE;
  if (!(open->granted_access & (a::FILE_READ_DATA | a::FILE_EXECUTE))) {
    ++r.server.statistics.sts0_permerrors;
    return status::STATUS_ACCESS_DENIED;
  }
  if (open->is_directory) return status::STATUS_INVALID_DEVICE_REQUEST;
  ObjectStore* store = store_of(*open);
  if (!store || !open->local_open) return status::STATUS_NOT_SUPPORTED;
  std::uint64_t offset = m.offset;
  if (m.word_count == 0x0C) offset |= std::uint64_t{m.offset_high} << 32;
  std::uint32_t count = m.max_count_of_bytes_to_return;
  // MS-SMB 2.2.4.2.1: with CAP_LARGE_READX the high 16 bits travel in Timeout_or_MaxCountHigh.
  if ((r.state.server_capabilities & p::CAP_LARGE_READX) && m.timeout_or_max_count_high != 0xFFFFFFFF)
    count |= (m.timeout_or_max_count_high & 0xFFFF) << 16;
  count = std::min(count, kMaxReadx);
  if (open->file && count > 0) {
    NtStatus st = open->file->locks.check_read(LockOwner::for_smb1(open->durable_file_id, r.header.pid_low), offset, count);
    if (!st.is_success()) return st;
  }
  p::ReadAndxResponse resp;
  if (count > 0) {
    auto data = store->read(*open->local_open, offset, count);
    if (!data) return data.status();
    resp.data = std::move(data.value());  // at end of file: 0 bytes, SUCCESS (MS-CIFS 3.3.5.35)
  }
  resp.available = 0xFFFF;  // MS-CIFS 2.2.4.42.2: files report -1
  open->current_offset = offset + resp.data.size();
  return resp;
}

Reply handle_write(Request& r, const p::WriteAndxRequest& m) {
  // MS-CIFS 3.3.5.36: FID, write permission, lock check (MS-FSA 2.1.5.4), write.
  Open* open = find_fid(r.connection, m.fid);
  if (!open) return status::STATUS_INVALID_HANDLE;
  if (open->is_directory) return status::STATUS_INVALID_DEVICE_REQUEST;
  ObjectStore* store = store_of(*open);
  if (!store || !open->local_open) return status::STATUS_NOT_SUPPORTED;
  std::uint64_t offset = m.offset;
  if (m.word_count == 0x0E) offset |= std::uint64_t{m.offset_high} << 32;
  auto fs = store->stat(*open->local_open);
  if (!fs) return fs.status();
  if (!may_write(*open, offset, m.data.size(), fs->end_of_file)) {
    ++r.server.statistics.sts0_permerrors;
    return status::STATUS_ACCESS_DENIED;
  }
  if (open->file && !m.data.empty()) {
    NtStatus st = open->file->locks.check_write(LockOwner::for_smb1(open->durable_file_id, r.header.pid_low), offset,
                                                m.data.size());
    if (!st.is_success()) return st;
  }
  oplock_break_level2(r.server, *open);  // MS-FSA 2.1.5.4 -> 2.1.4.12: level II holders break to none
  std::uint32_t n = 0;
  if (!m.data.empty()) {
    auto w = store->write(*open->local_open, offset, m.data);
    if (!w) return w.status();
    n = w.value();
  }
  if (m.write_mode & WRITETHROUGH_MODE) (void)store->flush(*open->local_open);
  open->current_offset = offset + n;
  p::WriteAndxResponse resp;
  resp.count = static_cast<std::uint16_t>(n);
  resp.count_high = static_cast<std::uint16_t>(n >> 16);
  resp.available = 0xFFFF;
  return resp;
}

Reply handle_write_and_close(Request& r, const p::WriteAndCloseRequest& m) {
  Server& s = r.server;
  // 3.3.5.34: "The server MUST verify the FID, which MUST represent an open regular file."
  Open* open = find_fid(r.connection, m.fid);
  if (!open) return status::STATUS_INVALID_HANDLE;                                // ERRDOS/ERRbadfid
  if (open->is_directory) return status::STATUS_INVALID_DEVICE_REQUEST;          // not a regular file
  ObjectStore* store = store_of(*open);
  if (!store || !open->local_open) return status::STATUS_INVALID_DEVICE_REQUEST;  // a pipe is no regular file
  auto fs = store->stat(*open->local_open);
  if (!fs) return fs.status();
  std::uint64_t offset = m.write_offset_in_bytes;
  std::uint64_t count = m.count_of_bytes_to_write;
  // 3.3.5.34: "ensure that the user has permission to write to the file. If [not], the server MUST send an
  // error response with a status of STATUS_ACCESS_DENIED ... and MUST increase sts0_permerrors by 1."
  if (!may_write(*open, offset, count, fs->end_of_file)) {
    ++s.statistics.sts0_permerrors;
    return status::STATUS_ACCESS_DENIED;
  }
  // 3.3.5.34: "If the UID presented is different from the UID that opened the file, ... STATUS_INVALID_HANDLE".
  if (!open->session || open->session->session_id != r.header.uid) return status::STATUS_INVALID_HANDLE;
  // MS-FSA 2.1.5.4 (<294>: processed as SMB_COM_WRITE, Key = (FID << 16) | PIDLow): a range covered by another
  // owner's exclusive lock or any shared lock -> STATUS_FILE_LOCK_CONFLICT. On any error the FID stays open
  // (3.3.5.34 closes only "otherwise"); 2.2.4.40's "SHOULD still close" is the other reading (SMB1-WAC-13).
  if (open->file && count > 0) {
    NtStatus st = open->file->locks.check_write(LockOwner::for_smb1(open->durable_file_id, r.header.pid_low), offset, count);
    if (!st.is_success()) return st;
  }
  oplock_break_level2(s, *open);
  std::uint32_t written = 0;
  if (count == 0 && s.config.smb1_wac_zero_keeps_open) {
    // Server option (W2K, Samba's reply_writeclose "only close if numtowrite > 0"): nothing written, nothing
    // truncated, the FID stays open (SMB1-WAC-09's non_strict alternative).
    p::WriteAndCloseResponse resp;
    return resp;
  }
  if (count == 0) {
    // 2.2.4.40.1: "If CountOfBytesToWrite is 0, the file MUST be truncated or extended to WriteOffsetInBytes."
    if (NtStatus st = store->set_end_of_file(*open->local_open, offset); !st.is_success()) return st;
  } else {
    // 3.3.5.34: seek to WriteOffsetInBytes and write CountOfBytesToWrite bytes (a gap reads back as zeros).
    auto w = store->write(*open->local_open, offset, wire::ByteView(m.data).first(std::min<std::size_t>(count, m.data.size())));
    if (!w) return w.status();
    written = w.value();
    // "Any failure that causes less than CountOfBytesToWrite bytes to be written SHOULD result in an error".
    if (written < count) return status::STATUS_DISK_FULL;
  }
  // 3.3.5.34: "If the LastWriteTime field is nonzero ..., the server SHOULD set the last write time"; a failure
  // to set it is not an error. 0 leaves the time alone (2.2.4.40.1's "0 = current time" is the other reading).
  if (m.last_write_time != 0) {
    FileTimes t;
    t.last_write_time = filetime_from_utime(m.last_write_time);
    (void)store->set_basic(*open->local_open, t, 0);
  }
  // 3.3.5.34: close: locks released, Open removed from FileOpenTable, OpenCount and sts0_fopens -1, deregistered.
  close_smb1_open(s, *open);
  p::WriteAndCloseResponse resp;
  resp.count_of_bytes_written = static_cast<std::uint16_t>(written);
  return resp;
}

namespace {


/**
 * Deletes one file by path (MS-CIFS 3.3.5.9). The delete is an open of the file for DELETE (MS-FSA 2.1.5.1,
 * FILE_OPEN, FILE_NON_DIRECTORY_FILE) followed by setting its disposition: the share check and the oplock breaks
 * are an open's (MS-FSA 2.1.5.1.2.1 via 2.1.4.12), so a BATCH holder is broken to LEVEL_II before the share check
 * and any other holder only after it. ShareAccess of that open is NONE (Samba's unlink_internals opens with
 * FILE_SHARE_NONE; smbtorture raw.oplock exclusive2 expects SHARING_VIOLATION against a share-all level II
 * holder). Known deviation: MS-CIFS 3.3.5.9 says NewOpLockLevel 0x00; Windows and Samba send LEVEL_II
 * (raw.oplock batch1/batch2 assert OPLOCK_BREAK_TO_LEVEL_II for every target), which is MS-FSA 2.1.4.12's rule
 * for an open. Returns STATUS_PENDING when the caller must wait for an acknowledgment (`*wait_on` set).
 */
NtStatus delete_one(Server& s, Share& share, const std::string& path, File** wait_on) {
  if (File* f = file_by_path(s, &share, path)) {
    if (f->delete_pending) return status::STATUS_DELETE_PENDING;
    bool conflict = false;
    for (Open* o : f->opens) conflict = conflict || share_conflict(*o, a::DELETE, 0);
    if (oplock_break_holders_for_open(s, *f, a::DELETE, 1 /* FILE_OPEN */, conflict)) {
      *wait_on = f;
      return status::STATUS_PENDING;
    }
    if (conflict) return status::STATUS_SHARING_VIOLATION;
  }
  auto opened = share.store->open(path, Disposition::open, ObjectKind::non_directory, false, 0);
  if (!opened) return opened.status();
  return share.store->remove(*opened->handle);
}

}  // namespace

Reply handle_delete(Request& r, const p::DeleteRequest& m) {
  Share& share = *r.tree->share;
  if (!share.store) return status::STATUS_ACCESS_DENIED;
  std::string name = m.file_name;
  std::size_t cut = name.find_last_of('\\');
  std::string leaf = cut == std::string::npos ? name : name.substr(cut + 1);
  if (!has_wildcards(leaf)) {
    auto path = smb1_path(name);
    if (!path) return path.status();
    File* wait_on = nullptr;
    NtStatus st = delete_one(r.server, share, *path, &wait_on);
    if (st == status::STATUS_PENDING) {
      // MS-CIFS 3.3.5.9: "MUST block until the OpLock is either acknowledged ... or the ... Timer has expired".
      if (!r.first_in_chain) return status::STATUS_SHARING_VIOLATION;
      wait_for_break(r, *wait_on);
      return Reply::later();
    }
    if (!st.is_success()) return st;
    return p::DeleteResponse{};
  }
  // MS-CIFS 3.3.5.10: wildcards in the last component delete every match.
  std::string dir = cut == std::string::npos ? "" : name.substr(0, cut);
  auto dpath = smb1_path(dir);
  if (!dpath) return dpath.status();
  auto dh = share.store->open(*dpath, Disposition::open, ObjectKind::directory, false, 0);
  if (!dh) return dh.status();
  auto entries = share.store->list(*dh->handle);
  if (!entries) return entries.status();
  bool any = false;
  for (const auto& e : entries.value()) {
    if (e.stat.is_directory || !name_in_expression(leaf, e.name)) continue;
    std::string p = dpath->empty() ? e.name : *dpath + "/" + e.name;
    File* wait_on = nullptr;
    NtStatus st = delete_one(r.server, share, p, &wait_on);
    if (st == status::STATUS_PENDING) {
      // Files already deleted stay deleted; the re-run deletes the remaining matches (MS-CIFS 3.3.5.9).
      if (!r.first_in_chain) return status::STATUS_SHARING_VIOLATION;
      wait_for_break(r, *wait_on);
      return Reply::later();
    }
    if (!st.is_success()) return st;
    any = true;
  }
  if (!any) return status::STATUS_NO_SUCH_FILE;
  return p::DeleteResponse{};
}

Reply handle_delete_directory(Request& r, const p::DeleteDirectoryRequest& m) {
  Share& share = *r.tree->share;
  if (!share.store) return status::STATUS_ACCESS_DENIED;
  auto path = smb1_path(m.directory_name);
  if (!path) return path.status();
  if (file_by_path(r.server, &share, *path)) return status::STATUS_SHARING_VIOLATION;
  auto opened = share.store->open(*path, Disposition::open, ObjectKind::directory, false, 0);
  if (!opened) return opened.status();
  if (NtStatus st = share.store->remove(*opened->handle); !st.is_success()) return st;
  return p::DeleteDirectoryResponse{};
}

}  // namespace smb::server::smb1
