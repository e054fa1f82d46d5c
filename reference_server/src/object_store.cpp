// The object store on real files: confined path resolution (openat2 RESOLVE_BENEATH), SMB name
// rules, errno -> NTSTATUS, flush variants with fault injection and latched write-back errors.
//
// Confinement argument, in one place: the store holds one O_PATH fd on the share root and never
// builds an absolute path. Every name is resolved by openat2(root_fd, rel, RESOLVE_BENEATH |
// RESOLVE_NO_MAGICLINKS), which the kernel refuses (EXDEV / ELOOP) if any step — '..', an absolute
// symlink, a relative symlink climbing out, a /proc magic link — would leave the root, and it does
// so atomically per call, so a component swapped for a symlink between two calls cannot redirect a
// later call. Creation, unlink and rename act on a leaf name (no '/') relative to a parent fd that
// was itself obtained that way, with O_EXCL / RENAME_NOREPLACE / O_NOFOLLOW so a leaf symlink is
// never followed when writing. The store never calls link()/linkat(), so it never creates a hard
// link; hard links already present in the share that point at outside inodes cannot be detected by
// path rules and must not exist (the share root is the administrator's responsibility).
#include "smbserver/object_store.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>

namespace smb::server {
namespace {

// MS-FSCC 2.6 file attributes used here.
constexpr std::uint32_t kAttrReadonly = 0x00000001;
constexpr std::uint32_t kAttrDirectory = 0x00000010;
constexpr std::uint32_t kAttrArchive = 0x00000020;
constexpr std::uint32_t kAttrNormal = 0x00000080;
constexpr std::uint32_t kAttrReparsePoint = 0x00000400;

constexpr std::uint64_t kMaxOffset = static_cast<std::uint64_t>(INT64_MAX);
constexpr std::size_t kMaxPathBytes = 4095;  // PATH_MAX (4096) including the terminating NUL

/** The store's own handle: fd, share-relative path, the latched write-back error (rule 4). */
class Handle final : public StoreHandle {
 public:
  Handle(int fd, std::string path, bool dir) : fd_(fd), path_(std::move(path)), dir_(dir) {}
  ~Handle() override { close_fd(); }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  int fd() const override { return fd_.load(); }
  const std::string& path() const override { return path_; }
  bool is_directory() const override { return dir_; }

  void set_path(std::string p) { path_ = std::move(p); }
  void close_fd() {
    int fd = fd_.exchange(-1);
    if (fd >= 0) ::close(fd);
  }
  /** Records `s` if nothing is latched yet; returns the latched status (the first one). */
  NtStatus latch(NtStatus s) {
    std::uint32_t expected = 0;
    latched_.compare_exchange_strong(expected, s.value);
    return NtStatus{latched_.load()};
  }
  std::optional<NtStatus> latched() const {
    std::uint32_t v = latched_.load();
    if (v == 0) return std::nullopt;
    return NtStatus{v};
  }

