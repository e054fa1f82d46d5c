// SMB2 SET_INFO (MS-SMB2 3.3.5.21; classes MS-FSCC 2.4; semantics MS-FSA 2.1.5.14).
#include <memory>

#include "smbproto/fscc.hpp"
#include "smbserver/access.hpp"
#include "smbserver/handlers.hpp"
#include "smbserver/oplock.hpp"
#include "smbserver/rename.hpp"

namespace smb::server {
namespace {

namespace f = proto::fscc;

/** MS-FSCC 2.4 FileBasicInformation: 0 = leave unchanged; -1/-2 (stop/resume auto-update) likewise. */
std::uint64_t keep(std::uint64_t t) { return t >= 0xFFFFFFFFFFFFFFFEull ? 0 : t; }

template <class T>
std::optional<T> parse(const wire::Bytes& b) {
  auto r = f::decode_info<T>(b);
  if (!r) return std::nullopt;
  return std::move(*r);
}

}  // namespace

HandlerResult handle_set_info(RequestContext& ctx, const proto::SetInfoRequest& req) {
  // 3.3.5.21: session -> tree -> open.
  if (NtStatus st = verify_session(ctx); !st.is_success()) return st;
  if (NtStatus st = verify_tree(ctx); !st.is_success()) return st;
  if (NtStatus st = lookup_open(ctx, req.file_id); !st.is_success()) return st;
  Open& open = *ctx.open;
  ObjectStore* store = open.tree_connect->share->store.get();
  if (!store || !open.local_open) return status::STATUS_NOT_SUPPORTED;
  if (req.info_type != proto::SMB2_0_INFO_FILE) return status::STATUS_NOT_SUPPORTED;
  StoreHandle& h = *open.local_open;
  switch (req.file_info_class) {
    case f::FileBasicInformation::info_class: {
      // MS-FSA 2.1.5.14.2: needs FILE_WRITE_ATTRIBUTES.
      if (!(open.granted_access & access::FILE_WRITE_ATTRIBUTES)) return status::STATUS_ACCESS_DENIED;
      auto b = parse<f::FileBasicInformation>(req.buffer);
      if (!b) return status::STATUS_INFO_LENGTH_MISMATCH;
      FileTimes t{keep(b->creation_time), keep(b->last_access_time), keep(b->last_write_time), keep(b->change_time)};
      // Times and attributes are the file's, also through an open of one of its named streams (MS-FSA 2.1.1.3).
      auto meta = metadata_handle(open);
      if (!meta) return meta.status();
      NtStatus st = store->set_basic(**meta, t, b->file_attributes);
      if (!st.is_success()) return st;
      return proto::SetInfoResponse{};
    }
    case f::FileEndOfFileInformation::info_class:
    case f::FileAllocationInformation::info_class: {
      // 3.3.5.21.1: FileAllocationInformation / FileEndOfFileInformation need FILE_WRITE_DATA.
      if (!(open.granted_access & access::FILE_WRITE_DATA)) return status::STATUS_ACCESS_DENIED;
      if (open.is_directory) return status::STATUS_INVALID_PARAMETER;
      // MS-FSA 2.1.5.14.1 / 2.1.5.14.4: changing the allocation or end of file breaks level II oplocks of other
      // opens (2.1.4.12; no acknowledgment is needed, 2.2.24.1).
      oplock_break_level2(ctx.server, open);
      if (req.file_info_class == f::FileEndOfFileInformation::info_class) {
        auto e = parse<f::FileEndOfFileInformation>(req.buffer);
        if (!e) return status::STATUS_INFO_LENGTH_MISMATCH;
        NtStatus st = store->set_end_of_file(h, e->end_of_file);
        if (!st.is_success()) return st;
      } else {
        auto a = parse<f::FileAllocationInformation>(req.buffer);
        if (!a) return status::STATUS_INFO_LENGTH_MISMATCH;
        // MS-FSA 2.1.5.14.1: an allocation below EndOfFile truncates the file.
        auto st = store->stat(h);
        if (!st) return st.status();
        if (a->allocation_size < st->end_of_file) {
          NtStatus r = store->set_end_of_file(h, a->allocation_size);
          if (!r.is_success()) return r;
        }
      }
      return proto::SetInfoResponse{};
    }
    case f::FileDispositionInformation::info_class: {
      // MS-FSA 2.1.5.14.3: needs DELETE; a non-empty directory -> STATUS_DIRECTORY_NOT_EMPTY.
      if (!(open.granted_access & access::DELETE)) return status::STATUS_ACCESS_DENIED;
      auto d = parse<f::FileDispositionInformation>(req.buffer);
      if (!d) return status::STATUS_INFO_LENGTH_MISMATCH;
      if (d->delete_pending && open.is_directory) {
        auto listed = store->list(h);
        if (!listed) return listed.status();
        if (!listed->empty()) return status::STATUS_DIRECTORY_NOT_EMPTY;
      }
      open.delete_on_close = d->delete_pending != 0;
      if (open.file) open.file->delete_pending = d->delete_pending != 0;
      return proto::SetInfoResponse{};
    }
    case f::FileRenameInformation::info_class: {
      // MS-FSA 2.1.5.15.11: renaming needs DELETE on the source; RootDirectory MUST be 0 for SMB2 (2.2.39).
      if (!(open.granted_access & access::DELETE)) return status::STATUS_ACCESS_DENIED;
      auto r = parse<f::FileRenameInformation>(req.buffer);
      if (!r) return status::STATUS_INFO_LENGTH_MISMATCH;
      if (r->root_directory != 0) return status::STATUS_INVALID_PARAMETER;
      std::string name = r->file_name;
      // MS-FSA 2.1.5.15.11: a FileName starting with ':' renames a stream (2.1.5.15.11.1), which this server does
      // not implement; a named-stream open cannot be renamed to a file name (UNVERIFIED vs Windows' status).
      if (!name.empty() && name.front() == ':') return status::STATUS_NOT_SUPPORTED;
      if (file_path_of(open) != open.path) return status::STATUS_INVALID_PARAMETER;
      while (!name.empty() && name.front() == '\\') name.erase(name.begin());
      auto target = ObjectStore::normalize(name);
      if (!target) return target.status();
      // Destination-directory sharing, oplock breaks, open targets, Open.Path updates: rename.hpp.
      RenameArgs args;
      args.share = open.tree_connect->share;
      args.handle = &h;
      args.file = open.file;
      args.requester = &open;
      args.source = open.path;
      args.target = *target;
      args.replace = r->replace_if_exists != 0;
      args.is_directory = open.is_directory;
      RenameResult rr = rename_object(ctx.server, args);
      if (rr.must_wait)  // a BATCH break first (rename.hpp step 2): async, re-run when it resolves
        return oplock_wait_for_break(ctx, rr.wait_file, [req](RequestContext& rc) { return handle_set_info(rc, req); });
      if (!rr.status.is_success()) return rr.status;
      return proto::SetInfoResponse{};
    }
    case f::FilePositionInformation::info_class: {
      auto p = parse<f::FilePositionInformation>(req.buffer);
      if (!p) return status::STATUS_INFO_LENGTH_MISMATCH;
      open.current_offset = p->current_byte_offset;
      return proto::SetInfoResponse{};
    }
    case f::FileModeInformation::info_class: {
      auto m = parse<f::FileModeInformation>(req.buffer);
      if (!m) return status::STATUS_INFO_LENGTH_MISMATCH;
      open.mode = m->mode;
      return proto::SetInfoResponse{};
    }
    default:
      return status::STATUS_NOT_SUPPORTED;
  }
}

}  // namespace smb::server
