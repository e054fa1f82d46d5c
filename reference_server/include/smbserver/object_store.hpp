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
#include <vector>

#include "smbproto/wire.hpp"
#include "smbserver/outcome.hpp"

namespace smb::server {

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
   * Converts an SMB path (UTF-8 from the wire: backslash-separated, no leading backslash, may be
   * empty for the root) to a share-relative path, or STATUS_OBJECT_NAME_INVALID for names that can
   * never be valid (':' stream syntax, reserved device names such as CON/NUL/COM1/LPT1, control
   * characters, '*?<>|"'), STATUS_OBJECT_PATH_SYNTAX_BAD / STATUS_OBJECT_NAME_INVALID for '..' or
   * absolute paths, STATUS_NAME_TOO_LONG for components over 255 bytes or paths over 4096.
   */
  static Outcome<std::string> normalize(const std::string& smb_path);

  /**
   * Opens or creates `path` (already normalized) per `disposition`. Confinement: every lookup goes
   * through openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS) from the share root fd, so '..',
   * absolute symlinks and symlinks leading out of the root fail (STATUS_ACCESS_DENIED /
   * STATUS_OBJECT_PATH_NOT_FOUND) and nothing outside the root is ever touched.
   * `want_write`: open the fd read-write (files only). `directory_create`: FILE_CREATE of a directory.
   * Errors: OBJECT_NAME_NOT_FOUND, OBJECT_PATH_NOT_FOUND, OBJECT_NAME_COLLISION,
   * FILE_IS_A_DIRECTORY, NOT_A_DIRECTORY, ACCESS_DENIED, MEDIA_WRITE_PROTECTED (read-only share), ...
   */
  Outcome<OpenResult> open(const std::string& path, Disposition disposition, ObjectKind kind, bool want_write,
                           std::uint32_t file_attributes);

  Outcome<wire::Bytes> read(StoreHandle& h, std::uint64_t offset, std::uint32_t length);
  Outcome<std::uint32_t> write(StoreHandle& h, std::uint64_t offset, wire::ByteView data);
  /** MS-FSA 2.1.5.7 per `type` (object-store-flush.md §4 rules 1-5: read-only volume, latched errors). */
  NtStatus flush(StoreHandle& h, FlushType type);
  /** FLUSH as this share maps it (ShareConfig::flush_mode). */
  NtStatus flush(StoreHandle& h) ;

  Outcome<FileStat> stat(StoreHandle& h);
  Outcome<std::vector<DirEntry>> list(StoreHandle& dir);  ///< excludes "." and ".."; caller adds them
  NtStatus set_end_of_file(StoreHandle& h, std::uint64_t size);
  /** Sets the non-zero times (0 = leave unchanged, MS-FSCC 2.4.7) and attributes (0 = unchanged). */
  NtStatus set_basic(StoreHandle& h, const FileTimes& t, std::uint32_t attributes);
  /** Renames the handle's object to `new_path` (normalized); OBJECT_NAME_COLLISION unless replace. */
  NtStatus rename(StoreHandle& h, const std::string& new_path, bool replace);
  /** Removes the object (delete-on-close); DIRECTORY_NOT_EMPTY for a non-empty directory. */
  NtStatus remove(StoreHandle& h);

  // --- fault injection and statistics (control channel)
  void inject(Fault f);
  void clear_faults();
  StoreStatistics& statistics() { return stats_; }
  /** Test hook: volume state for MS-FSA 2.1.5.7 (read-only -> MEDIA_WRITE_PROTECTED; dismounted -> VOLUME_DISMOUNTED). */
  void set_volume_read_only(bool v);
  void set_volume_dismounted(bool v);

 private:
  explicit ObjectStore(ShareConfig c, int root_fd);
  std::optional<NtStatus> take_fault(FaultOp op, const std::string& path);

  ShareConfig config_;
  int root_fd_ = -1;
  StoreStatistics stats_;
  std::mutex faults_mu_;
  std::vector<Fault> faults_;
  std::atomic<bool> read_only_{false};
  std::atomic<bool> dismounted_{false};
};

/** errno -> NTSTATUS as object-store-flush.md §4 maps it (EROFS -> MEDIA_WRITE_PROTECTED, ...). */
NtStatus status_from_errno(int err);

/** struct timespec <-> FILETIME. */
std::uint64_t filetime_from_unix(std::int64_t sec, std::int64_t nsec);
void unix_from_filetime(std::uint64_t ft, std::int64_t& sec, std::int64_t& nsec);

}  // namespace smb::server
