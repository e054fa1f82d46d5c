// Renaming an open object: the dialect-independent core shared by SMB2 SET_INFO FileRenameInformation
// (handlers/set_info.cpp) and the SMB1 renames (SMB_COM_RENAME, SMB_COM_NT_RENAME, TRANS2 rename levels).
//
// Semantics (MS-FSA 2.1.5.15.11, numbered 2.1.5.14.11 in older revisions), in this order:
//  1. Destination-directory sharing. Before the file system sees a rename, Windows' I/O manager opens the parent
//     directory of the target name "to ensure that the user has access to create a child under that parent"
//     (Windows IFS docs, "Set File Information Processing"). That open asks for FILE_ADD_FILE (a file) or
//     FILE_ADD_SUBDIRECTORY (a directory) | SYNCHRONIZE with ShareAccess FILE_SHARE_READ | FILE_SHARE_WRITE, so
//     it is share-checked (MS-FSA 2.1.5.1.2.2) against every open of that directory: an existing open with DELETE
//     access, or with FILE_WRITE_DATA/FILE_APPEND_DATA access that does not share WRITE, fails the rename with
//     STATUS_SHARING_VIOLATION. Observable with smbtorture smb2.oplock.exclusive6 / batch19 / batch20 (Windows
//     behaviour they assert), and Samba implements the same rule (samba MR 4056, bug 15861). MS-FSA itself does
//     not spell this open out; README "smbtorture smb2.oplock results" records that.
//  2. Oplock break on the source stream (MS-FSA 2.1.5.15.11 -> 2.1.4.12, Operation SET_INFORMATION,
//     FileRenameInformation; Windows IFS "Checking the Oplock State of an IRP_MJ_SET_INFORMATION operation"): a
//     BATCH oplock held by an open other than the renaming one breaks to NONE and the rename waits for the
//     acknowledgment; LEVEL_ONE (EXCLUSIVE) and LEVEL_TWO oplocks are not broken by a rename.
//  3. Target checks (MS-FSA 2.1.5.15.11, "If RemoveTargetLink is TRUE"): an existing target with
//     ReplaceIfExists FALSE -> STATUS_OBJECT_NAME_COLLISION (the store does it); an existing target that is open
//     -> STATUS_ACCESS_DENIED (MS-FSCC 2.4.42 "the target file was open and ReplaceIfExists is nonzero").
//  4. The object store renames; Open.Path of every open of the object, and of every open below a renamed
//     directory, follows the new name.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "smbserver/object_store.hpp"
#include "smbserver/state.hpp"

namespace smb::server {

/** One rename request, whatever the dialect. */
struct RenameArgs {
  Share* share = nullptr;             ///< the share both names are on (renames never cross shares)
  StoreHandle* handle = nullptr;      ///< store handle of the object being renamed (required)
  File* file = nullptr;               ///< its File (share-mode/oplock object); null when nothing has it open
  const Open* requester = nullptr;    ///< the open that renames (its own oplock never breaks); null: none
  std::string source;                 ///< current share-relative path ('/'-separated, ObjectStore::normalize form)
  std::string target;                 ///< new share-relative path (normalized)
  bool replace = false;               ///< ReplaceIfExists
  bool is_directory = false;          ///< the object is a directory (FILE_ADD_SUBDIRECTORY instead of FILE_ADD_FILE)
};

/** What rename_object decided. */
struct RenameResult {
  NtStatus status = status::STATUS_SUCCESS;
  /**
   * True: a break needing an acknowledgment is outstanding (step 2); nothing was renamed and `status` is
   * meaningless. The caller waits for the break on `wait_file` ((device, inode) of File; e.g. an
   * OplockTable::Waiter in oplock.hpp) and then calls rename_object again with the same arguments (re-resolving
   * `handle`/`file`, which may have closed meanwhile).
   */
  bool must_wait = false;
  std::pair<std::uint64_t, std::uint64_t> wait_file{0, 0};
};

/**
 * Step 1 alone: STATUS_SHARING_VIOLATION when an open of the target's parent directory on `share` conflicts with
 * the implicit FILE_ADD_FILE / FILE_ADD_SUBDIRECTORY open, else STATUS_SUCCESS. Never breaks oplocks.
 */
NtStatus rename_check_destination_sharing(Server& s, const Share& share, const std::string& target,
                                          bool is_directory);

/**
 * Steps 1-4 (see the file comment). Errors: STATUS_SHARING_VIOLATION (step 1), STATUS_ACCESS_DENIED (open target
 * and replace), and every ObjectStore::rename error (OBJECT_NAME_COLLISION, OBJECT_PATH_NOT_FOUND, ...).
 * The caller has already checked DELETE access on the requester (MS-FSA 2.1.5.15.11) and normalized `target`.
 * Renaming an object onto its own name succeeds without touching anything (MS-FSA 2.1.5.15.11).
 */
RenameResult rename_object(Server& s, const RenameArgs& args);

/** Rewrites Open.Path of every open on `share` at `from` or below it to the same place under `to`. */
void rename_update_open_paths(Server& s, const Share* share, const std::string& from, const std::string& to);

}  // namespace smb::server
