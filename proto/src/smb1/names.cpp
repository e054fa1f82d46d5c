// Name tables for SMB1 flag and enum fields; spellings follow the MS-CIFS / MS-SMB sections cited beside each.
#include "smbproto/smb1/names.hpp"

namespace smb::proto::smb1::names {
namespace {
using K = NameTable::Kind;

// MS-CIFS 2.2.2.1
constexpr NameEntry kCommand[] = {
    {0x01, "SMB_COM_DELETE_DIRECTORY"}, {0x04, "SMB_COM_CLOSE"}, {0x05, "SMB_COM_FLUSH"},
    {0x06, "SMB_COM_DELETE"}, {0x0B, "SMB_COM_WRITE"}, {0x24, "SMB_COM_LOCKING_ANDX"},
    {0x25, "SMB_COM_TRANSACTION"}, {0x2B, "SMB_COM_ECHO"}, {0x2C, "SMB_COM_WRITE_AND_CLOSE"},
    {0x2E, "SMB_COM_READ_ANDX"}, {0x2F, "SMB_COM_WRITE_ANDX"}, {0x32, "SMB_COM_TRANSACTION2"},
    {0x71, "SMB_COM_TREE_DISCONNECT"}, {0x72, "SMB_COM_NEGOTIATE"}, {0x73, "SMB_COM_SESSION_SETUP_ANDX"},
    {0x74, "SMB_COM_LOGOFF_ANDX"}, {0x75, "SMB_COM_TREE_CONNECT_ANDX"}, {0xA0, "SMB_COM_NT_TRANSACT"},
    {0xA2, "SMB_COM_NT_CREATE_ANDX"}, {0xA4, "SMB_COM_NT_CANCEL"}, {0xFE, "SMB_COM_INVALID"},
    {0xFF, "SMB_COM_NO_ANDX_COMMAND"}};
// MS-CIFS 2.2.3.1
constexpr NameEntry kHeaderFlags[] = {
    {0x01, "SMB_FLAGS_LOCK_AND_READ_OK"}, {0x02, "SMB_FLAGS_BUF_AVAIL"}, {0x08, "SMB_FLAGS_CASE_INSENSITIVE"},
    {0x10, "SMB_FLAGS_CANONICALIZED_PATHS"}, {0x20, "SMB_FLAGS_OPLOCK"}, {0x40, "SMB_FLAGS_OPBATCH"},
    {0x80, "SMB_FLAGS_REPLY"}};
// MS-CIFS 2.2.3.1, MS-SMB 2.2.3.1
constexpr NameEntry kHeaderFlags2[] = {
    {0x0001, "SMB_FLAGS2_LONG_NAMES"}, {0x0002, "SMB_FLAGS2_EAS"},
    {0x0004, "SMB_FLAGS2_SMB_SECURITY_SIGNATURE"}, {0x0008, "SMB_FLAGS2_COMPRESSED"},
    {0x0010, "SMB_FLAGS2_SMB_SECURITY_SIGNATURE_REQUIRED"}, {0x0040, "SMB_FLAGS2_IS_LONG_NAME"},
    {0x0400, "SMB_FLAGS2_REPARSE_PATH"}, {0x0800, "SMB_FLAGS2_EXTENDED_SECURITY"}, {0x1000, "SMB_FLAGS2_DFS"},
    {0x2000, "SMB_FLAGS2_PAGING_IO"}, {0x4000, "SMB_FLAGS2_NT_STATUS"}, {0x8000, "SMB_FLAGS2_UNICODE"}};
// MS-CIFS 2.2.4.52.2
constexpr NameEntry kSecurityMode[] = {
    {0x01, "NEGOTIATE_USER_SECURITY"}, {0x02, "NEGOTIATE_ENCRYPT_PASSWORDS"},
    {0x04, "NEGOTIATE_SECURITY_SIGNATURES_ENABLED"}, {0x08, "NEGOTIATE_SECURITY_SIGNATURES_REQUIRED"}};
// MS-CIFS 2.2.4.52.2, MS-SMB 2.2.4.5.2
constexpr NameEntry kCapabilities[] = {
    {0x00000001, "CAP_RAW_MODE"}, {0x00000002, "CAP_MPX_MODE"}, {0x00000004, "CAP_UNICODE"},
    {0x00000008, "CAP_LARGE_FILES"}, {0x00000010, "CAP_NT_SMBS"}, {0x00000020, "CAP_RPC_REMOTE_APIS"},
    {0x00000040, "CAP_STATUS32"}, {0x00000080, "CAP_LEVEL_II_OPLOCKS"}, {0x00000100, "CAP_LOCK_AND_READ"},
    {0x00000200, "CAP_NT_FIND"}, {0x00001000, "CAP_DFS"}, {0x00002000, "CAP_INFOLEVEL_PASSTHRU"},
    {0x00004000, "CAP_LARGE_READX"}, {0x00008000, "CAP_LARGE_WRITEX"}, {0x00010000, "CAP_LWIO"},
    {0x00800000, "CAP_UNIX"}, {0x02000000, "CAP_COMPRESSED_DATA"}, {0x20000000, "CAP_DYNAMIC_REAUTH"},
    {0x40000000, "CAP_PERSISTENT_HANDLES"}, {0x80000000, "CAP_EXTENDED_SECURITY"}};
// MS-CIFS 2.2.4.53.2
constexpr NameEntry kSessionAction[] = {{0x0001, "SMB_SETUP_GUEST"}, {0x0002, "SMB_SETUP_USE_LANMAN_KEY"}};
// MS-CIFS 2.2.4.55.1, MS-SMB 2.2.4.7.1
constexpr NameEntry kTreeConnectFlags[] = {
    {0x0001, "TREE_CONNECT_ANDX_DISCONNECT_TID"}, {0x0004, "TREE_CONNECT_ANDX_EXTENDED_SIGNATURES"},
    {0x0008, "TREE_CONNECT_ANDX_EXTENDED_RESPONSE"}};
// MS-CIFS 2.2.4.55.2, MS-SMB 2.2.4.7.2
constexpr NameEntry kOptionalSupport[] = {
    {0x0001, "SMB_SUPPORT_SEARCH_BITS"}, {0x0002, "SMB_SHARE_IS_IN_DFS"}, {0x000C, "SMB_CSC_MASK"},
    {0x0020, "SMB_UNIQUE_FILE_NAME"}, {0x0040, "SMB_EXTENDED_SIGNATURES"}};
// MS-CIFS 2.2.4.64.1, MS-SMB 2.2.4.9.1
constexpr NameEntry kNtCreateFlags[] = {
    {0x00000002, "NT_CREATE_REQUEST_OPLOCK"}, {0x00000004, "NT_CREATE_REQUEST_OPBATCH"},
    {0x00000008, "NT_CREATE_OPEN_TARGET_DIR"}, {0x00000010, "NT_CREATE_REQUEST_EXTENDED_RESPONSE"}};
// MS-CIFS 2.2.4.64.2
constexpr NameEntry kOplockLevel[] = {
    {0x00, "NO_OPLOCK"}, {0x01, "EXCLUSIVE_OPLOCK"}, {0x02, "BATCH_OPLOCK"}, {0x03, "LEVEL_II_OPLOCK"}};
constexpr NameEntry kCreateAction[] = {
    {0, "FILE_SUPERSEDED"}, {1, "FILE_OPENED"}, {2, "FILE_CREATED"}, {3, "FILE_OVERWRITTEN"}};
constexpr NameEntry kSecurityFlags[] = {{0x01, "SMB_SECURITY_CONTEXT_TRACKING"}, {0x02, "SMB_SECURITY_EFFECTIVE_ONLY"}};
// MS-CIFS 2.2.4.32.1
constexpr NameEntry kTypeOfLock[] = {
    {0x01, "SHARED_LOCK"}, {0x02, "OPLOCK_RELEASE"}, {0x04, "CHANGE_LOCKTYPE"},
    {0x08, "CANCEL_LOCK"}, {0x10, "LARGE_FILES"}};
constexpr NameEntry kNewOplockLevel[] = {{0x00, "OPLOCK_LEVEL_NONE"}, {0x01, "OPLOCK_LEVEL_II"}};
// MS-CIFS 2.2.4.43.1
constexpr NameEntry kWriteMode[] = {
    {0x0001, "WritethroughMode"}, {0x0002, "ReadBytesAvailable"}, {0x0004, "RAW_MODE"}, {0x0008, "MSG_START"}};
// MS-CIFS 2.2.1.2.4
constexpr NameEntry kSmbFileAttributes[] = {
    {0x0001, "SMB_FILE_ATTRIBUTE_READONLY"}, {0x0002, "SMB_FILE_ATTRIBUTE_HIDDEN"},
    {0x0004, "SMB_FILE_ATTRIBUTE_SYSTEM"}, {0x0008, "SMB_FILE_ATTRIBUTE_VOLUME"},
    {0x0010, "SMB_FILE_ATTRIBUTE_DIRECTORY"}, {0x0020, "SMB_FILE_ATTRIBUTE_ARCHIVE"},
    {0x0100, "SMB_SEARCH_ATTRIBUTE_READONLY"}, {0x0200, "SMB_SEARCH_ATTRIBUTE_HIDDEN"},
    {0x0400, "SMB_SEARCH_ATTRIBUTE_SYSTEM"}, {0x1000, "SMB_SEARCH_ATTRIBUTE_DIRECTORY"},
    {0x2000, "SMB_SEARCH_ATTRIBUTE_ARCHIVE"}};
// MS-CIFS 2.2.1.2.3
constexpr NameEntry kExtFileAttributes[] = {
    {0x00000001, "ATTR_READONLY"}, {0x00000002, "ATTR_HIDDEN"}, {0x00000004, "ATTR_SYSTEM"},
    {0x00000010, "ATTR_DIRECTORY"}, {0x00000020, "ATTR_ARCHIVE"}, {0x00000080, "ATTR_NORMAL"},
    {0x00000100, "ATTR_TEMPORARY"}, {0x00000800, "ATTR_COMPRESSED"}, {0x01000000, "POSIX_SEMANTICS"},
    {0x02000000, "BACKUP_SEMANTICS"}, {0x04000000, "DELETE_ON_CLOSE"}, {0x08000000, "SEQUENTIAL_SCAN"},
    {0x10000000, "RANDOM_ACCESS"}, {0x20000000, "NO_BUFFERING"}, {0x80000000, "WRITE_THROUGH"}};
// MS-CIFS 2.2.6
constexpr NameEntry kTrans2Subcommand[] = {
    {0x0000, "TRANS2_OPEN2"}, {0x0001, "TRANS2_FIND_FIRST2"}, {0x0002, "TRANS2_FIND_NEXT2"},
    {0x0003, "TRANS2_QUERY_FS_INFORMATION"}, {0x0004, "TRANS2_SET_FS_INFORMATION"},
    {0x0005, "TRANS2_QUERY_PATH_INFORMATION"}, {0x0006, "TRANS2_SET_PATH_INFORMATION"},
    {0x0007, "TRANS2_QUERY_FILE_INFORMATION"}, {0x0008, "TRANS2_SET_FILE_INFORMATION"},
    {0x0009, "TRANS2_FSCTL"}, {0x000A, "TRANS2_IOCTL2"}, {0x000B, "TRANS2_FIND_NOTIFY_FIRST"},
    {0x000C, "TRANS2_FIND_NOTIFY_NEXT"}, {0x000D, "TRANS2_CREATE_DIRECTORY"},
    {0x000E, "TRANS2_SESSION_SETUP"}, {0x0010, "TRANS2_GET_DFS_REFERRAL"}, {0x0011, "TRANS2_REPORT_DFS_INCONSISTENCY"}};
// MS-CIFS 2.2.6.2.1
constexpr NameEntry kFindFlags[] = {
    {0x0001, "SMB_FIND_CLOSE_AFTER_REQUEST"}, {0x0002, "SMB_FIND_CLOSE_AT_EOS"},
    {0x0004, "SMB_FIND_RETURN_RESUME_KEYS"}, {0x0008, "SMB_FIND_CONTINUE_FROM_LAST"},
    {0x0010, "SMB_FIND_WITH_BACKUP_INTENT"}};
// MS-CIFS 2.2.2.3.1-2.2.2.3.4 (levels overlap between FIND, QUERY, SET and QUERY_FS; the first
// spelling of a value is printed, every spelling is accepted on input).
constexpr NameEntry kInformationLevel[] = {
    {0x0001, "SMB_INFO_STANDARD"}, {0x0002, "SMB_INFO_QUERY_EA_SIZE"}, {0x0003, "SMB_INFO_QUERY_EAS_FROM_LIST"},
    {0x0101, "SMB_FIND_FILE_DIRECTORY_INFO"}, {0x0102, "SMB_FIND_FILE_FULL_DIRECTORY_INFO"},
    {0x0103, "SMB_FIND_FILE_NAMES_INFO"}, {0x0104, "SMB_FIND_FILE_BOTH_DIRECTORY_INFO"},
    {0x0105, "SMB_FIND_FILE_ID_BOTH_DIRECTORY_INFO"},
    {0x0101, "SMB_QUERY_FILE_BASIC_INFO"}, {0x0102, "SMB_QUERY_FILE_STANDARD_INFO"},
    {0x0103, "SMB_QUERY_FILE_EA_INFO"}, {0x0104, "SMB_QUERY_FILE_NAME_INFO"},
    {0x0107, "SMB_QUERY_FILE_ALL_INFO"}, {0x0108, "SMB_QUERY_FILE_ALT_NAME_INFO"},
    {0x0109, "SMB_QUERY_FILE_STREAM_INFO"}, {0x010B, "SMB_QUERY_FILE_COMPRESSION_INFO"},
    {0x0101, "SMB_SET_FILE_BASIC_INFO"}, {0x0102, "SMB_SET_FILE_DISPOSITION_INFO"},
    {0x0103, "SMB_SET_FILE_ALLOCATION_INFO"}, {0x0104, "SMB_SET_FILE_END_OF_FILE_INFO"},
    {0x0001, "SMB_INFO_ALLOCATION"}, {0x0002, "SMB_INFO_VOLUME"}, {0x0102, "SMB_QUERY_FS_VOLUME_INFO"},
    {0x0103, "SMB_QUERY_FS_SIZE_INFO"}, {0x0104, "SMB_QUERY_FS_DEVICE_INFO"},
    {0x0105, "SMB_QUERY_FS_ATTRIBUTE_INFO"}};
// MS-CIFS 2.2.4.64.2
constexpr NameEntry kResourceType[] = {
    {0x0000, "FileTypeDisk"}, {0x0001, "FileTypeByteModePipe"}, {0x0002, "FileTypeMessageModePipe"},
    {0x0003, "FileTypePrinter"}, {0xFFFF, "FileTypeUnknown"}};

}  // namespace

const NameTable command{K::values, kCommand};
const NameTable header_flags{K::flags, kHeaderFlags};
const NameTable header_flags2{K::flags, kHeaderFlags2};
const NameTable security_mode{K::flags, kSecurityMode};
const NameTable capabilities{K::flags, kCapabilities};
const NameTable session_action{K::flags, kSessionAction};
const NameTable tree_connect_flags{K::flags, kTreeConnectFlags};
const NameTable optional_support{K::flags, kOptionalSupport};
const NameTable nt_create_flags{K::flags, kNtCreateFlags};
const NameTable oplock_level{K::values, kOplockLevel};
const NameTable create_action{K::values, kCreateAction};
const NameTable security_flags{K::flags, kSecurityFlags};
const NameTable type_of_lock{K::flags, kTypeOfLock};
const NameTable new_oplock_level{K::values, kNewOplockLevel};
const NameTable write_mode{K::flags, kWriteMode};
const NameTable smb_file_attributes{K::flags, kSmbFileAttributes};
const NameTable ext_file_attributes{K::flags, kExtFileAttributes};
const NameTable trans2_subcommand{K::values, kTrans2Subcommand};
const NameTable find_flags{K::flags, kFindFlags};
const NameTable information_level{K::values, kInformationLevel};
const NameTable resource_type{K::values, kResourceType};

}  // namespace smb::proto::smb1::names
