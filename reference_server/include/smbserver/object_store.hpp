// The object store: one share's directory tree on real files, confined to its root (openat2 RESOLVE_BENEATH).
//
// Threading: an ObjectStore is used from the server's single io_context thread; flush() may be
// called from a worker thread (it touches only the handle's fd and atomic counters).
//
// This layer does file-system work and maps errno to NTSTATUS (MS-FSA semantics where the SMB layer
// hands off). Access checks, share modes, oplocks and byte-range locks are the protocol layer's job.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "smbproto/wire.hpp"
#include "smbserver/outcome.hpp"

namespace smb::server {

/** STATUS_QUOTA_EXCEEDED (MS-ERREF 2.3.1, 0xC0000044): EDQUOT. Not (yet) in smbproto/status_list.hpp. */
inline constexpr NtStatus kStatusQuotaExceeded{0xC0000044};

/**
 * Flush types of FltFlushBuffers2 / NtFlushBuffersFileEx (seed 004, object-store-flush.md §3-4).
 * SMB2 FLUSH and SMB1 FLUSH always use `full`.
 */
enum class FlushType {
  full,              ///< 0: data + metadata (fsync)
  file_data_only,    ///< FLUSH_FLAGS_FILE_DATA_ONLY: sync_file_range(WAIT_BEFORE|WRITE|WAIT_AFTER)
  no_sync,           ///< FLUSH_FLAGS_NO_SYNC: mapped to fsync (the stronger call)
  data_sync_only,    ///< FLUSH_FLAGS_FILE_DATA_SYNC_ONLY: fdatasync; INVALID_PARAMETER on a directory
  flush_and_purge,   ///< FLUSH_FLAGS_FLUSH_AND_PURGE: fsync + posix_fadvise(DONTNEED)
};

/** How a share maps an SMB FLUSH onto the store (chosen per share with --share NAME=DIR,flush=MODE). */
enum class ShareFlushMode {
  full,            ///< FlushType::full for every FLUSH (default)
  data_only,       ///< FlushType::file_data_only
  data_sync_only,  ///< FlushType::data_sync_only
  none,            ///< no call at all (for benchmarks only; never the default)
};

struct ShareConfig {
  std::string name;
  std::filesystem::path root;
  ShareFlushMode flush_mode = ShareFlushMode::full;
  bool read_only = false;
  bool continuously_available = false;  ///< SMB2_SHARE_CAP_CONTINUOUS_AVAILABILITY (persistent handles)
};

/** File times as Windows FILETIME (100 ns since 1601-01-01 UTC). */
struct FileTimes {
  std::uint64_t creation_time = 0;
  std::uint64_t last_access_time = 0;
  std::uint64_t last_write_time = 0;
  std::uint64_t change_time = 0;
};

/** What MS-FSCC basic/standard/network-open information needs. */
struct FileStat {
  FileTimes times;
  std::uint64_t allocation_size = 0;
  std::uint64_t end_of_file = 0;
  std::uint32_t file_attributes = 0;  ///< FILE_ATTRIBUTE_* (MS-FSCC 2.6)
  std::uint32_t number_of_links = 1;
  bool is_directory = false;
  std::uint64_t index_number = 0;     ///< inode: FileInternalInformation / FileId in directory listings
  std::uint64_t device = 0;
};

/**
 * Copies the four times, both sizes and the attributes of `fs` into a structure with MS-FSCC's field names: the
 * SMB2 CREATE response (MS-SMB2 2.2.14), FileNetworkOpenInformation (MS-FSCC 2.4.29) and the directory entries
 * (MS-FSCC 2.4.10, 2.4.14, 2.4.8, 2.4.17, 2.4.18) carry the same seven fields.
 */
template <class T>
void set_stat_fields(T& t, const FileStat& fs) {
  t.creation_time = fs.times.creation_time;
  t.last_access_time = fs.times.last_access_time;
  t.last_write_time = fs.times.last_write_time;
  t.change_time = fs.times.change_time;
  t.allocation_size = fs.allocation_size;
  t.end_of_file = fs.end_of_file;
  t.file_attributes = fs.file_attributes;
}

struct DirEntry {
  std::string name;  ///< UTF-8, no path
  FileStat stat;
};

/** CreateDisposition (MS-SMB2 2.2.13). */
enum class Disposition : std::uint32_t { supersede = 0, open = 1, create = 2, open_if = 3, overwrite = 4, overwrite_if = 5 };
/** CreateAction (MS-SMB2 2.2.14). */
enum class CreateAction : std::uint32_t { superseded = 0, opened = 1, created = 2, overwritten = 3 };

/** What kind of object the caller insists on (CreateOptions DIRECTORY_FILE / NON_DIRECTORY_FILE). */
enum class ObjectKind { any, directory, non_directory };

/** An open file or directory in the store; owns its fd. */
class StoreHandle {
 public:
  virtual ~StoreHandle() = default;
  virtual int fd() const = 0;
  virtual const std::string& path() const = 0;  ///< share-relative, '/'-separated, "" = root
  virtual bool is_directory() const = 0;
};

/** Result of ObjectStore::open. */
struct OpenResult {
  std::shared_ptr<StoreHandle> handle;
  CreateAction action = CreateAction::opened;
};

/** Which object-store operation a fault applies to. */
enum class FaultOp { flush, read, write, open, close, set_info };

/** A fault injected through the control channel: the next `count` matching operations fail with `status`. */
struct Fault {
  FaultOp op = FaultOp::flush;
  std::string path;  ///< share-relative path, "" = any path
  NtStatus status;
  int count = 1;     ///< -1 = until cleared
};

/** Counters exposed through the control channel. */
struct StoreStatistics {
  std::atomic<std::uint64_t> flushes{0};      ///< object-store flush calls that reached the OS
  std::atomic<std::uint64_t> flush_errors{0};
  std::atomic<std::uint64_t> reads{0};
  std::atomic<std::uint64_t> writes{0};
  std::atomic<std::uint64_t> opens{0};
};

class ObjectStore {
 public:
  /** Opens the share root. Errors: a message for a missing or non-directory root. */
  static std::variant<std::unique_ptr<ObjectStore>, std::string> create(const ShareConfig& config);
  ~ObjectStore();

