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
extern const NameTable fs_information_class;    ///< MS-FSCC 2.5 (FileFs* classes)
extern const NameTable negotiate_context_type;  ///< MS-SMB2 2.2.3.1 ContextType
extern const NameTable hash_algorithm;          ///< MS-SMB2 2.2.3.1.1 HashAlgorithms
extern const NameTable cipher;                  ///< MS-SMB2 2.2.3.1.2 Ciphers
extern const NameTable signing_algorithm;       ///< MS-SMB2 2.2.3.1.7 SigningAlgorithms
extern const NameTable session_setup_flags;     ///< MS-SMB2 2.2.5 Flags (request)
extern const NameTable tree_connect_flags;      ///< MS-SMB2 2.2.9 Flags (3.1.1)
extern const NameTable create_response_flags;   ///< MS-SMB2 2.2.14 Flags
extern const NameTable read_flags;              ///< MS-SMB2 2.2.19 Flags
extern const NameTable read_response_flags;     ///< MS-SMB2 2.2.20 Flags (3.1.1)
extern const NameTable write_flags;             ///< MS-SMB2 2.2.21 Flags
extern const NameTable channel;                 ///< MS-SMB2 2.2.19/2.2.21 Channel
extern const NameTable ioctl_flags;             ///< MS-SMB2 2.2.31 Flags
extern const NameTable query_directory_flags;   ///< MS-SMB2 2.2.33 Flags
extern const NameTable query_info_flags;        ///< MS-SMB2 2.2.37 Flags
extern const NameTable lease_state;             ///< MS-SMB2 2.2.13.2.8 LeaseState
extern const NameTable lease_flags;             ///< MS-SMB2 2.2.13.2.10 Flags (RqLs v2)
extern const NameTable lease_break_flags;       ///< MS-SMB2 2.2.23.2 Flags
extern const NameTable durable_handle_flags;    ///< MS-SMB2 2.2.13.2.11 Flags (DH2Q)

}  // namespace smb::proto::names
