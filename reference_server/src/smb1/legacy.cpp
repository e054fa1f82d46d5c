// Deprecated SMB1 commands that real clients (Samba's libcli in smbtorture) still send and the codec does not model:
// OPEN_ANDX, SETATTR, WRITE, WRITE_AND_UNLOCK, PROCESS_EXIT and the NT_TRANSACT_IOCTL subset. Decoded by MS-CIFS offsets
// (noted beside each read) and mapped onto the same handlers and data model as NT_CREATE_ANDX / WRITE_ANDX.
#include <algorithm>

#include "smb1_internal.hpp"
#include "smbserver/access.hpp"
#include "smbserver/name_expression.hpp"
#include "smbserver/oplock.hpp"
#include "smbserver/rename.hpp"

namespace smb::server::smb1 {
namespace {

namespace a = access;

constexpr std::uint8_t SMB_COM_WRITE = 0x0B;
constexpr std::uint8_t SMB_COM_LOCK_BYTE_RANGE = 0x0C;
constexpr std::uint8_t SMB_COM_UNLOCK_BYTE_RANGE = 0x0D;
constexpr std::uint8_t SMB_COM_PROCESS_EXIT = 0x11;
constexpr std::uint8_t SMB_COM_LOCK_AND_READ = 0x13;
constexpr std::uint8_t SMB_COM_WRITE_AND_UNLOCK = 0x14;
constexpr std::uint8_t SMB_COM_OPEN_ANDX = 0x2D;
constexpr std::uint8_t SMB_COM_SETATTR = 0x09;
constexpr std::uint8_t SMB_COM_NT_TRANSACT = 0xA0;
constexpr std::uint16_t NT_TRANSACT_IOCTL = 0x0002;
constexpr std::uint32_t FSCTL_SET_SPARSE = 0x000900C4;
constexpr std::uint16_t SMB_OPEN_EXTENDED_RESPONSE = 0x0010;  // MS-SMB 2.2.4.1.1
constexpr std::uint16_t REQ_OPLOCK = 0x0002, REQ_OPBATCH = 0x0004;  // MS-CIFS 2.2.4.41.1 Flags

std::uint16_t u16(wire::ByteView m, std::size_t at) { return static_cast<std::uint16_t>(m[at] | (m[at + 1] << 8)); }
std::uint32_t u32(wire::ByteView m, std::size_t at) {
  return std::uint32_t{m[at]} | (std::uint32_t{m[at + 1]} << 8) | (std::uint32_t{m[at + 2]} << 16) | (std::uint32_t{m[at + 3]} << 24);
}
void put16(wire::Bytes& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v));
  b.push_back(static_cast<std::uint8_t>(v >> 8));
}
void put32(wire::Bytes& b, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

/** WordCount/ByteCount sanity (MS-CIFS 3.3.5.2): the block fits the message and WordCount is `words`. */
bool block_ok(wire::ByteView m, std::uint8_t words) {
  if (m.size() < p::kMinMessageSize || m[32] != words) return false;
  std::size_t bc_at = 33 + 2 * std::size_t{words};
  return bc_at + 2 <= m.size() && bc_at + 2 + u16(m, bc_at) <= m.size();
}

/** An SMB_STRING at `at` (MS-CIFS 2.2.1.1: Unicode strings are 2-aligned from the header start). */
std::optional<std::string> read_string(wire::ByteView m, std::size_t at, std::size_t end, bool unicode) {
  if (unicode) {
    if (at % 2) ++at;
    std::size_t e = at;
    while (e + 1 < end && (m[e] || m[e + 1])) e += 2;
    auto s = wire::utf8_from_utf16le(m.subspan(at, std::min(e, end) - at));
    if (!s) return std::nullopt;
    return *s;
  }
  std::size_t e = at;
  while (e < end && m[e]) ++e;
  return std::string(reinterpret_cast<const char*>(m.data() + at), e - at);
}

std::uint32_t utime_from_filetime(std::uint64_t ft) {
  if (ft < 116444736000000000ull) return 0;
  return static_cast<std::uint32_t>((ft - 116444736000000000ull) / 10000000ull);
}

/** Common UID/TID checks of MS-CIFS 3.3.5.2 for the commands handled here. */
NtStatus check_ids(Connection& c, const p::Header& h, Session*& sess, TreeConnect*& tree) {
  sess = find_uid(c, h.uid);
  if (!sess) return status::STATUS_SMB_BAD_UID;
  if (sess->state == SessionState::expired) return status::STATUS_NETWORK_SESSION_EXPIRED;
  tree = find_tid(c, h.tid);
  if (!tree) return status::STATUS_SMB_BAD_TID;
  return status::STATUS_SUCCESS;
}

/** MS-CIFS 2.2.4.41 SMB_COM_OPEN_ANDX, mapped onto NT_CREATE_ANDX (MS-CIFS 3.3.5.35 uses the same object-store open). */
void open_andx(Server& s, Connection& c, const p::Header& h, wire::ByteView m, std::uint32_t seq) {
  if (!block_ok(m, 15)) return send_words(s, c, h, seq, status::STATUS_INVALID_SMB, {});
  Session* sess = nullptr;
  TreeConnect* tree = nullptr;
  if (NtStatus st = check_ids(c, h, sess, tree); st.value != 0) return send_words(s, c, h, seq, st, {});
  std::uint16_t flags = u16(m, 37);          // 0x25 Flags
  std::uint16_t access_mode = u16(m, 39);    // 0x27 AccessMode
  std::uint16_t file_attrs = u16(m, 43);     // 0x2B FileAttrs
  std::uint16_t open_mode = u16(m, 49);      // 0x31 OpenMode
  std::size_t bytes_at = 65, end = 65 + u16(m, 63);
  auto name = read_string(m, bytes_at, end, h.flags2 & p::SMB_FLAGS2_UNICODE);
  if (!name) return send_words(s, c, h, seq, status::STATUS_OBJECT_NAME_INVALID, {});
  p::NtCreateAndxRequest nc;
  nc.file_name = *name;
  switch (access_mode & 0x7) {  // AccessMode bits 0-2 (MS-CIFS 2.2.1.2.1.1)
    case 0: nc.desired_access = a::GENERIC_READ; break;
    case 1: nc.desired_access = a::GENERIC_WRITE; break;
    case 2: nc.desired_access = a::GENERIC_READ | a::GENERIC_WRITE; break;
    case 3: nc.desired_access = a::GENERIC_READ | a::GENERIC_EXECUTE; break;
    default: return send_words(s, c, h, seq, status::STATUS_INVALID_PARAMETER, {});
  }
  switch ((access_mode >> 4) & 0x7) {  // sharing mode bits 4-6
    case 1: nc.share_access = 0; break;                   // deny read/write
    case 2: nc.share_access = 0x1; break;                 // deny write
    case 3: nc.share_access = 0x2; break;                 // deny read
    default: nc.share_access = 0x1 | 0x2 | 0x4; break;    // compatibility / deny none
  }
  bool create = open_mode & 0x10;  // OpenMode: bit 4 create if missing; bits 0-1 action if present
  switch (open_mode & 0x3) {
    case 0: nc.create_disposition = 2; break;             // fail if exists -> FILE_CREATE
    case 1: nc.create_disposition = create ? 3 : 1; break;  // open -> FILE_OPEN_IF / FILE_OPEN
    case 2: nc.create_disposition = create ? 5 : 4; break;  // truncate -> FILE_OVERWRITE_IF / FILE_OVERWRITE
    default: return send_words(s, c, h, seq, status::STATUS_INVALID_PARAMETER, {});
  }
  if ((open_mode & 0x3) == 0 && !create) return send_words(s, c, h, seq, status::STATUS_INVALID_PARAMETER, {});
  nc.ext_file_attributes = file_attrs;
  nc.create_options = 0x40;  // FILE_NON_DIRECTORY_FILE
  nc.impersonation_level = 2;
  if (flags & REQ_OPLOCK) nc.flags |= p::NT_CREATE_REQUEST_OPLOCK;
  if (flags & REQ_OPBATCH) nc.flags |= p::NT_CREATE_REQUEST_OPLOCK | p::NT_CREATE_REQUEST_OPBATCH;
  Request r{s, c, *c.smb1, h, wire::Bytes(m.begin(), m.end()), seq};
  r.session = sess;
  r.tree = tree;
  Reply rep = handle_nt_create(r, nc);
  if (rep.deferred) return;  // re-run after the oplock break resolves
  if (rep.status.value != 0 || !rep.body) return send_words(s, c, h, seq, rep.status, {});
  const auto& resp = std::get<p::NtCreateAndxResponse>(*rep.body);
  // MS-CIFS 2.2.4.41.2 response words.
  wire::Bytes w{0xFF, 0};
  put16(w, 0);                                                        // AndXOffset
  put16(w, resp.fid);                                                 // FID
  put16(w, static_cast<std::uint16_t>(resp.ext_file_attributes & 0x37));  // FileAttrs
  put32(w, utime_from_filetime(resp.last_write_time));                // LastWriteTime (UTIME)
  put32(w, static_cast<std::uint32_t>(resp.end_of_file));             // FileDataSize
  put16(w, static_cast<std::uint16_t>(access_mode & 0x7));            // AccessRights
  put16(w, 0);                                                        // ResourceType: disk
  put16(w, 0);                                                        // NMPipeStatus
  std::uint16_t action = resp.create_disposition == 2 ? 2 : resp.create_disposition == 1 ? 1 : 3;
  if (resp.op_lock_level != p::NO_OPLOCK) action |= 0x8000;           // OpenResults: LockStatus
  put16(w, action);
  if (flags & SMB_OPEN_EXTENDED_RESPONSE) {
    put32(w, resp.fid);                                               // ServerFID (MS-SMB 2.2.4.1.2)
    put16(w, 0);                                                      // Reserved
    put32(w, tree->maximal_access);                                   // MaximalAccessRights
    put32(w, 0);                                                      // GuestMaximalAccessRights
  } else {
    w.insert(w.end(), 6, 0);                                          // Reserved[3]
  }
  send_words(s, c, h, seq, status::STATUS_SUCCESS, w);
}

/** MS-CIFS 3.3.5.14 SMB_COM_WRITE (and 3.3.5.19 WRITE_AND_UNLOCK, which unlocks the range after writing). */
void write_legacy(Server& s, Connection& c, const p::Header& h, wire::ByteView m, std::uint32_t seq, bool unlock) {
  if (!block_ok(m, 5)) return send_words(s, c, h, seq, status::STATUS_INVALID_SMB, {});
  Session* sess = nullptr;
  TreeConnect* tree = nullptr;
  if (NtStatus st = check_ids(c, h, sess, tree); st.value != 0) return send_words(s, c, h, seq, st, {});
  std::uint16_t fid = u16(m, 33);       // 0x21 FID
  std::uint16_t count = u16(m, 35);     // 0x23 CountOfBytesToWrite
  std::uint32_t offset = u32(m, 37);    // 0x25 WriteOffsetInBytes
  std::size_t bc = u16(m, 43);          // 0x2B ByteCount; Bytes: BufferFormat 0x01, DataLength, Data
  if (bc >= 1 && m[45] != 0x01) return send_words(s, c, h, seq, status::STATUS_INVALID_SMB, {});
  // A well-formed block whose CountOfBytesToWrite exceeds the data sent: a bad parameter, not a bad SMB.
  if (count > 0 && (bc < 3u + count || u16(m, 46) < count))
    return send_words(s, c, h, seq, status::STATUS_INVALID_PARAMETER, {});
  wire::ByteView data = count ? m.subspan(48, count) : wire::ByteView{};
  Open* open = find_fid(c, fid);
  if (!open) return send_words(s, c, h, seq, status::STATUS_INVALID_HANDLE, {});
  ObjectStore* store = open->tree_connect->share->store.get();
  if (open->is_directory || !store || !open->local_open) return send_words(s, c, h, seq, status::STATUS_INVALID_DEVICE_REQUEST, {});
  if (!(open->granted_access & (a::FILE_WRITE_DATA | a::FILE_APPEND_DATA))) {
    ++s.statistics.sts0_permerrors;
    return send_words(s, c, h, seq, status::STATUS_ACCESS_DENIED, {});
  }
  LockOwner owner = LockOwner::for_smb1(open->durable_file_id, h.pid_low);
  if (open->file && count > 0 && !unlock) {
    if (NtStatus st = open->file->locks.check_write(owner, offset, count); !st.is_success())
      return send_words(s, c, h, seq, st, {});
  }
  oplock_break_level2(s, *open);
  std::uint32_t written = 0;
  if (count == 0) {
    // 3.3.5.14: "CountOfBytesToWrite 0 truncates or extends the file to WriteOffsetInBytes" (WRITE_AND_UNLOCK: no-op).
    if (!unlock)
      if (NtStatus st = store->set_end_of_file(*open->local_open, offset); !st.is_success()) return send_words(s, c, h, seq, st, {});
  } else {
    auto wr = store->write(*open->local_open, offset, data);
    if (!wr) return send_words(s, c, h, seq, wr.status(), {});
    written = wr.value();
  }
  if (unlock && count > 0 && open->file) {
    // MS-CIFS 3.3.5.19: the range is unlocked after the write; not locked -> STATUS_RANGE_NOT_LOCKED.
    if (NtStatus st = open->file->locks.unlock(owner, offset, count); !st.is_success()) return send_words(s, c, h, seq, st, {});
  }
  wire::Bytes w;
  put16(w, static_cast<std::uint16_t>(written));
  send_words(s, c, h, seq, status::STATUS_SUCCESS, w);
}

/** MS-CIFS 3.3.5.15 / 3.3.5.16 SMB_COM_LOCK_BYTE_RANGE / UNLOCK_BYTE_RANGE: one exclusive 32-bit range, no wait. */
void byte_range(Server& s, Connection& c, const p::Header& h, wire::ByteView m, std::uint32_t seq, bool lock) {
  if (!block_ok(m, 5)) return send_words(s, c, h, seq, status::STATUS_INVALID_SMB, {});
  Session* sess = nullptr;
  TreeConnect* tree = nullptr;
  if (NtStatus st = check_ids(c, h, sess, tree); st.value != 0) return send_words(s, c, h, seq, st, {});
  Open* open = find_fid(c, u16(m, 33));                 // 0x21 FID
  if (!open) return send_words(s, c, h, seq, status::STATUS_INVALID_HANDLE, {});
  if (!open->file || open->is_directory) return send_words(s, c, h, seq, status::STATUS_INVALID_PARAMETER, {});
  std::uint32_t count = u32(m, 35);                      // 0x23 CountOfBytesToLock
  std::uint32_t offset = u32(m, 39);                     // 0x27 LockOffsetInBytes
  if (lock && s.config.smb1_lock_retry_conflict && open->file->locks.options().retry_conflict == RetryConflict::never) {
    LockManagerOptions o = open->file->locks.options();
    o.retry_conflict = RetryConflict::smb1_only;
    open->file->locks.set_options(o);
  }
  LockOwner owner = LockOwner::for_smb1(open->durable_file_id, h.pid_low);
  NtStatus st = lock ? open->file->locks.lock(owner, offset, count, true) : open->file->locks.unlock(owner, offset, count);
  send_words(s, c, h, seq, st, {});
}

/** MS-CIFS 3.3.5.13 SMB_COM_LOCK_AND_READ: an exclusive lock of the range (no wait), then a read of it. */
void lock_and_read(Server& s, Connection& c, const p::Header& h, wire::ByteView m, std::uint32_t seq) {
  if (!block_ok(m, 5)) return send_words(s, c, h, seq, status::STATUS_INVALID_SMB, {});
  Session* sess = nullptr;
  TreeConnect* tree = nullptr;
  if (NtStatus st = check_ids(c, h, sess, tree); st.value != 0) return send_words(s, c, h, seq, st, {});
  Open* open = find_fid(c, u16(m, 33));                 // 0x21 FID
  if (!open) return send_words(s, c, h, seq, status::STATUS_INVALID_HANDLE, {});
  ObjectStore* store = open->tree_connect->share->store.get();
  if (!open->file || open->is_directory || !store || !open->local_open)
    return send_words(s, c, h, seq, status::STATUS_INVALID_DEVICE_REQUEST, {});
  if (!(open->granted_access & a::FILE_READ_DATA)) return send_words(s, c, h, seq, status::STATUS_ACCESS_DENIED, {});
  std::uint16_t count = u16(m, 35);                      // 0x23 CountOfBytesToRead
  std::uint32_t offset = u32(m, 37);                     // 0x25 ReadOffsetInBytes
  LockOwner owner = LockOwner::for_smb1(open->durable_file_id, h.pid_low);
  if (NtStatus st = open->file->locks.lock(owner, offset, count, true); !st.is_success()) return send_words(s, c, h, seq, st, {});
  auto data = store->read(*open->local_open, offset, count);
  if (!data) return send_words(s, c, h, seq, data.status(), {});
  wire::Bytes w;
  put16(w, static_cast<std::uint16_t>(data->size()));   // CountOfBytesReturned
  w.insert(w.end(), 8, 0);                               // Reserved[4]
  wire::Bytes b{0x01};                                   // BufferFormat: data block
  put16(b, static_cast<std::uint16_t>(data->size()));
  b.insert(b.end(), data->begin(), data->end());
  send_words(s, c, h, seq, status::STATUS_SUCCESS, w, b);
}

/** MS-CIFS 3.3.5.18 SMB_COM_PROCESS_EXIT: closes every file the PID opened on the connection. */
void process_exit(Server& s, Connection& c, const p::Header& h, wire::ByteView m, std::uint32_t seq) {
  if (!block_ok(m, 0)) return send_words(s, c, h, seq, status::STATUS_INVALID_SMB, {});
  if (!find_uid(c, h.uid)) return send_words(s, c, h, seq, status::STATUS_SMB_BAD_UID, {});
  std::vector<Open*> mine;
  for (auto& [sid, sess] : c.session_table)
    for (auto& [fid, o] : sess->open_table) {
      auto it = c.smb1->opener_pid.find(o->durable_file_id);
      if (it != c.smb1->opener_pid.end() && it->second == h.pid()) mine.push_back(o.get());
    }
  for (Open* o : mine) close_smb1_open(s, *o);
  send_words(s, c, h, seq, status::STATUS_SUCCESS, {});
}

/** MS-CIFS 2.2.4.62 SMB_COM_NT_TRANSACT: only NT_TRANSACT_IOCTL FSCTL_SET_SPARSE (a no-op on this store). */
void nt_transact(Server& s, Connection& c, const p::Header& h, wire::ByteView m, std::uint32_t seq) {
  if (m.size() < 71 || m[32] < 19) return send_words(s, c, h, seq, status::STATUS_INVALID_SMB, {});
  std::uint8_t setup_count = m[68];                    // 0x44 SetupCount
  if (m[32] != 19 + setup_count || !block_ok(m, m[32])) return send_words(s, c, h, seq, status::STATUS_INVALID_SMB, {});
  Session* sess = nullptr;
  TreeConnect* tree = nullptr;
  if (NtStatus st = check_ids(c, h, sess, tree); st.value != 0) return send_words(s, c, h, seq, st, {});
  std::uint16_t function = u16(m, 69);                 // 0x45 Function
  if (function != NT_TRANSACT_IOCTL || setup_count < 4) return send_words(s, c, h, seq, NtStatus{0xC00000BB}, {});
  std::uint32_t code = u32(m, 71);                     // Setup: FunctionCode, FID, IsFctl, IsFlags
  std::uint16_t fid = u16(m, 75);
  if (!find_fid(c, fid)) return send_words(s, c, h, seq, status::STATUS_INVALID_HANDLE, {});
  if (code != FSCTL_SET_SPARSE) return send_words(s, c, h, seq, NtStatus{0xC00000BB}, {});
  // MS-CIFS 2.2.7.2.2 response: no parameters, no data; SetupCount 1 (TransactionDataSize 0).
  wire::Bytes w(3, 0);                                 // Reserved1
  std::uint32_t end = 32 + 1 + 38 + 2;
  for (std::uint32_t v : {0u, 0u, 0u, end, 0u, 0u, end, 0u}) put32(w, v);
  w.push_back(1);                                      // SetupCount
  put16(w, 0);                                         // Setup[0]
  send_words(s, c, h, seq, status::STATUS_SUCCESS, w);
}

/**
 * MS-CIFS 2.2.4.10 SMB_COM_SETATTR (deprecated; libcli's RAW_SFILEINFO_SETATTR): FileAttributes, LastWriteTime
 * (UTIME, 0 = unchanged), Reserved[5]; BufferFormat 0x04 + FileName. The file is opened by name for attribute
 * access only, an open that takes no part in share checks (MS-FSA 2.1.5.1.2.2) and breaks no oplock (MS-FSA
 * 2.1.4.12: attribute-only opens; smbtorture raw.oplock batch25). Response: WordCount 0, ByteCount 0.
 */
void setattr(Server& s, Connection& c, const p::Header& h, wire::ByteView m, std::uint32_t seq) {
  if (!block_ok(m, 8)) return send_words(s, c, h, seq, status::STATUS_INVALID_SMB, {});
  Session* sess = nullptr;
  TreeConnect* tree = nullptr;
  if (NtStatus st = check_ids(c, h, sess, tree); st.value != 0) return send_words(s, c, h, seq, st, {});
  if (!tree->share || !tree->share->store) return send_words(s, c, h, seq, status::STATUS_ACCESS_DENIED, {});
  // 3.3.5.2: FILE_WRITE_ATTRIBUTES must be within the tree's maximal access (a read-only share refuses it).
  if (!(tree->maximal_access & a::FILE_WRITE_ATTRIBUTES))
    return send_words(s, c, h, seq, status::STATUS_ACCESS_DENIED, {});
  std::uint16_t attrs = u16(m, 33);
  std::uint32_t write_time = u32(m, 35);
  std::size_t bytes_at = 51, end = 51 + u16(m, 49);
  if (bytes_at >= end || m[bytes_at] != 0x04) return send_words(s, c, h, seq, status::STATUS_INVALID_SMB, {});
  auto name = read_string(m, bytes_at + 1, end, h.flags2 & p::SMB_FLAGS2_UNICODE);
  if (!name) return send_words(s, c, h, seq, status::STATUS_OBJECT_NAME_INVALID, {});
  auto path = smb1_path(*name);
  if (!path) return send_words(s, c, h, seq, path.status(), {});
  ObjectStore& store = *tree->share->store;
  auto opened = store.open(*path, Disposition::open, ObjectKind::any, false, 0);
  if (!opened) return send_words(s, c, h, seq, opened.status(), {});
  FileTimes t;
  if (write_time != 0) t.last_write_time = filetime_from_utime(write_time);
  // SMB_FILE_ATTRIBUTES (2.2.1.2.4): 0 is "normal"; the directory bit is not settable.
  std::uint32_t ext = attrs & 0x27;  // READONLY | HIDDEN | SYSTEM | ARCHIVE
  if (NtStatus st = store.set_basic(*opened->handle, t, ext ? ext : 0x80); !st.is_success())
    return send_words(s, c, h, seq, st, {});
  send_words(s, c, h, seq, status::STATUS_SUCCESS, {});
}

}  // namespace