  const ShareConfig& config() const { return config_; }

  /**
   * Converts an SMB path (UTF-8 from the wire: backslash-separated, relative, may be empty for the
   * share root) to a share-relative '/'-separated path. Names are matched exactly (case-sensitive).
   * Trailing backslashes are stripped (MS-CIFS 3.3.5.51 does so for NT_CREATE_ANDX; SMB1 callers
   * must also strip the leading backslash MS-CIFS paths carry before calling). A final
   * "::$DATA" (the default data stream, MS-FSCC 2.1.5.3) is stripped. Errors:
   *  - STATUS_INVALID_PARAMETER: leading '\' (MS-SMB2 3.3.5.9 "Path Name Validation").
   *  - STATUS_OBJECT_NAME_INVALID: empty component ("a\\b"), a "." component (MS-FSCC 2.1.5.1),
   *    any of " * / : < > ? | or 0x00-0x1F in a component (MS-FSCC 2.1.5.2; so every other
   *    ':stream' suffix: callers split named streams off first with split_stream()), a component over 255 UTF-16 code units
   *    (MS-FSCC 2.1.5.2), invalid UTF-8.
   *  - STATUS_OBJECT_PATH_SYNTAX_BAD: a ".." component (MS-FSCC 2.1.5.1: dot names MUST NOT be
   *    sent; the store refuses instead of folding them).
   *  - STATUS_ACCESS_DENIED: reserved DOS device names CON PRN AUX NUL COM1-9 LPT1-9, with or
   *    without extension, any case (MS-SMB2 3.3.5.9 product note <304>: Windows answers
   *    ACCESS_DENIED).
   *  - STATUS_NAME_TOO_LONG: a component over 255 UTF-8 bytes (Linux NAME_MAX) or a path over
   *    4095 bytes (PATH_MAX incl. NUL).
   */
  static Outcome<std::string> normalize(const std::string& smb_path);

