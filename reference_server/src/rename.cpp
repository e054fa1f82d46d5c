// Renaming an open object (MS-FSA 2.1.5.15.11); see rename.hpp for the rules and their sources.
#include "smbserver/rename.hpp"

#include <algorithm>
#include <vector>

#include "smbserver/access.hpp"
#include "smbserver/oplock.hpp"

namespace smb::server {
namespace {

constexpr std::uint32_t FILE_SHARE_READ = 0x1, FILE_SHARE_WRITE = 0x2;

/** The share-relative parent of a normalized path ("" for a top-level name). */
std::string parent_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

bool same_share(const Open& o, const Share* share) { return o.tree_connect && o.tree_connect->share == share; }

/** `path` equals `base`, lies below it, or is a named stream of it ("base:stream", create.cpp). */
bool at_or_below(const std::string& path, const std::string& base) {
  if (path == base) return true;
  if (base.empty()) return true;  // everything is below the share root
  return path.size() > base.size() && path.compare(0, base.size(), base) == 0 &&
         (path[base.size()] == '/' || path[base.size()] == ':');
}

}  // namespace

NtStatus rename_check_destination_sharing(Server& s, const Share& share, const std::string& target,
                                          bool is_directory) {
  // The implicit open of the target's parent (rename.hpp step 1): FILE_ADD_FILE or FILE_ADD_SUBDIRECTORY plus
  // SYNCHRONIZE, ShareAccess READ|WRITE, share-checked like any open of an existing directory (MS-FSA 2.1.5.1.2.2).
  const std::string parent = parent_of(target);
  const std::uint32_t access =
      (is_directory ? access::FILE_ADD_SUBDIRECTORY : access::FILE_ADD_FILE) | access::SYNCHRONIZE;
  const std::uint32_t share_mode = FILE_SHARE_READ | FILE_SHARE_WRITE;
  for (auto& [key, f] : s.files)
    for (const Open* o : f->opens)
      if (same_share(*o, &share) && o->is_directory && o->path == parent &&
          share_access_conflict(*o, access, share_mode))
        return status::STATUS_SHARING_VIOLATION;
  return status::STATUS_SUCCESS;
}

void rename_update_open_paths(Server& s, const Share* share, const std::string& from, const std::string& to) {
  if (from.empty()) return;  // the share root is never renamed
  for (auto& [key, f] : s.files)
    for (Open* o : f->opens)
      if (same_share(*o, share) && at_or_below(o->path, from)) o->path = to + o->path.substr(from.size());
}

RenameResult rename_object(Server& s, const RenameArgs& args) {
  RenameResult r;
  if (!args.share || !args.handle || !args.share->store) {
    r.status = status::STATUS_INVALID_PARAMETER;
    return r;
  }
  // MS-FSA 2.1.5.15.11: "If DestinationDirectory is the same as Open.Link.ParentFile" and NewLinkName is a
  // case-sensitive exact match with Open.Link.Name, the operation immediately returns STATUS_SUCCESS.
  if (args.target == args.source) return r;

  // 1. The implicit open of the destination directory (rename.hpp).
  r.status = rename_check_destination_sharing(s, *args.share, args.target, args.is_directory);
  if (!r.status.is_success()) return r;

  // 2. MS-FSA 2.1.4.12 (SET_INFORMATION, FileRenameInformation): BATCH oplocks of other opens break to NONE and
  //    the rename waits for the acknowledgment; LEVEL_ONE and LEVEL_TWO are not broken.
  if (args.file) {
    bool wait = false;
    std::vector<Open*> holders(args.file->opens.begin(), args.file->opens.end());  // a break may close a holder
    for (Open* o : holders) {
      if (o == args.requester) continue;
      if (std::find(args.file->opens.begin(), args.file->opens.end(), o) == args.file->opens.end()) continue;
      if (o->oplock_level != SMB2_OPLOCK_LEVEL_BATCH) continue;
      if (o->oplock_state == OplockState::breaking) {
        wait = true;
        continue;
      }
      if (oplock_start_break(s, *o, SMB2_OPLOCK_LEVEL_NONE)) wait = true;
    }
    if (wait) {
      r.must_wait = true;
      r.wait_file = {args.file->device, args.file->inode};
      return r;
    }
  }

  // 3. An existing target that is open: MS-FSA 2.1.5.15.11 (RemoveTargetLink, "TargetLink.File.OpenList contains
  //    an Open with a Stream matching the current Stream") -> STATUS_ACCESS_DENIED when replacing; without
  //    ReplaceIfExists the store answers STATUS_OBJECT_NAME_COLLISION first (the check before it in 2.1.5.15.11).
  if (args.replace) {
    if (File* t = file_open_by_path(s, args.share, args.target); t && t != args.file && !t->opens.empty()) {
      r.status = status::STATUS_ACCESS_DENIED;
      return r;
    }
  }

  // 4. The store renames; opens follow the new name.
  r.status = args.share->store->rename(*args.handle, args.target, args.replace);
  if (!r.status.is_success()) return r;
  rename_update_open_paths(s, args.share, args.source, args.target);
  return r;
}

}  // namespace smb::server