/**
 * The rename by name shared by SMB_COM_RENAME (MS-CIFS 2.2.4.8, processing 3.3.5.10) and SMB_COM_NT_RENAME with
 * SMB_NT_RENAME_RENAME_FILE (2.2.4.66, 3.3.5.53: "treated as if it is an SMB_COM_RENAME Request"). The source is
 * opened first (MS-FSA 2.1.5.1) for DELETE with ShareAccess READ|WRITE, the open Samba's rename_internals makes: a
 * BATCH holder is broken to LEVEL_II before the share check, and a holder with any data or DELETE access then fails
 * the rename with STATUS_SHARING_VIOLATION (MS-CIFS 3.3.5.10; smbtorture raw.oplock exclusive6, batch17, batch18,
 * batch26). The rename itself is the shared core of SMB2 SET_INFO (rename.hpp: destination sharing, BATCH break,
 * open-target check, Open.Path). Wildcards in the source (3.3.5.10 allows them for SMB_COM_RENAME) are not
 * implemented.
 */
static Reply rename_by_name(Request& r, const std::string& old_name, const std::string& new_name) {
  Server& s = r.server;
  if (!r.tree->share || !r.tree->share->store) return status::STATUS_ACCESS_DENIED;
  if (has_wildcards(old_name)) return status::STATUS_NOT_IMPLEMENTED;
  auto src = smb1_path(old_name);
  if (!src) return src.status();
  auto dst = smb1_path(new_name);
  if (!dst) return dst.status();
  Share& share = *r.tree->share;
  if (File* f = file_open_by_path(s, &share, *src)) {
    if (f->delete_pending) return status::STATUS_DELETE_PENDING;
    bool conflict = false;
    for (Open* o : f->opens) conflict = conflict || share_access_conflict(*o, a::DELETE, 0x1 | 0x2);
    if (oplock_break_holders_for_open(s, *f, a::DELETE, 1 /* FILE_OPEN */, conflict)) {
      // MS-CIFS 3.3.5.10: blocks until the break is acknowledged or times out.
      if (!r.first_in_chain) return status::STATUS_SHARING_VIOLATION;
      wait_for_break(r, *f);
      return Reply::later();
    }
    if (conflict) return status::STATUS_SHARING_VIOLATION;
  }
  auto opened = share.store->open(*src, Disposition::open, ObjectKind::any, false, 0);
  if (!opened) return opened.status();
  auto st = share.store->stat(*opened->handle);
  if (!st) return st.status();
  RenameArgs args;
  args.share = &share;
  args.handle = opened->handle.get();
  if (auto it = s.files.find({st->device, st->index_number}); it != s.files.end()) args.file = it->second.get();
  args.source = *src;
  args.target = *dst;
  args.is_directory = st->is_directory;
  RenameResult rr = rename_object(s, args);
  if (rr.must_wait) {
    if (auto it = s.files.find(rr.wait_file); it != s.files.end() && r.first_in_chain) {
      wait_for_break(r, *it->second);
      return Reply::later();
    }
    rr = rename_object(s, args);  // the holder is gone already
    if (rr.must_wait) return status::STATUS_SHARING_VIOLATION;
  }
  return rr.status;
}