  /** A create name split at the stream separator (MS-FSCC 2.1.5.3 / 2.1.5.4). */
  struct StreamName {
    std::string base;    ///< the SMB path of the file, still to be normalize()d
    std::string stream;  ///< the named data stream, "" = the default (unnamed) data stream
    /// the name gave the stream type ":$DATA" (MS-FSCC 2.1.5.4): a data stream, never a directory
    bool data_type = false;
  };
  /**
   * Splits the last component of an SMB path "dir\\file:stream[:$DATA]" (MS-FSCC 2.1.5.3 streamname,
   * 2.1.5.4 stream type) before normalize(). "file", "file::$DATA" and "file:" + "" give stream "". Errors:
   * STATUS_OBJECT_NAME_INVALID for a stream name with '\\', '/', ':' or NUL (MS-FSCC 2.1.5.3), over 255
   * characters, a stream type other than "$DATA" (case-insensitive; this store has only data streams), or a
   * stream type with an empty stream name other than the default-stream form "::$DATA".
   */
  static Outcome<StreamName> split_stream(const std::string& smb_path);

  /**
   * Opens or creates the named data stream `stream` (non-empty, from split_stream) of `base_path` (normalized).
   * Streams live in a sidecar directory inside the share root, kStreamDir/<device>-<inode>/s_<stream>, keyed by
   * the base object's identity so they follow renames and hard links; kStreamDir has a ':' in its name, so
   * list() never shows it and no SMB name reaches it (normalize() refuses ':'). The returned handle's path() is
   * that sidecar path (remove() on it deletes the stream only); its stat() is the stream's own (distinct index
   * number: the protocol layer keeps share modes and oplocks per stream, MS-FSA 2.1.5.1.2.2 / 2.1.5.18).
   * Creating a stream (create / open_if / overwrite_if / supersede) on a missing base creates the base file
   * first (as Windows does); open / overwrite need the base. Errors: those of open() for the base, then
   * OBJECT_NAME_NOT_FOUND / OBJECT_NAME_COLLISION for the stream, MEDIA_WRITE_PROTECTED, NAME_TOO_LONG (stream
   * name over 250 bytes of UTF-8), status_from_errno().
   */
  Outcome<OpenResult> open_stream(const std::string& base_path, const std::string& stream, Disposition disposition,
                                  bool want_write);
  /**
   * An open of the object at `path` (normalized) for the server's own use, e.g. the times and attributes of the file
   * of a named stream (MS-FSA 2.1.1.3): read-only (set_basic works on it), confined like open(), but it consumes no
   * injected fault and counts no open (the statistics and faults concern the clients' opens). Errors:
   * VOLUME_DISMOUNTED, status_from_errno().
   */
  Outcome<std::shared_ptr<StoreHandle>> open_internal(const std::string& path);
  /** One data stream of an object (streams()). */
  struct StreamInfo {
    std::string name;  ///< "" = the default (unnamed) data stream
    std::uint64_t size = 0, allocation_size = 0;
  };
  /**
   * The data streams of the object at `base_path` (normalized), for FileStreamInformation (MS-FSA 2.1.5.12.29, "for
   * each Stream of Open.File"): a file's default data stream first, then its named streams (open_stream's sidecar)
   * in name order; a directory has no default data stream (MS-FSCC 2.1.5.3), so only its named streams. Errors:
   * those of open() for the base, status_from_errno().
   */
  Outcome<std::vector<StreamInfo>> streams(const std::string& base_path);
  /** The sidecar directory of named streams (see open_stream); ':' keeps it out of the SMB namespace. */
  static constexpr const char* kStreamDir = ".smbconform:streams";

  /**
   * Opens or creates `path` (already normalized) per `disposition` (MS-SMB2 2.2.13, MS-FSA 2.1.5.1).
   * Confinement: every lookup goes through openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS) from
   * the share root fd, so '..', absolute symlinks and symlinks leading out of the root fail
   * (STATUS_ACCESS_DENIED) and nothing outside the root is ever touched. Symlinks that stay inside
   * the root are followed. Only regular files and directories are opened (FIFOs, devices, sockets:
   * STATUS_ACCESS_DENIED). `want_write`: open the fd read-write (files only).
   * `kind == directory` with create/open_if creates a directory. `file_attributes`: only
   * FILE_ATTRIBUTE_READONLY (0x1) is honoured on create (mode 0444).
   * Errors: OBJECT_NAME_NOT_FOUND (leaf missing), OBJECT_PATH_NOT_FOUND (a parent missing or not a
   * directory), OBJECT_NAME_COLLISION (create on existing), FILE_IS_A_DIRECTORY (non_directory or
   * overwrite on a directory), NOT_A_DIRECTORY (directory wanted, file found), INVALID_PARAMETER
   * (directory with overwrite/supersede, bad disposition), ACCESS_DENIED (escape attempt, symlink
   * loop, special file), MEDIA_WRITE_PROTECTED (read-only share/volume and a write/create),
   * VOLUME_DISMOUNTED, an injected FaultOp::open status, or status_from_errno() of the OS error.
   */
  Outcome<OpenResult> open(const std::string& path, Disposition disposition, ObjectKind kind, bool want_write,
                           std::uint32_t file_attributes);

