// SMB2 QUERY_DIRECTORY (MS-SMB2 3.3.5.18; enumeration semantics MS-FSA 2.1.5.6.3, MS-FSCC 2.4).
#include <algorithm>
#include <cctype>

#include "smbproto/fscc.hpp"
#include "smbserver/access.hpp"
#include "smbserver/handlers.hpp"
#include "smbserver/name_expression.hpp"

namespace smb::server {
namespace {

namespace f = proto::fscc;


template <class T>
T fill(const DirEntry& e) {
  T t{};
  t.file_name = e.name;
  if constexpr (requires { t.creation_time; }) set_stat_fields(t, e.stat);
  if constexpr (requires { t.file_id; }) t.file_id = e.stat.index_number;
  return t;
}

/**
 * Packs matching entries from the enumeration into at most `limit` bytes (8-byte aligned chain).
 * Returns the bytes; `count` = entries consumed.
 */
template <class T>
wire::Bytes pack(DirectoryEnumeration& en, std::uint32_t limit, bool single, std::size_t& count, bool& first_too_big) {
  std::vector<T> out;
  std::size_t used = 0;
  count = 0;
  first_too_big = false;
  while (en.next < en.entries.size()) {
    const DirEntry& e = en.entries[en.next];
    if (!name_in_expression(en.pattern, e.name)) {
      ++en.next;
      continue;
    }
    T t = fill<T>(e);
    std::size_t sz = f::entry_size(t);
    std::size_t start = (used + 7) & ~std::size_t{7};
    if (out.empty() ? sz > limit : start + sz > limit) {
      if (out.empty()) first_too_big = true;
      break;
    }
    used = start + sz;
    out.push_back(std::move(t));
    ++en.next;
    ++count;
    if (single) break;
  }
  return f::encode_entries(out);
}

}  // namespace

HandlerResult handle_query_directory(RequestContext& ctx, const proto::QueryDirectoryRequest& req) {
  // 3.3.5.18: session -> tree -> open.
  if (NtStatus st = verify_session(ctx); !st.is_success()) return st;
  if (NtStatus st = verify_tree(ctx); !st.is_success()) return st;
  if (NtStatus st = lookup_open(ctx, req.file_id); !st.is_success()) return st;
  Open& open = *ctx.open;
  ObjectStore* store = open.tree_connect->share->store.get();
  // 3.3.5.18: the open must be a directory -> else STATUS_INVALID_PARAMETER.
  if (!open.is_directory || !store) return status::STATUS_INVALID_PARAMETER;
  // MS-FSA 2.1.5.6: enumerating needs FILE_LIST_DIRECTORY.
  if (!(open.granted_access & access::FILE_LIST_DIRECTORY)) return status::STATUS_ACCESS_DENIED;
  // 3.3.5.18: OutputBufferLength > Connection.MaxTransactSize -> INVALID_PARAMETER.
  if (req.output_buffer_length > ctx.connection.max_transact_size) return status::STATUS_INVALID_PARAMETER;
  std::uint8_t cls = req.file_information_class;
  if (cls != 1 && cls != 2 && cls != 3 && cls != 37 && cls != 38 && cls != 12) return status::STATUS_INVALID_INFO_CLASS;

  DirectoryEnumeration& en = open.enumeration;
  bool restart = (req.flags & (proto::SMB2_RESTART_SCANS | proto::SMB2_REOPEN)) != 0;
  if (!en.active || restart) {
    // 3.3.5.18: a new search (first call, RESTART_SCANS or REOPEN) snapshots the directory and
    // fixes the pattern; "" means "*".
    auto self = store->stat(*open.local_open);
    if (!self) return self.status();
    auto listed = store->list(*open.local_open);
    if (!listed) return listed.status();
    en.entries.clear();
    en.entries.push_back({".", self.value()});
    en.entries.push_back({"..", self.value()});
    for (auto& e : listed.value()) en.entries.push_back(std::move(e));
    en.pattern = req.file_name.empty() ? "*" : req.file_name;
    en.next = 0;
    en.returned_any = false;
    en.active = true;
  }
  bool single = (req.flags & proto::SMB2_RETURN_SINGLE_ENTRY) != 0;
  std::size_t count = 0;
  bool too_big = false;
  wire::Bytes buf;
  std::size_t fixed = 0;
  switch (cls) {
    case 1: buf = pack<f::FileDirectoryInformation>(en, req.output_buffer_length, single, count, too_big); fixed = 64; break;
    case 2: buf = pack<f::FileFullDirectoryInformation>(en, req.output_buffer_length, single, count, too_big); fixed = 68; break;
    case 3: buf = pack<f::FileBothDirectoryInformation>(en, req.output_buffer_length, single, count, too_big); fixed = 94; break;
    case 37: buf = pack<f::FileIdBothDirectoryInformation>(en, req.output_buffer_length, single, count, too_big); fixed = 104; break;
    case 38: buf = pack<f::FileIdFullDirectoryInformation>(en, req.output_buffer_length, single, count, too_big); fixed = 80; break;
    default: buf = pack<f::FileNamesInformation>(en, req.output_buffer_length, single, count, too_big); fixed = 12; break;
  }
  if (count == 0) {
    // MS-FSA 2.1.5.6.3: the buffer cannot hold even the fixed part -> STATUS_INFO_LENGTH_MISMATCH;
    // it cannot hold the first entry -> STATUS_BUFFER_OVERFLOW (nothing consumed).
    if (too_big) return req.output_buffer_length < fixed ? status::STATUS_INFO_LENGTH_MISMATCH : status::STATUS_BUFFER_OVERFLOW;
    // Nothing matched on the first call -> STATUS_NO_SUCH_FILE; later calls -> STATUS_NO_MORE_FILES.
    return en.returned_any ? status::STATUS_NO_MORE_FILES : status::STATUS_NO_SUCH_FILE;
  }
  en.returned_any = true;
  proto::QueryDirectoryResponse resp;
  resp.output_buffer = std::move(buf);
  return resp;
}

}  // namespace smb::server
