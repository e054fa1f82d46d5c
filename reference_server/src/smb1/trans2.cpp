// SMB1 TRANSACTION2 subcommands a client needs to list and stat files: FIND_FIRST2/FIND_NEXT2, QUERY_FS_INFORMATION,
// QUERY_PATH/QUERY_FILE_INFORMATION, SET_PATH/SET_FILE_INFORMATION (MS-CIFS 3.3.5.58.x, MS-SMB 3.3.5.10).
#include <filesystem>

#include "smb1_internal.hpp"
#include "smbproto/smb1/trans2.hpp"
#include "smbserver/access.hpp"

namespace smb::server::smb1 {
namespace {

namespace a = access;

constexpr NtStatus STATUS_INVALID_LEVEL{0xC0000148};
// MS-CIFS 2.2.6.2.1 FIND flags
constexpr std::uint16_t SMB_FIND_CLOSE_AFTER_REQUEST = 0x0001;
constexpr std::uint16_t SMB_FIND_CLOSE_AT_EOS = 0x0002;
constexpr std::uint16_t SMB_QUERY_FILE_EA_INFO = 0x0103;
// MS-FSCC pass-through classes accepted on SET (MS-SMB 2.2.2.3.5)
constexpr std::uint16_t kPassBasic = 1004, kPassDisposition = 1013, kPassAllocation = 1019, kPassEof = 1020;

char fold(char c) { return static_cast<char>(std::toupper(static_cast<unsigned char>(c))); }

bool wildcard_match(std::string_view pat, std::string_view name) {
  std::size_t p = 0, n = 0, star = std::string_view::npos, mark = 0;
  while (n < name.size()) {
    if (p < pat.size() && (pat[p] == '?' || pat[p] == '>' || fold(pat[p]) == fold(name[n]))) {
      ++p;
      ++n;
    } else if (p < pat.size() && (pat[p] == '*' || pat[p] == '<')) {
      star = p++;
      mark = n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++mark;
    } else {
      return false;
    }
  }
  while (p < pat.size() && (pat[p] == '*' || pat[p] == '<' || pat[p] == '"' || pat[p] == '.')) ++p;
  return p == pat.size();
}

p::Transaction2Response as_trans2(const p::Trans2QueryInformationResponse& m, const p::Context& c) {
  return p::to_transaction2(m, c);
}

Reply respond(p::Transaction2Response t) { return Reply(std::move(t)); }

/** Packs entries from `search` into at most `limit` bytes and `max_count` entries. */
std::vector<p::SmbFindFileBothDirectoryInfo> take_entries(Smb1Search& search, std::size_t max_count, std::size_t limit,
                                                          const p::Context& ctx) {
  std::vector<p::SmbFindFileBothDirectoryInfo> out;
  while (search.next < search.entries.size() && out.size() < max_count) {
    const DirEntry& e = search.entries[search.next];
    if (!wildcard_match(search.pattern, e.name)) {
      ++search.next;
      continue;
    }
    p::SmbFindFileBothDirectoryInfo i;
    i.file_index = static_cast<std::uint32_t>(search.next);
    i.creation_time = e.stat.times.creation_time;
    i.last_access_time = e.stat.times.last_access_time;
    i.last_write_time = e.stat.times.last_write_time;
    i.last_change_time = e.stat.times.change_time;
    i.end_of_file = e.stat.end_of_file;
    i.allocation_size = e.stat.allocation_size;
    i.ext_file_attributes = e.stat.file_attributes ? e.stat.file_attributes : 0x80;  // FILE_ATTRIBUTE_NORMAL
    i.file_id = e.stat.index_number;
    i.file_name = e.name;
    out.push_back(i);
    if (p::encode_find_entries(out, search.information_level, ctx).size() > limit) {
      out.pop_back();
      break;
    }
    ++search.next;
  }
  return out;
}

bool more_matches(const Smb1Search& s) {
  for (std::size_t i = s.next; i < s.entries.size(); ++i)
    if (wildcard_match(s.pattern, s.entries[i].name)) return true;
  return false;
}

Outcome<FileStat> stat_path(Request& r, const std::string& name, std::shared_ptr<StoreHandle>* keep = nullptr) {
  ObjectStore* store = r.tree->share->store.get();
  if (!store) return status::STATUS_ACCESS_DENIED;
  auto path = smb1_path(name);
  if (!path) return path.status();
  auto opened = store->open(*path, Disposition::open, ObjectKind::any, false, 0);
  if (!opened) return opened.status();
  if (keep) *keep = opened->handle;
  return store->stat(*opened->handle);
}

Outcome<wire::Bytes> info_level(std::uint16_t level, const FileStat& fs, const std::string& name, bool delete_pending,
                                const p::Context& ctx) {
  wire::Bytes out;
  wire::Writer w(out);
  std::uint32_t attrs = fs.file_attributes ? fs.file_attributes : 0x80;
  switch (level) {
    case p::SMB_QUERY_FILE_BASIC_INFO: {  // MS-CIFS 2.2.8.3.6
      p::SmbQueryFileBasicInfo b{fs.times.creation_time, fs.times.last_access_time, fs.times.last_write_time,
                                 fs.times.change_time, attrs, 0};
      p::encode(w, b, ctx);
      return out;
    }
    case p::SMB_QUERY_FILE_STANDARD_INFO: {  // MS-CIFS 2.2.8.3.7
      p::SmbQueryFileStandardInfo st{fs.allocation_size, fs.end_of_file, fs.number_of_links,
                                     static_cast<std::uint8_t>(delete_pending), static_cast<std::uint8_t>(fs.is_directory)};
      p::encode(w, st, ctx);
      return out;
    }
    case SMB_QUERY_FILE_EA_INFO:  // MS-CIFS 2.2.8.3.8: EaSize 0
      w.u32(0);
      return out;
    case p::SMB_QUERY_FILE_ALL_INFO: {  // MS-CIFS 2.2.8.3.10
      p::SmbQueryFileAllInfo all;
      all.creation_time = fs.times.creation_time;
      all.last_access_time = fs.times.last_access_time;
      all.last_write_time = fs.times.last_write_time;
      all.last_change_time = fs.times.change_time;
      all.ext_file_attributes = attrs;
      all.allocation_size = fs.allocation_size;
      all.end_of_file = fs.end_of_file;
      all.number_of_links = fs.number_of_links;
      all.delete_pending = delete_pending;
      all.directory = fs.is_directory;
      all.file_name = name;
      p::encode(w, all, ctx);
      return out;
    }
    default:
      return STATUS_INVALID_LEVEL;  // ERRDOS/ERRunknownlevel
  }
}

Reply find_first(Request& r, const p::Transaction2Request& t, const p::Context& ctx) {
  p::Trans2FindFirst2Request m;
  if (!p::from_transaction2(t, m, ctx)) return status::STATUS_INVALID_PARAMETER;
  if (m.information_level != p::SMB_FIND_FILE_BOTH_DIRECTORY_INFO &&
      m.information_level != p::SMB_FIND_FILE_ID_BOTH_DIRECTORY_INFO)
    return STATUS_INVALID_LEVEL;
  ObjectStore* store = r.tree->share->store.get();
  if (!store) return status::STATUS_ACCESS_DENIED;
  std::string name = m.file_name;
  auto cut = name.find_last_of('\\');
  std::string dir = cut == std::string::npos ? "" : name.substr(0, cut);
  std::string pattern = cut == std::string::npos ? name : name.substr(cut + 1);
  auto dpath = smb1_path(dir);
  if (!dpath) return dpath.status();
  auto dh = store->open(*dpath, Disposition::open, ObjectKind::directory, false, 0);
  if (!dh) return dh.status() == status::STATUS_OBJECT_NAME_NOT_FOUND ? status::STATUS_OBJECT_PATH_NOT_FOUND : dh.status();
  auto listed = store->list(*dh->handle);
  if (!listed) return listed.status();
  Smb1Search search;
  search.pattern = pattern.empty() ? "*" : pattern;
  search.information_level = m.information_level;
  if (auto self = store->stat(*dh->handle)) {
    search.entries.push_back(DirEntry{".", self.value()});
    search.entries.push_back(DirEntry{"..", self.value()});
  }
  for (auto& e : listed.value()) search.entries.push_back(std::move(e));
  std::size_t limit = t.max_data_count ? t.max_data_count : 0xFFFF;
  std::size_t count = m.search_count ? m.search_count : 0xFFFF;
  auto entries = take_entries(search, count, limit, ctx);
  // MS-CIFS 3.3.5.58.1: no match -> STATUS_NO_SUCH_FILE (ERRDOS/ERRbadfile).
  if (entries.empty()) return status::STATUS_NO_SUCH_FILE;
  p::Trans2FindFirst2Response resp;
  bool eos = !more_matches(search);
  resp.search_count = static_cast<std::uint16_t>(entries.size());
  resp.end_of_search = eos ? 1 : 0;
  resp.data = p::encode_find_entries(entries, m.information_level, ctx);
  bool close = (m.flags & SMB_FIND_CLOSE_AFTER_REQUEST) || (eos && (m.flags & SMB_FIND_CLOSE_AT_EOS));
  if (!close) {
    std::uint16_t sid = 0;
    for (int tries = 0; tries < 0x10000 && sid == 0; ++tries) {
      std::uint16_t cand = r.state.next_sid++;
      if (cand != 0 && cand != 0xFFFF && !r.state.searches.count(cand)) sid = cand;
    }
    resp.sid = sid;
    r.state.searches[sid] = std::move(search);
  }
  return respond(p::to_transaction2(resp, ctx));
}

Reply find_next(Request& r, const p::Transaction2Request& t, const p::Context& ctx) {
  p::Trans2FindNext2Request m;
  if (!p::from_transaction2(t, m, ctx)) return status::STATUS_INVALID_PARAMETER;
  auto it = r.state.searches.find(m.sid);
  if (it == r.state.searches.end()) return status::STATUS_INVALID_HANDLE;  // MS-CIFS 3.3.5.58.2
  Smb1Search& search = it->second;
  std::size_t limit = t.max_data_count ? t.max_data_count : 0xFFFF;
  std::size_t count = m.search_count ? m.search_count : 0xFFFF;
  auto entries = take_entries(search, count, limit, ctx);
  p::Trans2FindNext2Response resp;
  bool eos = !more_matches(search);
  resp.search_count = static_cast<std::uint16_t>(entries.size());
  resp.end_of_search = eos ? 1 : 0;
  resp.data = p::encode_find_entries(entries, search.information_level, ctx);
  if ((m.flags & SMB_FIND_CLOSE_AFTER_REQUEST) || (eos && (m.flags & SMB_FIND_CLOSE_AT_EOS))) r.state.searches.erase(it);
  return respond(p::to_transaction2(resp, ctx));
}

Reply query_fs(Request& r, const p::Transaction2Request& t, const p::Context& ctx) {
  p::Trans2QueryFsInformationRequest m;
  if (!p::from_transaction2(t, m, ctx)) return status::STATUS_INVALID_PARAMETER;
  Share& share = *r.tree->share;
  std::error_code ec;
  auto space = share.store ? std::filesystem::space(share.config.root, ec) : std::filesystem::space_info{};
  constexpr std::uint32_t kSector = 512, kSectorsPerUnit = 8, kUnit = kSector * kSectorsPerUnit;
  wire::Bytes data;
  wire::Writer w(data);
  switch (m.information_level) {
    case p::SMB_INFO_ALLOCATION:
      p::encode(w, p::SmbInfoAllocation{0, kSectorsPerUnit, static_cast<std::uint32_t>(space.capacity / kUnit),
                                        static_cast<std::uint32_t>(space.available / kUnit), kSector}, ctx);
      break;
    case p::SMB_QUERY_FS_VOLUME_INFO:
      p::encode(w, p::SmbQueryFsVolumeInfo{r.server.start_time_filetime, 0x534D4231, 0, share.config.name}, ctx);
      break;
    case p::SMB_QUERY_FS_SIZE_INFO:
      p::encode(w, p::SmbQueryFsSizeInfo{space.capacity / kUnit, space.available / kUnit, kSectorsPerUnit, kSector}, ctx);
      break;
    case p::SMB_QUERY_FS_DEVICE_INFO:
      p::encode(w, p::SmbQueryFsDeviceInfo{0x00000007 /* FILE_DEVICE_DISK */, 0}, ctx);
      break;
    case p::SMB_QUERY_FS_ATTRIBUTE_INFO:
      // FILE_CASE_SENSITIVE_SEARCH | FILE_CASE_PRESERVED_NAMES | FILE_UNICODE_ON_DISK
      p::encode(w, p::SmbQueryFsAttributeInfo{0x00000007, 255, "NTFS"}, ctx);
      break;
    default:
      return STATUS_INVALID_LEVEL;
  }
  p::Trans2QueryFsInformationResponse resp;
  resp.data = std::move(data);
  return respond(p::to_transaction2(resp, ctx));
}

Reply query_path(Request& r, const p::Transaction2Request& t, const p::Context& ctx) {
  p::Trans2QueryPathInformationRequest m;
  if (!p::from_transaction2(t, m, ctx)) return status::STATUS_INVALID_PARAMETER;
  auto fs = stat_path(r, m.file_name);
  if (!fs) return fs.status();
  std::string leaf = m.file_name;
  if (auto cut = leaf.find_last_of('\\'); cut != std::string::npos) leaf = leaf.substr(cut + 1);
  auto data = info_level(m.information_level, fs.value(), m.file_name, false, ctx);
  if (!data) return data.status();
  p::Trans2QueryInformationResponse resp;
  resp.data = std::move(data.value());
  return respond(as_trans2(resp, ctx));
}

Reply query_file(Request& r, const p::Transaction2Request& t, const p::Context& ctx) {
  p::Trans2QueryFileInformationRequest m;
  if (!p::from_transaction2(t, m, ctx)) return status::STATUS_INVALID_PARAMETER;
  Open* open = find_fid(r.connection, m.fid);
  if (!open) return status::STATUS_INVALID_HANDLE;
  ObjectStore* store = open->tree_connect->share->store.get();
  if (!store || !open->local_open) return status::STATUS_INVALID_HANDLE;
  auto fs = store->stat(*open->local_open);
  if (!fs) return fs.status();
  std::string name = "\\" + open->path;
  std::replace(name.begin(), name.end(), '/', '\\');
  bool pending = open->delete_on_close || (open->file && open->file->delete_pending);
  auto data = info_level(m.information_level, fs.value(), name, pending, ctx);
  if (!data) return data.status();
  p::Trans2QueryInformationResponse resp;
  resp.data = std::move(data.value());
  return respond(as_trans2(resp, ctx));
}

/** SET information on an open store handle (levels of MS-CIFS 2.2.8.4 and their pass-through twins). */
NtStatus set_info(Open* open, StoreHandle& h, ObjectStore& store, std::uint16_t level, const wire::Bytes& data,
                  const p::Context& ctx) {
  wire::Reader rd(data);
  switch (level) {
    case p::SMB_SET_FILE_BASIC_INFO:
    case kPassBasic: {
      p::SmbSetFileBasicInfo b;
      if (!p::decode(rd, b, ctx)) return status::STATUS_INVALID_PARAMETER;
      FileTimes t{b.creation_time, b.last_access_time, b.last_write_time, b.change_time};
      return store.set_basic(h, t, b.ext_file_attributes);
    }
    case p::SMB_SET_FILE_DISPOSITION_INFO:
    case kPassDisposition: {
      p::SmbSetFileDispositionInfo d;
      if (!p::decode(rd, d, ctx)) return status::STATUS_INVALID_PARAMETER;
      if (!open) return status::STATUS_INVALID_PARAMETER;
      if (!(open->granted_access & a::DELETE)) return status::STATUS_ACCESS_DENIED;
      open->delete_on_close = d.delete_pending != 0;
      return status::STATUS_SUCCESS;
    }
    case p::SMB_SET_FILE_ALLOCATION_INFO:
    case kPassAllocation:
      return status::STATUS_SUCCESS;  // the store allocates on write
    case p::SMB_SET_FILE_END_OF_FILE_INFO:
    case kPassEof: {
      p::SmbSetFileEndOfFileInfo e;
      if (!p::decode(rd, e, ctx)) return status::STATUS_INVALID_PARAMETER;
      return store.set_end_of_file(h, e.end_of_file);
    }
    default:
      return STATUS_INVALID_LEVEL;
  }
}

Reply set_file(Request& r, const p::Transaction2Request& t, const p::Context& ctx) {
  p::Trans2SetFileInformationRequest m;
  if (!p::from_transaction2(t, m, ctx)) return status::STATUS_INVALID_PARAMETER;
  Open* open = find_fid(r.connection, m.fid);
  if (!open) return status::STATUS_INVALID_HANDLE;
  ObjectStore* store = open->tree_connect->share->store.get();
  if (!store || !open->local_open) return status::STATUS_INVALID_HANDLE;
  if (NtStatus st = set_info(open, *open->local_open, *store, m.information_level, m.data, ctx); !st.is_success()) return st;
  return respond(p::to_transaction2(p::Trans2SetInformationResponse{}, ctx));
}

Reply set_path(Request& r, const p::Transaction2Request& t, const p::Context& ctx) {
  p::Trans2SetPathInformationRequest m;
  if (!p::from_transaction2(t, m, ctx)) return status::STATUS_INVALID_PARAMETER;
  ObjectStore* store = r.tree->share->store.get();
  if (!store) return status::STATUS_ACCESS_DENIED;
  auto path = smb1_path(m.file_name);
  if (!path) return path.status();
  bool eof = m.information_level == p::SMB_SET_FILE_END_OF_FILE_INFO || m.information_level == kPassEof;
  auto opened = store->open(*path, Disposition::open, eof ? ObjectKind::non_directory : ObjectKind::any, eof, 0);
  if (!opened) return opened.status();
  if (NtStatus st = set_info(nullptr, *opened->handle, *store, m.information_level, m.data, ctx); !st.is_success()) return st;
  return respond(p::to_transaction2(p::Trans2SetInformationResponse{}, ctx));
}

}  // namespace

Reply handle_trans2(Request& r, const p::Transaction2Request& t) {
  // MS-CIFS 3.3.5.58: a whole transaction in one message (no secondary requests); SetupCount 1.
  auto sub = p::trans2_subcommand(t);
  if (!sub) return status::STATUS_INVALID_PARAMETER;
  if (t.total_parameter_count != t.trans2_parameters.size() || t.total_data_count != t.trans2_data.size())
    return status::STATUS_NOT_SUPPORTED;  // secondary TRANSACTION2 requests are not implemented
  if (r.tree->share->is_pipe) return status::STATUS_NOT_SUPPORTED;
  p::Context ctx = r.header.context();
  switch (*sub) {
    case p::TRANS2_FIND_FIRST2: return find_first(r, t, ctx);
    case p::TRANS2_FIND_NEXT2: return find_next(r, t, ctx);
    case p::TRANS2_QUERY_FS_INFORMATION: return query_fs(r, t, ctx);
    case p::TRANS2_QUERY_PATH_INFORMATION: return query_path(r, t, ctx);
    case p::TRANS2_QUERY_FILE_INFORMATION: return query_file(r, t, ctx);
    case p::TRANS2_SET_PATH_INFORMATION: return set_path(r, t, ctx);
    case p::TRANS2_SET_FILE_INFORMATION: return set_file(r, t, ctx);
    default: return status::STATUS_NOT_IMPLEMENTED;  // ERRDOS/ERRbadfunc
  }
}

}  // namespace smb::server::smb1