  /**
   * Reads up to `length` bytes at `offset`; fewer (possibly none) at end of file: the protocol
   * layer decides STATUS_END_OF_FILE (MS-SMB2 3.3.5.12). Errors: INVALID_DEVICE_REQUEST on a
   * directory, VOLUME_DISMOUNTED, injected FaultOp::read, status_from_errno().
   */
  Outcome<wire::Bytes> read(StoreHandle& h, std::uint64_t offset, std::uint32_t length);
  /**
   * Writes `data` at `offset` (0xFFFFFFFFFFFFFFFF = end of file, MS-FSA 2.1.5.3); returns the count
   * written. Errors: MEDIA_WRITE_PROTECTED, INVALID_DEVICE_REQUEST (directory), INVALID_PARAMETER
   * (offset + length beyond 2^63-1), ACCESS_DENIED (fd not writable), VOLUME_DISMOUNTED, injected
   * FaultOp::write, status_from_errno() (DISK_FULL, QUOTA_EXCEEDED, ...).
   */
  Outcome<std::uint32_t> write(StoreHandle& h, std::uint64_t offset, wire::ByteView data);
  /**
   * MS-FSA 2.1.5.7 per `type` (object-store-flush.md §4). Order: an injected FaultOp::flush fault
   * (counts down; latched like a real write-back error unless it is a state error); then
   * INVALID_PARAMETER for data_sync_only on a directory; VOLUME_DISMOUNTED (hook); then
   * MEDIA_WRITE_PROTECTED (read-only share or hook) before any OS call; then the OS call
   * (statistics().flushes counts it). The first write-back error of a handle is latched and
   * returned by every later flush of that handle (rule 4). Errors: the above, status_from_errno().
   */
  NtStatus flush(StoreHandle& h, FlushType type);
  /** FLUSH as this share maps it (ShareConfig::flush_mode; `none` makes no OS call). */
  NtStatus flush(StoreHandle& h);

  /** File metadata (statx; CreationTime = btime when the FS has it, else min(ctime, mtime)). */
  Outcome<FileStat> stat(StoreHandle& h);
  /**
   * Directory entries sorted by name; excludes "." and ".."; the caller adds them. Entries whose
   * names an SMB client cannot represent (normalize() would reject them) are skipped. Symlinks are
   * never followed: they are listed with FILE_ATTRIBUTE_REPARSE_POINT and their own lstat data.
   * Errors: NOT_A_DIRECTORY, VOLUME_DISMOUNTED, status_from_errno().
   */
  Outcome<std::vector<DirEntry>> list(StoreHandle& dir);
  /** ftruncate. Errors: MEDIA_WRITE_PROTECTED, INVALID_PARAMETER (directory / > 2^63-1), injected FaultOp::set_info, errno. */
  NtStatus set_end_of_file(StoreHandle& h, std::uint64_t size);
  /**
   * Sets the non-zero times (0 and 0xFFFFFFFFFFFFFFFF = leave unchanged, MS-FSCC 2.4.7): last access
   * and last write only (Linux cannot set creation or change time; those are ignored), and the
   * attributes (0 = unchanged): FILE_ATTRIBUTE_READONLY toggles the write bits. Errors:
   * INVALID_PARAMETER (DIRECTORY attribute on a file, MS-FSA 2.1.5.14.2), MEDIA_WRITE_PROTECTED,
   * injected FaultOp::set_info, errno.
   */
  NtStatus set_basic(StoreHandle& h, const FileTimes& t, std::uint32_t attributes);
  /**
   * Renames the handle's object to `new_path` (normalized) with renameat2 on confined parent fds.
   * Errors: OBJECT_NAME_COLLISION (target exists, !replace), ACCESS_DENIED (root, replacing a
   * directory, escape attempt), OBJECT_PATH_NOT_FOUND (target parent missing), NOT_SAME_DEVICE,
   * OBJECT_NAME_NOT_FOUND (the object is no longer at its path), MEDIA_WRITE_PROTECTED, errno.
   */
  NtStatus rename(StoreHandle& h, const std::string& new_path, bool replace);
  /**
   * Removes the object (delete-on-close) with unlinkat on the confined parent fd; when that was the
   * object's last link its named streams (open_stream) go with it. Errors:
   * DIRECTORY_NOT_EMPTY, ACCESS_DENIED (share root), OBJECT_NAME_NOT_FOUND (no longer at its path),
   * MEDIA_WRITE_PROTECTED, VOLUME_DISMOUNTED, errno.
   */
  NtStatus remove(StoreHandle& h);
  /**
   * Closes the handle's fd now (later operations on it fail with STATUS_FILE_CLOSED). Returns an
   * injected FaultOp::close status if one matches (the fd is closed anyway), else STATUS_SUCCESS.
   * Optional: dropping the last shared_ptr closes the fd too.
   */
  NtStatus close(StoreHandle& h);

