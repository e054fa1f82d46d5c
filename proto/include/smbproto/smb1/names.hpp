// Symbolic names of SMB1 flag and enum fields (MS-CIFS / MS-SMB spellings), used by the SMB1 field lists.
#pragma once

#include "smbproto/fields.hpp"

namespace smb::proto::smb1::names {

extern const NameTable command;               ///< MS-CIFS 2.2.2.1 command codes (SMB_COM_*)
extern const NameTable header_flags;          ///< MS-CIFS 2.2.3.1 Flags
extern const NameTable header_flags2;         ///< MS-CIFS 2.2.3.1 / MS-SMB 2.2.3.1 Flags2
extern const NameTable security_mode;         ///< MS-CIFS 2.2.4.52.2 SecurityMode
extern const NameTable capabilities;          ///< MS-CIFS 2.2.4.52.2 / MS-SMB 2.2.4.5.2 Capabilities
extern const NameTable session_action;        ///< MS-CIFS 2.2.4.53.2 Action
extern const NameTable tree_connect_flags;    ///< MS-CIFS 2.2.4.55.1 / MS-SMB 2.2.4.7.1 Flags
extern const NameTable optional_support;      ///< MS-CIFS 2.2.4.55.2 / MS-SMB 2.2.4.7.2 OptionalSupport
extern const NameTable nt_create_flags;       ///< MS-CIFS 2.2.4.64.1 / MS-SMB 2.2.4.9.1 Flags
extern const NameTable oplock_level;          ///< MS-CIFS 2.2.4.64.2 OpLockLevel
extern const NameTable create_action;         ///< MS-CIFS 2.2.4.64.2 CreateDisposition (the action taken)
extern const NameTable security_flags;        ///< MS-CIFS 2.2.4.64.1 SecurityFlags
extern const NameTable type_of_lock;          ///< MS-CIFS 2.2.4.32.1 TypeOfLock
extern const NameTable new_oplock_level;      ///< MS-CIFS 2.2.4.32.1 NewOpLockLevel
extern const NameTable write_mode;            ///< MS-CIFS 2.2.4.43.1 WriteMode
extern const NameTable smb_file_attributes;   ///< MS-CIFS 2.2.1.2.4 SMB_FILE_ATTRIBUTES (SearchAttributes)
extern const NameTable ext_file_attributes;   ///< MS-CIFS 2.2.1.2.3 SMB_EXT_FILE_ATTR
extern const NameTable trans2_subcommand;     ///< MS-CIFS 2.2.6 TRANS2_* codes
extern const NameTable find_flags;            ///< MS-CIFS 2.2.6.2.1 Flags (SMB_FIND_*)
extern const NameTable information_level;     ///< MS-CIFS 2.2.2.3 information levels (FIND/QUERY/SET/FS)
extern const NameTable resource_type;         ///< MS-CIFS 2.2.4.64.2 ResourceType

}  // namespace smb::proto::smb1::names