 private:
  std::atomic<int> fd_;
  std::string path_;
  bool dir_;
  std::atomic<std::uint32_t> latched_{0};
};

Handle* as_handle(StoreHandle& h) { return dynamic_cast<Handle*>(&h); }

/**
 * openat2 confined beneath `dirfd`. Returns the fd or -1 with errno set. EAGAIN (the kernel saw a
 * concurrent rename while resolving) is retried a few times, then reported.
 */
int open_beneath(int dirfd, const std::string& rel, std::uint64_t flags, std::uint64_t mode = 0) {
  open_how how{};
  how.flags = flags | O_CLOEXEC;
  how.mode = (flags & O_CREAT) ? mode : 0;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  const char* p = rel.empty() ? "." : rel.c_str();
  for (int attempt = 0;; ++attempt) {
    long r = ::syscall(SYS_openat2, dirfd, p, &how, sizeof how);
    if (r >= 0) return static_cast<int>(r);
    if ((errno == EINTR || errno == EAGAIN) && attempt < 16) continue;
    return -1;
  }
}

/** Closes an fd at scope exit. */
struct FdGuard {
  int fd = -1;
  explicit FdGuard(int f) : fd(f) {}
  ~FdGuard() {
    if (fd >= 0) ::close(fd);
  }
  FdGuard(const FdGuard&) = delete;
  FdGuard& operator=(const FdGuard&) = delete;
  int release() {
    int f = fd;
    fd = -1;
    return f;
  }
};

/** "a/b/c" -> {"a/b", "c"}; "c" -> {"", "c"}. */
std::pair<std::string, std::string> split_parent(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return {std::string(), path};
  return {path.substr(0, slash), path.substr(slash + 1)};
}

/** errno of a lookup in which a *parent* failed: ENOENT/ENOTDIR mean the path is not there. */
NtStatus parent_status(int err) {
  if (err == ENOENT || err == ENOTDIR) return status::STATUS_OBJECT_PATH_NOT_FOUND;  // MS-FSA 2.1.5.1
  return status_from_errno(err);
}

/**
 * Decodes one UTF-8 code point at s[i]; advances i. Returns -1 for malformed input (overlong,
 * surrogate, > U+10FFFF, truncated).
 */
long next_code_point(const std::string& s, std::size_t& i) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  if (c < 0x80) {
    ++i;
    return c;
  }
  int n;
  long cp;
  if ((c & 0xE0) == 0xC0) {
    n = 1;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 2;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 3;
    cp = c & 0x07;
  } else {
    return -1;
  }
  for (int k = 1; k <= n; ++k) {
    if (i + k >= s.size()) return -1;
    unsigned char cc = b(i + k);
    if ((cc & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (cc & 0x3F);
  }
  static constexpr long kMin[4] = {0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
  i += static_cast<std::size_t>(n) + 1;
  return cp;
}

bool ieq_ascii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 32);
    if (y >= 'a' && y <= 'z') y = static_cast<char>(y - 32);
    if (x != y) return false;
  }
  return true;
}

/** CON PRN AUX NUL COM1-9 LPT1-9, with or without an extension, any case. */
bool is_reserved_device_name(std::string_view comp) {
  std::string_view stem = comp.substr(0, comp.find('.'));
  while (!stem.empty() && stem.back() == ' ') stem.remove_suffix(1);
  for (const char* n : {"CON", "PRN", "AUX", "NUL"})
    if (ieq_ascii(stem, n)) return true;
  if (stem.size() == 4 && stem[3] >= '1' && stem[3] <= '9' &&
      (ieq_ascii(stem.substr(0, 3), "COM") || ieq_ascii(stem.substr(0, 3), "LPT")))
    return true;
  return false;
}

/** One path component against MS-FSCC 2.1.5.1/2.1.5.2 (see ObjectStore::normalize). */
std::optional<NtStatus> check_component(const std::string& comp) {
  if (comp.empty()) return status::STATUS_OBJECT_NAME_INVALID;       // 2.1.5.2: at least one character
  if (comp == ".") return status::STATUS_OBJECT_NAME_INVALID;        // 2.1.5.1: dot names not sent
  if (comp == "..") return status::STATUS_OBJECT_PATH_SYNTAX_BAD;    // 2.1.5.1; never folded here
  std::size_t units = 0;
  for (std::size_t i = 0; i < comp.size();) {
    long cp = next_code_point(comp, i);
    if (cp < 0) return status::STATUS_OBJECT_NAME_INVALID;
    // MS-FSCC 2.1.5.2: " \ / : | < > * ? and 0x00-0x1F are not legal in a filename.
    if (cp < 0x20) return status::STATUS_OBJECT_NAME_INVALID;
    switch (cp) {
      case '"': case '/': case ':': case '|': case '<': case '>': case '*': case '?': case '\\':
        return status::STATUS_OBJECT_NAME_INVALID;
      default:
        break;
    }
    units += cp >= 0x10000 ? 2 : 1;
  }
  if (units > 255) return status::STATUS_OBJECT_NAME_INVALID;  // MS-FSCC 2.1.5.2: at most 255 characters
  if (comp.size() > NAME_MAX) return status::STATUS_NAME_TOO_LONG;  // Linux limit, not an SMB rule
  // MS-SMB2 3.3.5.9 <304>: Windows fails reserved device names with STATUS_ACCESS_DENIED.
  if (is_reserved_device_name(comp)) return status::STATUS_ACCESS_DENIED;
  return std::nullopt;
}

/** Strips one final "::$DATA" (default data stream, MS-FSCC 2.1.5.3), case-insensitively. */
void strip_default_stream(std::string& comp) {
  static constexpr std::string_view kSuffix = "::$DATA";
  if (comp.size() > kSuffix.size() &&
      ieq_ascii(std::string_view(comp).substr(comp.size() - kSuffix.size()), kSuffix))
    comp.resize(comp.size() - kSuffix.size());
}

/** Sidecar directory name of one object's named streams: "<device>-<inode>" in hex. */
std::string stream_key(std::uint64_t dev, std::uint64_t ino) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%llx-%llx", static_cast<unsigned long long>(dev),
                static_cast<unsigned long long>(ino));
  return buf;
}