Reply handle_rename(Request& r, const p::RenameRequest& m) {
  Reply rep = rename_by_name(r, m.old_file_name, m.new_file_name);
  if (!rep.deferred && !rep.no_response && rep.status.is_success()) return p::RenameResponse{};
  return rep;
}

Reply handle_nt_rename(Request& r, const p::NtRenameRequest& m) {
  // MS-CIFS 3.3.5.53: wildcards in OldFileName -> STATUS_OBJECT_PATH_SYNTAX_BAD; an InformationLevel other than
  // RENAME_FILE and SET_LINK_INFO SHOULD fail with STATUS_INVALID_SMB (<319>). Hard links (SET_LINK_INFO) are not
  // implemented here: STATUS_NOT_SUPPORTED.
  if (has_wildcards(m.old_file_name)) return status::STATUS_OBJECT_PATH_SYNTAX_BAD;
  if (m.information_level == p::SMB_NT_RENAME_SET_LINK_INFO) return status::STATUS_NOT_SUPPORTED;
  if (m.information_level != p::SMB_NT_RENAME_RENAME_FILE) return status::STATUS_INVALID_SMB;
  Reply rep = rename_by_name(r, m.old_file_name, m.new_file_name);
  if (!rep.deferred && !rep.no_response && rep.status.is_success()) return p::NtRenameResponse{};
  return rep;
}

bool handle_legacy_file(Server& s, Connection& c, const p::Header& h, wire::ByteView msg, std::uint32_t seq) {
  switch (h.command) {
    case SMB_COM_OPEN_ANDX: open_andx(s, c, h, msg, seq); return true;
    case SMB_COM_SETATTR: setattr(s, c, h, msg, seq); return true;
    case SMB_COM_WRITE: write_legacy(s, c, h, msg, seq, false); return true;
    case SMB_COM_LOCK_BYTE_RANGE: byte_range(s, c, h, msg, seq, true); return true;
    case SMB_COM_UNLOCK_BYTE_RANGE: byte_range(s, c, h, msg, seq, false); return true;
    case SMB_COM_WRITE_AND_UNLOCK: write_legacy(s, c, h, msg, seq, true); return true;
    case SMB_COM_PROCESS_EXIT: process_exit(s, c, h, msg, seq); return true;
    case SMB_COM_LOCK_AND_READ: lock_and_read(s, c, h, msg, seq); return true;
    case SMB_COM_NT_TRANSACT: nt_transact(s, c, h, msg, seq); return true;
    default: return false;
  }
}

}  // namespace smb::server::smb1