  // --- fault injection and statistics (control channel)
  /**
   * Queues a fault: the next `count` operations of kind `op` on `path` ("" = any; '\\' or '/'
   * separated, leading separator ignored) fail with `status` before touching the OS. Faults are
   * matched in injection order; count 0 is ignored, -1 never expires.
   */
  void inject(Fault f);
  void clear_faults();
  StoreStatistics& statistics() { return stats_; }
  /** Test hook: volume state for MS-FSA 2.1.5.7 (read-only -> MEDIA_WRITE_PROTECTED; dismounted -> VOLUME_DISMOUNTED). */
  void set_volume_read_only(bool v);
  void set_volume_dismounted(bool v);

 private:
  explicit ObjectStore(ShareConfig c, int root_fd);
  std::optional<NtStatus> take_fault(FaultOp op, const std::string& path);
  bool volume_read_only() const { return read_only_ || config_.read_only; }

  ShareConfig config_;
  int root_fd_ = -1;
  StoreStatistics stats_;
  std::mutex faults_mu_;
  std::vector<Fault> faults_;
  std::atomic<bool> read_only_{false};
  std::atomic<bool> dismounted_{false};
};

/**
 * errno -> NTSTATUS, the one mapping the store uses (object-store-flush.md §4): ENOENT
 * OBJECT_NAME_NOT_FOUND, EEXIST OBJECT_NAME_COLLISION, EISDIR FILE_IS_A_DIRECTORY, ENOTDIR
 * NOT_A_DIRECTORY, EACCES/EPERM/EXDEV/ELOOP ACCESS_DENIED, EROFS MEDIA_WRITE_PROTECTED, ENOSPC/EFBIG
 * DISK_FULL, EDQUOT kStatusQuotaExceeded, EIO IO_DEVICE_ERROR, ENOTEMPTY DIRECTORY_NOT_EMPTY,
 * ENAMETOOLONG NAME_TOO_LONG, EBADF INVALID_HANDLE, ENODEV/ESTALE VOLUME_DISMOUNTED, EINVAL
 * INVALID_PARAMETER, ENOMEM INSUFFICIENT_RESOURCES, EMFILE/ENFILE INSUFF_SERVER_RESOURCES,
 * EBUSY/ETXTBSY SHARING_VIOLATION, ENOTSUP NOT_SUPPORTED, anything else UNSUCCESSFUL.
 * Path lookups refine ENOENT/ENOTDIR of a parent to OBJECT_PATH_NOT_FOUND themselves.
 */
NtStatus status_from_errno(int err);

/** struct timespec <-> FILETIME. */
std::uint64_t filetime_from_unix(std::int64_t sec, std::int64_t nsec);
void unix_from_filetime(std::uint64_t ft, std::int64_t& sec, std::int64_t& nsec);

}  // namespace smb::server
