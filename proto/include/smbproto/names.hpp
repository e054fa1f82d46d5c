// Symbolic names of flag and enum fields (spec spellings), used by the field lists and JSON.
#pragma once

#include "smbproto/fields.hpp"

namespace smb::proto::names {

extern const NameTable dialect;             ///< MS-SMB2 2.2.3 Dialects ("2.0.2" ... "3.1.1")
extern const NameTable command;             ///< MS-SMB2 2.2.1 Command codes
extern const NameTable header_flags;        ///< MS-SMB2 2.2.1 Flags
extern const NameTable security_mode;       ///< MS-SMB2 2.2.3 SecurityMode
extern const NameTable global_capabilities; ///< MS-SMB2 2.2.3/2.2.4 Capabilities
extern const NameTable access_mask;         ///< MS-SMB2 2.2.13.1
extern const NameTable share_access;        ///< MS-SMB2 2.2.13 ShareAccess
extern const NameTable create_disposition;  ///< MS-SMB2 2.2.13 CreateDisposition
extern const NameTable create_options;      ///< MS-SMB2 2.2.13 CreateOptions
extern const NameTable create_action;       ///< MS-SMB2 2.2.14 CreateAction
extern const NameTable file_attributes;     ///< MS-FSCC 2.6
extern const NameTable oplock_level;        ///< MS-SMB2 2.2.13 RequestedOplockLevel
extern const NameTable impersonation_level; ///< MS-SMB2 2.2.13 ImpersonationLevel
extern const NameTable lock_flags;          ///< MS-SMB2 2.2.26.1 Flags
extern const NameTable session_flags;       ///< MS-SMB2 2.2.6 SessionFlags
extern const NameTable share_type;          ///< MS-SMB2 2.2.10 ShareType
extern const NameTable share_flags;         ///< MS-SMB2 2.2.10 ShareFlags
extern const NameTable share_capabilities;  ///< MS-SMB2 2.2.10 Capabilities
extern const NameTable close_flags;         ///< MS-SMB2 2.2.15 Flags
extern const NameTable info_type;           ///< MS-SMB2 2.2.37 InfoType
extern const NameTable ctl_code;            ///< MS-SMB2 2.2.31 CtlCode (FSCTLs used here)
extern const NameTable file_information_class;  ///< MS-FSCC 2.4 (query dir / info classes used here)

}  // namespace smb::proto::names