/** Removes kStreamDir/<key> and the stream files in it (best effort: the object is gone already). */
void purge_streams(int root_fd, std::uint64_t dev, std::uint64_t ino) {
  FdGuard sd(open_beneath(root_fd, ObjectStore::kStreamDir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW));
  if (sd.fd < 0) return;
  const std::string key = stream_key(dev, ino);
  int kfd = open_beneath(sd.fd, key, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
  if (kfd < 0) return;
  if (DIR* d = ::fdopendir(kfd)) {
    std::vector<std::string> names;
    while (dirent* de = ::readdir(d))
      if (std::strcmp(de->d_name, ".") != 0 && std::strcmp(de->d_name, "..") != 0) names.emplace_back(de->d_name);
    for (const auto& n : names) ::unlinkat(::dirfd(d), n.c_str(), 0);
    ::closedir(d);
  } else {
    ::close(kfd);
  }
  ::unlinkat(sd.fd, key.c_str(), AT_REMOVEDIR);
}

std::uint64_t filetime_of(const statx_timestamp& t) { return filetime_from_unix(t.tv_sec, t.tv_nsec); }

FileStat stat_from_statx(const struct statx& sx) {
  FileStat st;
  bool dir = S_ISDIR(sx.stx_mode);
  bool lnk = S_ISLNK(sx.stx_mode);
  st.times.last_access_time = filetime_of(sx.stx_atime);
  st.times.last_write_time = filetime_of(sx.stx_mtime);
  st.times.change_time = filetime_of(sx.stx_ctime);
  if (sx.stx_mask & STATX_BTIME) {
    st.times.creation_time = filetime_of(sx.stx_btime);
  } else {
    st.times.creation_time = std::min(st.times.change_time, st.times.last_write_time);
  }
  st.is_directory = dir;
  st.end_of_file = dir ? 0 : sx.stx_size;
  st.allocation_size = dir ? 0 : sx.stx_blocks * 512ULL;
  st.number_of_links = sx.stx_nlink;
  st.index_number = sx.stx_ino;
  st.device = (std::uint64_t{sx.stx_dev_major} << 32) | sx.stx_dev_minor;
  std::uint32_t a = 0;
  if (dir) {
    a |= kAttrDirectory;
  } else {
    a |= kAttrArchive;  // what Windows sets on every new or modified file
    if ((sx.stx_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) == 0) a |= kAttrReadonly;
  }
  if (lnk) a = kAttrReparsePoint;
  st.file_attributes = a == 0 ? kAttrNormal : a;  // MS-FSCC 2.6: NORMAL only when no other bit
  return st;
}

constexpr unsigned kStatxMask = STATX_BASIC_STATS | STATX_BTIME;

/** Whether a flush error is a data-loss (write-back) error to latch, rather than a state error. */
bool is_writeback_error(NtStatus s) {
  return s.is_error() && s != status::STATUS_MEDIA_WRITE_PROTECTED && s != status::STATUS_VOLUME_DISMOUNTED &&
         s != status::STATUS_INVALID_PARAMETER && s != status::STATUS_INVALID_HANDLE &&
         s != status::STATUS_FILE_CLOSED;
}

std::string fault_path(std::string p) {
  std::replace(p.begin(), p.end(), '\\', '/');
  while (!p.empty() && p.front() == '/') p.erase(p.begin());
  while (!p.empty() && p.back() == '/') p.pop_back();
  return p;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// free functions

NtStatus status_from_errno(int err) {
  switch (err) {
    case 0: return status::STATUS_SUCCESS;
    case ENOENT: return status::STATUS_OBJECT_NAME_NOT_FOUND;
    case EEXIST: return status::STATUS_OBJECT_NAME_COLLISION;
    case EISDIR: return status::STATUS_FILE_IS_A_DIRECTORY;
    case ENOTDIR: return status::STATUS_NOT_A_DIRECTORY;
    case EACCES:
    case EPERM:
    case EXDEV:  // openat2 RESOLVE_BENEATH: the resolution would leave the share root
    case ELOOP:  // symlink loop, or a magic link refused by RESOLVE_NO_MAGICLINKS
      return status::STATUS_ACCESS_DENIED;
    case EROFS: return status::STATUS_MEDIA_WRITE_PROTECTED;
    case ENOSPC:
    case EFBIG: return status::STATUS_DISK_FULL;
    case EDQUOT: return kStatusQuotaExceeded;
    case EIO: return status::STATUS_IO_DEVICE_ERROR;
    case ENOTEMPTY: return status::STATUS_DIRECTORY_NOT_EMPTY;
    case ENAMETOOLONG: return status::STATUS_NAME_TOO_LONG;
    case EBADF: return status::STATUS_INVALID_HANDLE;
    case ENODEV:
    case ESTALE: return status::STATUS_VOLUME_DISMOUNTED;
    case EINVAL: return status::STATUS_INVALID_PARAMETER;
    case ENOMEM: return status::STATUS_INSUFFICIENT_RESOURCES;
    case EMFILE:
    case ENFILE: return status::STATUS_INSUFF_SERVER_RESOURCES;
    case EBUSY:
    case ETXTBSY: return status::STATUS_SHARING_VIOLATION;
    case ENOTSUP: return status::STATUS_NOT_SUPPORTED;
    default: return status::STATUS_UNSUCCESSFUL;
  }
}

// FILETIME epoch 1601-01-01 is 11644473600 s before the Unix epoch.
static constexpr std::int64_t kEpochDelta = 11644473600LL;

std::uint64_t filetime_from_unix(std::int64_t sec, std::int64_t nsec) {
  if (sec < -kEpochDelta) return 0;
  std::uint64_t s = static_cast<std::uint64_t>(sec + kEpochDelta);
  if (s > (UINT64_MAX - 9999999ULL) / 10000000ULL) return UINT64_MAX - 2;  // far future: clamp
  return s * 10000000ULL + static_cast<std::uint64_t>(nsec) / 100ULL;
}

void unix_from_filetime(std::uint64_t ft, std::int64_t& sec, std::int64_t& nsec) {
  sec = static_cast<std::int64_t>(ft / 10000000ULL) - kEpochDelta;
  nsec = static_cast<std::int64_t>(ft % 10000000ULL) * 100;
}

// ---------------------------------------------------------------------------------------------
// construction

std::variant<std::unique_ptr<ObjectStore>, std::string> ObjectStore::create(const ShareConfig& config) {
  int fd = ::open(config.root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    if (e == ENOTDIR) return "share root is not a directory: " + config.root.string();
    return "cannot open share root " + config.root.string() + ": " + std::strerror(e);
  }
  // Confinement depends on openat2 (Linux >= 5.6); refuse to serve without it.
  int probe = open_beneath(fd, ".", O_PATH | O_DIRECTORY);
  if (probe < 0) {
    int e = errno;
    ::close(fd);
    return "openat2(RESOLVE_BENEATH) unavailable (" + std::string(std::strerror(e)) + "); Linux >= 5.6 required";
  }
  ::close(probe);
  return std::unique_ptr<ObjectStore>(new ObjectStore(config, fd));
}

ObjectStore::ObjectStore(ShareConfig c, int root_fd) : config_(std::move(c)), root_fd_(root_fd) {}

ObjectStore::~ObjectStore() {
  if (root_fd_ >= 0) ::close(root_fd_);
}

// ---------------------------------------------------------------------------------------------
// names

Outcome<std::string> ObjectStore::normalize(const std::string& smb_path) {
  // MS-SMB2 3.3.5.9 Path Name Validation: a name starting with a separator is refused.
  if (!smb_path.empty() && smb_path.front() == '\\') return status::STATUS_INVALID_PARAMETER;
  std::string_view rest = smb_path;
  while (!rest.empty() && rest.back() == '\\') rest.remove_suffix(1);  // "dir\" names dir
  if (rest.size() > 64 * 1024) return status::STATUS_NAME_TOO_LONG;
  std::string out;
  if (rest.empty()) return out;
  std::size_t start = 0;
  while (true) {
    std::size_t sep = rest.find('\\', start);
    bool last = sep == std::string_view::npos;
    std::string comp(rest.substr(start, last ? std::string_view::npos : sep - start));
    if (last) strip_default_stream(comp);
    if (auto bad = check_component(comp)) return *bad;
    if (!out.empty()) out += '/';
    out += comp;
    if (last) break;
    start = sep + 1;
  }
  if (out.size() > kMaxPathBytes) return status::STATUS_NAME_TOO_LONG;
  return out;
}

Outcome<ObjectStore::StreamName> ObjectStore::split_stream(const std::string& smb_path) {
  StreamName out;
  std::size_t last = smb_path.rfind('\\');
  std::size_t start = last == std::string::npos ? 0 : last + 1;
  std::size_t colon = smb_path.find(':', start);
  if (colon == std::string::npos) {
    out.base = smb_path;
    return out;
  }
  out.base = smb_path.substr(0, colon);
  std::string rest = smb_path.substr(colon + 1);  // "stream[:type]"
  std::size_t colon2 = rest.find(':');
  std::string name = rest.substr(0, colon2);
  std::string type = colon2 == std::string::npos ? std::string() : rest.substr(colon2 + 1);
  // MS-FSCC 2.1.5.4: the only stream type of a data stream here is $DATA (case-insensitive).
  if (colon2 != std::string::npos && !ieq_ascii(type, "$DATA")) return status::STATUS_OBJECT_NAME_INVALID;
  out.data_type = colon2 != std::string::npos;
  if (name.empty()) {
    // "file::$DATA" is the default data stream (MS-FSCC 2.1.5.3); "file:" alone names nothing.
    if (colon2 == std::string::npos) return status::STATUS_OBJECT_NAME_INVALID;
    return out;
  }
  // MS-FSCC 2.1.5.3 streamname: any characters but '\\', '/', ':' and NUL; at most 255 characters.
  std::size_t units = 0;
  for (std::size_t i = 0; i < name.size();) {
    long cp = next_code_point(name, i);
    if (cp <= 0 || cp == '\\' || cp == '/' || cp == ':') return status::STATUS_OBJECT_NAME_INVALID;
    units += cp >= 0x10000 ? 2 : 1;
  }
  if (units > 255) return status::STATUS_OBJECT_NAME_INVALID;
  if (name == "." || name == "..") return status::STATUS_OBJECT_NAME_INVALID;  // dot names (MS-FSCC 2.1.5.1), refused
  out.stream = std::move(name);
  return out;
}

Outcome<OpenResult> ObjectStore::open_stream(const std::string& base_path, const std::string& stream,
                                             Disposition disposition, bool want_write) {
  if (dismounted_) return status::STATUS_VOLUME_DISMOUNTED;
  if (stream.empty()) return status::STATUS_INVALID_PARAMETER;
  if (stream.size() > NAME_MAX - 2) return status::STATUS_NAME_TOO_LONG;  // "s_" + name must fit NAME_MAX
  const bool creating = disposition == Disposition::create || disposition == Disposition::open_if ||
                        disposition == Disposition::overwrite_if || disposition == Disposition::supersede;
  // The base object: created (as a file) when a stream is created on a missing name.
  auto base = open(base_path, creating ? Disposition::open_if : Disposition::open, ObjectKind::any, false, 0);
  if (!base) return base.status();
  struct stat bs{};
  if (::fstat(base->handle->fd(), &bs) != 0) return status_from_errno(errno);
  const std::string key = stream_key(bs.st_dev, bs.st_ino);
  const std::string leaf = "s_" + stream;
  const std::string rel = std::string(kStreamDir) + "/" + key + "/" + leaf;
  if (creating && !volume_read_only()) {
    // The sidecar directories (mode 0700: nothing outside the server needs them).
    if (::mkdirat(root_fd_, kStreamDir, 0700) != 0 && errno != EEXIST) return status_from_errno(errno);
    FdGuard sd(open_beneath(root_fd_, kStreamDir, O_PATH | O_DIRECTORY | O_NOFOLLOW));
    if (sd.fd < 0) return status_from_errno(errno);
    if (::mkdirat(sd.fd, key.c_str(), 0700) != 0 && errno != EEXIST) return status_from_errno(errno);
  }
  FdGuard kd(open_beneath(root_fd_, std::string(kStreamDir) + "/" + key, O_PATH | O_DIRECTORY | O_NOFOLLOW));
  if (kd.fd < 0) {
    if (errno == ENOENT && !creating) return status::STATUS_OBJECT_NAME_NOT_FOUND;
    if (errno == ENOENT && volume_read_only()) return status::STATUS_MEDIA_WRITE_PROTECTED;
    return status_from_errno(errno);
  }
  const bool truncating = disposition == Disposition::overwrite || disposition == Disposition::overwrite_if ||
                          disposition == Disposition::supersede;
  const bool ro = volume_read_only();
  const std::uint64_t rw = (want_write || truncating) ? O_RDWR : O_RDONLY;
  int fd = open_beneath(kd.fd, leaf, O_NOFOLLOW | O_NOCTTY | rw);
  CreateAction action = CreateAction::opened;
  if (fd < 0) {
    if (errno != ENOENT) return status_from_errno(errno);
    if (!creating) return status::STATUS_OBJECT_NAME_NOT_FOUND;
    if (ro) return status::STATUS_MEDIA_WRITE_PROTECTED;
    fd = open_beneath(kd.fd, leaf, O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY | O_RDWR, 0600);
    if (fd < 0) return status_from_errno(errno);
    action = CreateAction::created;
  } else {
    FdGuard g(fd);
    if (disposition == Disposition::create) return status::STATUS_OBJECT_NAME_COLLISION;
    if ((truncating || want_write) && ro) return status::STATUS_MEDIA_WRITE_PROTECTED;
    if (truncating) {
      if (::ftruncate(fd, 0) != 0) return status_from_errno(errno);
      action = disposition == Disposition::supersede ? CreateAction::superseded : CreateAction::overwritten;
    }
    fd = g.release();
  }
  ++stats_.opens;
  return OpenResult{std::make_shared<Handle>(fd, rel, false), action};
}

Outcome<std::shared_ptr<StoreHandle>> ObjectStore::open_internal(const std::string& path) {
  if (dismounted_) return status::STATUS_VOLUME_DISMOUNTED;
  int fd = path.empty() ? open_beneath(root_fd_, "", O_RDONLY | O_DIRECTORY)
                        : open_beneath(root_fd_, path, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return status_from_errno(errno);
  struct stat st{};
  if (::fstat(fd, &st) != 0) {
    int e = errno;
    ::close(fd);
    return status_from_errno(e);
  }
  return std::shared_ptr<StoreHandle>(std::make_shared<Handle>(fd, path, S_ISDIR(st.st_mode)));
}

Outcome<std::vector<ObjectStore::StreamInfo>> ObjectStore::streams(const std::string& base_path) {
  auto base = open_internal(base_path);
  if (!base) return base.status();
  auto bs = stat(**base);
  if (!bs) return bs.status();
  struct stat id{};  // the sidecar's key, as open_stream computes it
  if (::fstat((*base)->fd(), &id) != 0) return status_from_errno(errno);
  std::vector<StreamInfo> out;
  if (!bs->is_directory) out.push_back({"", bs->end_of_file, bs->allocation_size});
  const std::string dir = std::string(kStreamDir) + "/" + stream_key(id.st_dev, id.st_ino);
  int kfd = open_beneath(root_fd_, dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
  if (kfd < 0) {
    if (errno == ENOENT) return out;  // no named stream was ever created on this object
    return status_from_errno(errno);
  }
  DIR* d = ::fdopendir(kfd);
  if (!d) {
    int e = errno;
    ::close(kfd);
    return status_from_errno(e);
  }
  std::vector<StreamInfo> named;
  while (dirent* de = ::readdir(d)) {
    std::string leaf = de->d_name;
    if (leaf.size() < 3 || leaf.compare(0, 2, "s_") != 0) continue;  // open_stream's leaves are "s_" + name
    struct statx sx{};
    if (::statx(::dirfd(d), leaf.c_str(), AT_SYMLINK_NOFOLLOW, kStatxMask, &sx) != 0 || !S_ISREG(sx.stx_mode))
      continue;
    const FileStat ss = stat_from_statx(sx);
    named.push_back({leaf.substr(2), ss.end_of_file, ss.allocation_size});
  }
  ::closedir(d);
  std::sort(named.begin(), named.end(), [](const StreamInfo& a, const StreamInfo& b) { return a.name < b.name; });
  out.insert(out.end(), named.begin(), named.end());
  return out;
}

// ---------------------------------------------------------------------------------------------
// faults and hooks

void ObjectStore::inject(Fault f) {
  if (f.count == 0) return;
  f.path = fault_path(std::move(f.path));
  std::lock_guard lock(faults_mu_);
  faults_.push_back(std::move(f));
}

void ObjectStore::clear_faults() {
  std::lock_guard lock(faults_mu_);
  faults_.clear();
}

void ObjectStore::set_volume_read_only(bool v) { read_only_ = v; }
void ObjectStore::set_volume_dismounted(bool v) { dismounted_ = v; }

std::optional<NtStatus> ObjectStore::take_fault(FaultOp op, const std::string& path) {
  std::lock_guard lock(faults_mu_);
  for (auto it = faults_.begin(); it != faults_.end(); ++it) {
    if (it->op != op || (!it->path.empty() && it->path != path)) continue;
    NtStatus s = it->status;
    if (it->count > 0 && --it->count == 0) faults_.erase(it);
    return s;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// open

Outcome<OpenResult> ObjectStore::open(const std::string& path, Disposition disposition, ObjectKind kind,
                                      bool want_write, std::uint32_t file_attributes) {
  if (dismounted_) return status::STATUS_VOLUME_DISMOUNTED;
  if (auto f = take_fault(FaultOp::open, path)) return *f;
  const auto d = static_cast<std::uint32_t>(disposition);
  if (d > static_cast<std::uint32_t>(Disposition::overwrite_if)) return status::STATUS_INVALID_PARAMETER;
  const bool truncating = disposition == Disposition::overwrite || disposition == Disposition::overwrite_if ||
                          disposition == Disposition::supersede;
  // MS-FSA 2.1.5.1 parameter validation: DIRECTORY_FILE with SUPERSEDE/OVERWRITE/OVERWRITE_IF.
  if (kind == ObjectKind::directory && truncating) return status::STATUS_INVALID_PARAMETER;
  const bool ro = volume_read_only();

  // A bounded retry: only a concurrent create/delete/rename between probe and open loops.
  for (int attempt = 0; attempt < 4; ++attempt) {
    FdGuard probe(path.empty() ? open_beneath(root_fd_, "", O_PATH | O_DIRECTORY)
                               : open_beneath(root_fd_, path, O_PATH));
    if (probe.fd < 0) {
      int e = errno;
      if (e == ENOTDIR) return status::STATUS_OBJECT_PATH_NOT_FOUND;  // a parent is a file
      if (e != ENOENT) return status_from_errno(e);
      auto [parent, leaf] = split_parent(path);
      FdGuard pfd(open_beneath(root_fd_, parent, O_PATH | O_DIRECTORY));
      if (pfd.fd < 0) return parent_status(errno);
      if (disposition == Disposition::open || disposition == Disposition::overwrite)
        return status::STATUS_OBJECT_NAME_NOT_FOUND;
      if (ro) return status::STATUS_MEDIA_WRITE_PROTECTED;
      int fd;
      if (kind == ObjectKind::directory) {
        if (::mkdirat(pfd.fd, leaf.c_str(), 0777) != 0) {
          if (errno == EEXIST && disposition != Disposition::create) continue;  // raced: open it
          return status_from_errno(errno);
        }
        fd = open_beneath(pfd.fd, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
      } else {
        mode_t mode = (file_attributes & kAttrReadonly) ? 0444 : 0666;
        fd = open_beneath(pfd.fd, leaf, O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY | (want_write ? O_RDWR : O_RDONLY),
                          mode);
        // EEXIST: created concurrently, or a dangling symlink sits there (O_EXCL never follows it).
        if (fd < 0 && errno == EEXIST && disposition != Disposition::create && attempt < 3) continue;
      }
      if (fd < 0) return status_from_errno(errno);
      if (struct stat cs{}; ::fstat(fd, &cs) == 0) purge_streams(root_fd_, cs.st_dev, cs.st_ino);  // recycled inode
      ++stats_.opens;
      return OpenResult{std::make_shared<Handle>(fd, path, kind == ObjectKind::directory), CreateAction::created};
    }

    struct stat st{};
    if (::fstat(probe.fd, &st) != 0) return status_from_errno(errno);
    if (disposition == Disposition::create) return status::STATUS_OBJECT_NAME_COLLISION;
    const bool dir = S_ISDIR(st.st_mode);
    if (!dir && !S_ISREG(st.st_mode)) return status::STATUS_ACCESS_DENIED;  // FIFO, device, socket
    if (dir && kind == ObjectKind::non_directory) return status::STATUS_FILE_IS_A_DIRECTORY;
    if (!dir && kind == ObjectKind::directory) return status::STATUS_NOT_A_DIRECTORY;
    if (dir && truncating) return status::STATUS_FILE_IS_A_DIRECTORY;  // UNVERIFIED vs Windows
    if (!dir && (truncating || want_write) && ro) return status::STATUS_MEDIA_WRITE_PROTECTED;

    std::uint64_t flags = dir ? (O_RDONLY | O_DIRECTORY)
                              : (O_NONBLOCK | O_NOCTTY | ((want_write || truncating) ? O_RDWR : O_RDONLY));
    FdGuard fd(open_beneath(root_fd_, path, flags));
    if (fd.fd < 0) {
      int e = errno;
      if (e == ENOENT) continue;  // removed between probe and open
      return status_from_errno(e);
    }
    struct stat st2{};
    if (::fstat(fd.fd, &st2) != 0) return status_from_errno(errno);
    if (st2.st_dev != st.st_dev || st2.st_ino != st.st_ino) continue;  // swapped: look again
    if (!dir) {
      // O_NONBLOCK only guarded against a FIFO swapped in; regular files do blocking I/O.
      int fl = ::fcntl(fd.fd, F_GETFL);
      if (fl >= 0) ::fcntl(fd.fd, F_SETFL, fl & ~O_NONBLOCK);
      if (truncating && ::ftruncate(fd.fd, 0) != 0) return status_from_errno(errno);
    }
    CreateAction action = CreateAction::opened;
    if (truncating) action = disposition == Disposition::supersede ? CreateAction::superseded : CreateAction::overwritten;
    ++stats_.opens;
    return OpenResult{std::make_shared<Handle>(fd.release(), path, dir), action};
  }
  return status::STATUS_SHARING_VIOLATION;  // the name kept changing under us
}

// ---------------------------------------------------------------------------------------------
// data

Outcome<wire::Bytes> ObjectStore::read(StoreHandle& h, std::uint64_t offset, std::uint32_t length) {
  if (dismounted_) return status::STATUS_VOLUME_DISMOUNTED;
  if (auto f = take_fault(FaultOp::read, h.path())) return *f;
  if (h.fd() < 0) return status::STATUS_FILE_CLOSED;
  // Reading a directory stream: Windows answers STATUS_INVALID_DEVICE_REQUEST (UNVERIFIED here).
  if (h.is_directory()) return status::STATUS_INVALID_DEVICE_REQUEST;
  wire::Bytes buf;
  if (offset > kMaxOffset) return buf;  // beyond any possible end of file
  buf.resize(length);
  std::size_t got = 0;
  while (got < length) {
    std::uint64_t off = offset + got;
    if (off > kMaxOffset) break;
    ssize_t r = ::pread(h.fd(), buf.data() + got, length - got, static_cast<off_t>(off));
    if (r < 0) {
      if (errno == EINTR) continue;
      return status_from_errno(errno);
    }
    if (r == 0) break;
    got += static_cast<std::size_t>(r);
  }
  buf.resize(got);
  ++stats_.reads;
  return buf;
}

Outcome<std::uint32_t> ObjectStore::write(StoreHandle& h, std::uint64_t offset, wire::ByteView data) {
  if (dismounted_) return status::STATUS_VOLUME_DISMOUNTED;
  if (auto f = take_fault(FaultOp::write, h.path())) return *f;
  if (h.fd() < 0) return status::STATUS_FILE_CLOSED;
  if (volume_read_only()) return status::STATUS_MEDIA_WRITE_PROTECTED;
  if (h.is_directory()) return status::STATUS_INVALID_DEVICE_REQUEST;
  if (offset == UINT64_MAX) {  // MS-FSA 2.1.5.3: ByteOffset -1 = write at end of file
    struct stat st{};
    if (::fstat(h.fd(), &st) != 0) return status_from_errno(errno);
    offset = static_cast<std::uint64_t>(st.st_size);
  }
  if (offset > kMaxOffset || data.size() > kMaxOffset - offset) return status::STATUS_INVALID_PARAMETER;
  std::size_t put = 0;
  while (put < data.size()) {
    ssize_t r = ::pwrite(h.fd(), data.data() + put, data.size() - put, static_cast<off_t>(offset + put));
    if (r < 0) {
      if (errno == EINTR) continue;
      if (errno == EBADF) return status::STATUS_ACCESS_DENIED;  // fd opened read-only
      if (put > 0) break;  // report the partial write; the next call will surface the error
      return status_from_errno(errno);
    }
    put += static_cast<std::size_t>(r);
  }
  ++stats_.writes;
  return static_cast<std::uint32_t>(put);
}

// ---------------------------------------------------------------------------------------------
// flush (MS-FSA 2.1.5.7; object-store-flush.md §4)

NtStatus ObjectStore::flush(StoreHandle& h, FlushType type) {
  Handle* own = as_handle(h);
  auto latch = [&](NtStatus s) {
    ++stats_.flush_errors;
    if (own && is_writeback_error(s)) return own->latch(s);
    return s;
  };
  if (auto f = take_fault(FaultOp::flush, h.path())) return latch(*f);
  if (h.fd() < 0) return status::STATUS_FILE_CLOSED;
  // FLT_FLUSH_TYPE_DATA_SYNC_ONLY: "not valid" for a directory (exact status UNVERIFIED, §4 table).
  if (type == FlushType::data_sync_only && h.is_directory()) return status::STATUS_INVALID_PARAMETER;
  if (dismounted_) return status::STATUS_VOLUME_DISMOUNTED;                // §4 rule 2
  if (volume_read_only()) return status::STATUS_MEDIA_WRITE_PROTECTED;     // §4 rule 1, before fsync
  int rc = 0;
  switch (type) {
    case FlushType::full:
    case FlushType::no_sync:  // no exact equivalent: the stronger fsync
      rc = ::fsync(h.fd());
      break;
    case FlushType::file_data_only:
      if (h.is_directory()) {
        rc = ::fsync(h.fd());  // sync_file_range is meaningless on a directory; stronger call
      } else {
        rc = ::sync_file_range(h.fd(), 0, 0,
                               SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
      }
      break;
    case FlushType::data_sync_only:
      rc = ::fdatasync(h.fd());
      break;
    case FlushType::flush_and_purge:
      rc = ::fsync(h.fd());
      if (rc == 0 && !h.is_directory()) (void)::posix_fadvise(h.fd(), 0, 0, POSIX_FADV_DONTNEED);  // advisory
      break;
  }
  int err = rc != 0 ? errno : 0;
  ++stats_.flushes;
  if (err != 0) return latch(status_from_errno(err));
  // §4 rule 4: an earlier write-back error stays reported even if this fsync succeeded.
  if (own) {
    if (auto l = own->latched()) return *l;
  }
  return status::STATUS_SUCCESS;
}

NtStatus ObjectStore::flush(StoreHandle& h) {
  switch (config_.flush_mode) {
    case ShareFlushMode::full: return flush(h, FlushType::full);
    case ShareFlushMode::data_only: return flush(h, FlushType::file_data_only);
    case ShareFlushMode::data_sync_only:
      // A directory cannot take DATA_SYNC_ONLY; the share mode must not turn FLUSH into an error.
      return flush(h, h.is_directory() ? FlushType::full : FlushType::data_sync_only);
    case ShareFlushMode::none: return status::STATUS_SUCCESS;
  }
  return status::STATUS_SUCCESS;
}

// ---------------------------------------------------------------------------------------------
// metadata

Outcome<FileStat> ObjectStore::stat(StoreHandle& h) {
  if (dismounted_) return status::STATUS_VOLUME_DISMOUNTED;
  if (h.fd() < 0) return status::STATUS_FILE_CLOSED;
  struct statx sx{};
  if (::statx(h.fd(), "", AT_EMPTY_PATH, kStatxMask, &sx) != 0) return status_from_errno(errno);
  return stat_from_statx(sx);
}

Outcome<std::vector<DirEntry>> ObjectStore::list(StoreHandle& dir) {
  if (dismounted_) return status::STATUS_VOLUME_DISMOUNTED;
  if (dir.fd() < 0) return status::STATUS_FILE_CLOSED;
  if (!dir.is_directory()) return status::STATUS_NOT_A_DIRECTORY;
  // A fresh open file description of the same directory: its own offset, so concurrent listings
  // and the handle's fd do not disturb each other. "." relative to the handle cannot escape.
  int fd = open_beneath(dir.fd(), ".", O_RDONLY | O_DIRECTORY);
  if (fd < 0) return status_from_errno(errno);
  DIR* d = ::fdopendir(fd);
  if (!d) {
    int e = errno;
    ::close(fd);
    return status_from_errno(e);
  }
  std::vector<DirEntry> out;
  errno = 0;
  while (dirent* de = ::readdir(d)) {
    std::string name = de->d_name;
    if (name == "." || name == "..") continue;
    // Names SMB cannot carry ('\\', ':', control characters, invalid UTF-8...) stay invisible.
    if (auto bad = check_component(name); bad && *bad != status::STATUS_ACCESS_DENIED) continue;
    struct statx sx{};
    if (::statx(::dirfd(d), de->d_name, AT_SYMLINK_NOFOLLOW, kStatxMask, &sx) != 0) continue;  // vanished
    out.push_back(DirEntry{std::move(name), stat_from_statx(sx)});
  }
  ::closedir(d);
  std::sort(out.begin(), out.end(), [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
  return out;
}

NtStatus ObjectStore::set_end_of_file(StoreHandle& h, std::uint64_t size) {
  if (dismounted_) return status::STATUS_VOLUME_DISMOUNTED;
  if (auto f = take_fault(FaultOp::set_info, h.path())) return *f;
  if (h.fd() < 0) return status::STATUS_FILE_CLOSED;
  if (volume_read_only()) return status::STATUS_MEDIA_WRITE_PROTECTED;
  if (h.is_directory() || size > kMaxOffset) return status::STATUS_INVALID_PARAMETER;
  if (::ftruncate(h.fd(), static_cast<off_t>(size)) != 0) {
    if (errno == EINVAL || errno == EBADF) return status::STATUS_ACCESS_DENIED;  // fd not writable
    return status_from_errno(errno);
  }
  return status::STATUS_SUCCESS;
}

NtStatus ObjectStore::set_basic(StoreHandle& h, const FileTimes& t, std::uint32_t attributes) {
  if (dismounted_) return status::STATUS_VOLUME_DISMOUNTED;
  if (auto f = take_fault(FaultOp::set_info, h.path())) return *f;
  if (h.fd() < 0) return status::STATUS_FILE_CLOSED;
  // MS-FSA 2.1.5.14.2: FILE_ATTRIBUTE_DIRECTORY on a data file is invalid.
  if (attributes != 0 && (attributes & kAttrDirectory) && !h.is_directory()) return status::STATUS_INVALID_PARAMETER;
  auto unchanged = [](std::uint64_t v) { return v == 0 || v == UINT64_MAX || v == UINT64_MAX - 1; };
  bool any_time = !unchanged(t.last_access_time) || !unchanged(t.last_write_time);
  if ((any_time || attributes != 0) && volume_read_only()) return status::STATUS_MEDIA_WRITE_PROTECTED;
  if (any_time) {
    timespec ts[2];
    for (int i = 0; i < 2; ++i) {
      std::uint64_t v = i == 0 ? t.last_access_time : t.last_write_time;
      if (unchanged(v)) {
        ts[i].tv_sec = 0;
        ts[i].tv_nsec = UTIME_OMIT;
      } else {
        std::int64_t s, ns;
        unix_from_filetime(v, s, ns);
        ts[i].tv_sec = static_cast<time_t>(s);
        ts[i].tv_nsec = static_cast<long>(ns);
      }
    }
    if (::futimens(h.fd(), ts) != 0) return status_from_errno(errno);
  }
  if (attributes != 0 && !h.is_directory()) {
    struct stat st{};
    if (::fstat(h.fd(), &st) != 0) return status_from_errno(errno);
    mode_t mode = st.st_mode & 07777;
    mode_t want = (attributes & kAttrReadonly) ? (mode & ~mode_t{S_IWUSR | S_IWGRP | S_IWOTH}) : (mode | S_IWUSR);
    if (want != mode && ::fchmod(h.fd(), want) != 0) return status_from_errno(errno);
  }
  return status::STATUS_SUCCESS;
}

NtStatus ObjectStore::rename(StoreHandle& h, const std::string& new_path, bool replace) {
  if (dismounted_) return status::STATUS_VOLUME_DISMOUNTED;
  if (auto f = take_fault(FaultOp::set_info, h.path())) return *f;
  if (h.fd() < 0) return status::STATUS_FILE_CLOSED;
  if (h.path().empty() || new_path.empty()) return status::STATUS_ACCESS_DENIED;  // the share root
  if (volume_read_only()) return status::STATUS_MEDIA_WRITE_PROTECTED;
  if (new_path == h.path()) return status::STATUS_SUCCESS;
  auto [sparent, sleaf] = split_parent(h.path());
  auto [dparent, dleaf] = split_parent(new_path);
  FdGuard sp(open_beneath(root_fd_, sparent, O_PATH | O_DIRECTORY));
  if (sp.fd < 0) return parent_status(errno);
  FdGuard dp(open_beneath(root_fd_, dparent, O_PATH | O_DIRECTORY));
  if (dp.fd < 0) return parent_status(errno);
  // The name must still denote the handle's object (not something swapped in since the open).
  struct stat hs{}, ns{};
  if (::fstat(h.fd(), &hs) != 0) return status_from_errno(errno);
  if (::fstatat(sp.fd, sleaf.c_str(), &ns, AT_SYMLINK_NOFOLLOW) != 0 || ns.st_dev != hs.st_dev ||
      ns.st_ino != hs.st_ino)
    return status::STATUS_OBJECT_NAME_NOT_FOUND;
  if (replace) {
    struct stat ts{};
    // MS-FSA 2.1.5.14.11: ReplaceIfExists onto a directory -> STATUS_ACCESS_DENIED.
    if (::fstatat(dp.fd, dleaf.c_str(), &ts, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(ts.st_mode))
      return status::STATUS_ACCESS_DENIED;
  }
  if (::renameat2(sp.fd, sleaf.c_str(), dp.fd, dleaf.c_str(), replace ? 0 : RENAME_NOREPLACE) != 0) {
    int e = errno;
    if (e == EXDEV) return status::STATUS_NOT_SAME_DEVICE;  // both parents are confined; a mount boundary
    if (e == ENOENT) return status::STATUS_OBJECT_PATH_NOT_FOUND;
    return status_from_errno(e);
  }
  if (Handle* own = as_handle(h)) own->set_path(new_path);
  return status::STATUS_SUCCESS;
}

NtStatus ObjectStore::remove(StoreHandle& h) {
  if (dismounted_) return status::STATUS_VOLUME_DISMOUNTED;
  if (auto f = take_fault(FaultOp::set_info, h.path())) return *f;
  if (h.path().empty()) return status::STATUS_ACCESS_DENIED;  // the share root
  if (volume_read_only()) return status::STATUS_MEDIA_WRITE_PROTECTED;
  auto [parent, leaf] = split_parent(h.path());
  FdGuard pfd(open_beneath(root_fd_, parent, O_PATH | O_DIRECTORY));
  if (pfd.fd < 0) return parent_status(errno);
  struct stat ns{};
  if (::fstatat(pfd.fd, leaf.c_str(), &ns, AT_SYMLINK_NOFOLLOW) != 0) return status::STATUS_OBJECT_NAME_NOT_FOUND;
  if (h.fd() >= 0) {
    struct stat hs{};
    if (::fstat(h.fd(), &hs) == 0 && (hs.st_dev != ns.st_dev || hs.st_ino != ns.st_ino))
      return status::STATUS_OBJECT_NAME_NOT_FOUND;
  }
  if (::unlinkat(pfd.fd, leaf.c_str(), h.is_directory() ? AT_REMOVEDIR : 0) != 0) {
    int e = errno;
    if (e == EEXIST) e = ENOTEMPTY;  // POSIX allows either for a non-empty directory
    return status_from_errno(e);
  }
  // The object's named streams (open_stream) go with its last link.
  if (h.is_directory() || ns.st_nlink <= 1) purge_streams(root_fd_, ns.st_dev, ns.st_ino);
  return status::STATUS_SUCCESS;
}

NtStatus ObjectStore::close(StoreHandle& h) {
  auto f = take_fault(FaultOp::close, h.path());
  if (Handle* own = as_handle(h)) own->close_fd();
  return f ? *f : status::STATUS_SUCCESS;
}

}  // namespace smb::server
