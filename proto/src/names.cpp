// Name tables for flag and enum fields; spellings follow the spec documents cited beside each table.
#include "smbproto/names.hpp"

namespace smb::proto::names {
namespace {
using K = NameTable::Kind;

// MS-SMB2 2.2.3
constexpr NameEntry kDialect[] = {{0x0202, "2.0.2"}, {0x0210, "2.1"}, {0x0300, "3.0"},
                                  {0x0302, "3.0.2"}, {0x0311, "3.1.1"}, {0x02FF, "2.???"}};
// MS-SMB2 2.2.1.2
constexpr NameEntry kCommand[] = {
    {0x00, "NEGOTIATE"}, {0x01, "SESSION_SETUP"}, {0x02, "LOGOFF"}, {0x03, "TREE_CONNECT"},
    {0x04, "TREE_DISCONNECT"}, {0x05, "CREATE"}, {0x06, "CLOSE"}, {0x07, "FLUSH"}, {0x08, "READ"},
    {0x09, "WRITE"}, {0x0A, "LOCK"}, {0x0B, "IOCTL"}, {0x0C, "CANCEL"}, {0x0D, "ECHO"},
    {0x0E, "QUERY_DIRECTORY"}, {0x0F, "CHANGE_NOTIFY"}, {0x10, "QUERY_INFO"}, {0x11, "SET_INFO"},
    {0x12, "OPLOCK_BREAK"}, {0x13, "SERVER_TO_CLIENT_NOTIFICATION"}};
// MS-SMB2 2.2.1.2
constexpr NameEntry kHeaderFlags[] = {
    {0x00000001, "SMB2_FLAGS_SERVER_TO_REDIR"}, {0x00000002, "SMB2_FLAGS_ASYNC_COMMAND"},
    {0x00000004, "SMB2_FLAGS_RELATED_OPERATIONS"}, {0x00000008, "SMB2_FLAGS_SIGNED"},
    {0x10000000, "SMB2_FLAGS_DFS_OPERATIONS"}, {0x20000000, "SMB2_FLAGS_REPLAY_OPERATION"}};
// MS-SMB2 2.2.3
constexpr NameEntry kSecurityMode[] = {{0x01, "SMB2_NEGOTIATE_SIGNING_ENABLED"},
                                       {0x02, "SMB2_NEGOTIATE_SIGNING_REQUIRED"}};
// MS-SMB2 2.2.3
constexpr NameEntry kGlobalCaps[] = {
    {0x01, "SMB2_GLOBAL_CAP_DFS"}, {0x02, "SMB2_GLOBAL_CAP_LEASING"}, {0x04, "SMB2_GLOBAL_CAP_LARGE_MTU"},
    {0x08, "SMB2_GLOBAL_CAP_MULTI_CHANNEL"}, {0x10, "SMB2_GLOBAL_CAP_PERSISTENT_HANDLES"},
    {0x20, "SMB2_GLOBAL_CAP_DIRECTORY_LEASING"}, {0x40, "SMB2_GLOBAL_CAP_ENCRYPTION"},
    {0x80, "SMB2_GLOBAL_CAP_NOTIFICATIONS"}};
// MS-SMB2 2.2.13.1.1 (file names; directory aliases follow, 2.2.13.1.2)
constexpr NameEntry kAccessMask[] = {
    {0x00000001, "FILE_READ_DATA"}, {0x00000002, "FILE_WRITE_DATA"}, {0x00000004, "FILE_APPEND_DATA"},
    {0x00000008, "FILE_READ_EA"}, {0x00000010, "FILE_WRITE_EA"}, {0x00000020, "FILE_EXECUTE"},
    {0x00000040, "FILE_DELETE_CHILD"}, {0x00000080, "FILE_READ_ATTRIBUTES"},
    {0x00000100, "FILE_WRITE_ATTRIBUTES"}, {0x00010000, "DELETE"}, {0x00020000, "READ_CONTROL"},
    {0x00040000, "WRITE_DAC"}, {0x00080000, "WRITE_OWNER"}, {0x00100000, "SYNCHRONIZE"},
    {0x01000000, "ACCESS_SYSTEM_SECURITY"}, {0x02000000, "MAXIMUM_ALLOWED"}, {0x10000000, "GENERIC_ALL"},
    {0x20000000, "GENERIC_EXECUTE"}, {0x40000000, "GENERIC_WRITE"}, {0x80000000, "GENERIC_READ"},
    // directory spellings (2.2.13.1.2): accepted on input; output uses the file names above
    {0x00000001, "FILE_LIST_DIRECTORY"}, {0x00000002, "FILE_ADD_FILE"}, {0x00000004, "FILE_ADD_SUBDIRECTORY"},
    {0x00000020, "FILE_TRAVERSE"}};
// MS-SMB2 2.2.13
constexpr NameEntry kShareAccess[] = {
    {0x1, "FILE_SHARE_READ"}, {0x2, "FILE_SHARE_WRITE"}, {0x4, "FILE_SHARE_DELETE"}};
constexpr NameEntry kCreateDisposition[] = {
    {0, "FILE_SUPERSEDE"}, {1, "FILE_OPEN"}, {2, "FILE_CREATE"},
    {3, "FILE_OPEN_IF"}, {4, "FILE_OVERWRITE"}, {5, "FILE_OVERWRITE_IF"}};
constexpr NameEntry kCreateOptions[] = {
    {0x00000001, "FILE_DIRECTORY_FILE"}, {0x00000002, "FILE_WRITE_THROUGH"}, {0x00000004, "FILE_SEQUENTIAL_ONLY"},
    {0x00000008, "FILE_NO_INTERMEDIATE_BUFFERING"}, {0x00000010, "FILE_SYNCHRONOUS_IO_ALERT"},
    {0x00000020, "FILE_SYNCHRONOUS_IO_NONALERT"}, {0x00000040, "FILE_NON_DIRECTORY_FILE"},
    {0x00000100, "FILE_COMPLETE_IF_OPLOCKED"}, {0x00000200, "FILE_NO_EA_KNOWLEDGE"},
    {0x00000400, "FILE_OPEN_REMOTE_INSTANCE"}, {0x00000800, "FILE_RANDOM_ACCESS"},
    {0x00001000, "FILE_DELETE_ON_CLOSE"}, {0x00002000, "FILE_OPEN_BY_FILE_ID"},
    {0x00004000, "FILE_OPEN_FOR_BACKUP_INTENT"}, {0x00008000, "FILE_NO_COMPRESSION"},
    {0x00010000, "FILE_OPEN_REQUIRING_OPLOCK"}, {0x00020000, "FILE_DISALLOW_EXCLUSIVE"},
    {0x00100000, "FILE_RESERVE_OPFILTER"}, {0x00200000, "FILE_OPEN_REPARSE_POINT"},
    {0x00400000, "FILE_OPEN_NO_RECALL"}, {0x00800000, "FILE_OPEN_FOR_FREE_SPACE_QUERY"}};
// MS-SMB2 2.2.14
constexpr NameEntry kCreateAction[] = {
    {0, "FILE_SUPERSEDED"}, {1, "FILE_OPENED"}, {2, "FILE_CREATED"}, {3, "FILE_OVERWRITTEN"}};
// MS-FSCC 2.6
constexpr NameEntry kFileAttributes[] = {
    {0x1, "FILE_ATTRIBUTE_READONLY"}, {0x2, "FILE_ATTRIBUTE_HIDDEN"}, {0x4, "FILE_ATTRIBUTE_SYSTEM"},
    {0x10, "FILE_ATTRIBUTE_DIRECTORY"}, {0x20, "FILE_ATTRIBUTE_ARCHIVE"}, {0x80, "FILE_ATTRIBUTE_NORMAL"},
    {0x100, "FILE_ATTRIBUTE_TEMPORARY"}, {0x200, "FILE_ATTRIBUTE_SPARSE_FILE"},
    {0x400, "FILE_ATTRIBUTE_REPARSE_POINT"}, {0x800, "FILE_ATTRIBUTE_COMPRESSED"},
    {0x1000, "FILE_ATTRIBUTE_OFFLINE"}, {0x2000, "FILE_ATTRIBUTE_NOT_CONTENT_INDEXED"},
    {0x4000, "FILE_ATTRIBUTE_ENCRYPTED"}};
// MS-SMB2 2.2.13
constexpr NameEntry kOplockLevel[] = {
    {0x00, "SMB2_OPLOCK_LEVEL_NONE"}, {0x01, "SMB2_OPLOCK_LEVEL_II"}, {0x08, "SMB2_OPLOCK_LEVEL_EXCLUSIVE"},
    {0x09, "SMB2_OPLOCK_LEVEL_BATCH"}, {0xFF, "SMB2_OPLOCK_LEVEL_LEASE"}};
constexpr NameEntry kImpersonation[] = {
    {0, "Anonymous"}, {1, "Identification"}, {2, "Impersonation"}, {3, "Delegate"}};
// MS-SMB2 2.2.26.1
constexpr NameEntry kLockFlags[] = {
    {0x01, "SMB2_LOCKFLAG_SHARED_LOCK"}, {0x02, "SMB2_LOCKFLAG_EXCLUSIVE_LOCK"},
    {0x04, "SMB2_LOCKFLAG_UNLOCK"}, {0x10, "SMB2_LOCKFLAG_FAIL_IMMEDIATELY"}};
// MS-SMB2 2.2.6
constexpr NameEntry kSessionFlags[] = {
    {0x1, "SMB2_SESSION_FLAG_IS_GUEST"}, {0x2, "SMB2_SESSION_FLAG_IS_NULL"},
    {0x4, "SMB2_SESSION_FLAG_ENCRYPT_DATA"}};
// MS-SMB2 2.2.10
constexpr NameEntry kShareType[] = {
    {0x01, "SMB2_SHARE_TYPE_DISK"}, {0x02, "SMB2_SHARE_TYPE_PIPE"}, {0x03, "SMB2_SHARE_TYPE_PRINT"}};
constexpr NameEntry kShareFlags[] = {
    {0x1, "SMB2_SHAREFLAG_DFS"}, {0x2, "SMB2_SHAREFLAG_DFS_ROOT"},
    {0x100, "SMB2_SHAREFLAG_RESTRICT_EXCLUSIVE_OPENS"}, {0x200, "SMB2_SHAREFLAG_FORCE_SHARED_DELETE"},
    {0x400, "SMB2_SHAREFLAG_ALLOW_NAMESPACE_CACHING"}, {0x800, "SMB2_SHAREFLAG_ACCESS_BASED_DIRECTORY_ENUM"},
    {0x1000, "SMB2_SHAREFLAG_FORCE_LEVELII_OPLOCK"}, {0x2000, "SMB2_SHAREFLAG_ENABLE_HASH_V1"},
    {0x4000, "SMB2_SHAREFLAG_ENABLE_HASH_V2"}, {0x8000, "SMB2_SHAREFLAG_ENCRYPT_DATA"},
    {0x10, "SMB2_SHAREFLAG_AUTO_CACHING"}, {0x20, "SMB2_SHAREFLAG_VDO_CACHING"},
    {0x30, "SMB2_SHAREFLAG_NO_CACHING"}};
constexpr NameEntry kShareCaps[] = {
    {0x08, "SMB2_SHARE_CAP_DFS"}, {0x10, "SMB2_SHARE_CAP_CONTINUOUS_AVAILABILITY"},
    {0x20, "SMB2_SHARE_CAP_SCALEOUT"}, {0x40, "SMB2_SHARE_CAP_CLUSTER"},
    {0x80, "SMB2_SHARE_CAP_ASYMMETRIC"}, {0x100, "SMB2_SHARE_CAP_REDIRECT_TO_OWNER"}};
// MS-SMB2 2.2.15
constexpr NameEntry kCloseFlags[] = {{0x1, "SMB2_CLOSE_FLAG_POSTQUERY_ATTRIB"}};
// MS-SMB2 2.2.37
constexpr NameEntry kInfoType[] = {{0x01, "SMB2_0_INFO_FILE"}, {0x02, "SMB2_0_INFO_FILESYSTEM"},
                                   {0x03, "SMB2_0_INFO_SECURITY"}, {0x04, "SMB2_0_INFO_QUOTA"}};
// MS-SMB2 2.2.31, MS-FSCC 2.3
constexpr NameEntry kCtlCode[] = {
    {0x00060194, "FSCTL_DFS_GET_REFERRALS"}, {0x0011C017, "FSCTL_PIPE_TRANSCEIVE"},
    {0x001401D4, "FSCTL_LMR_REQUEST_RESILIENCY"}, {0x001401FC, "FSCTL_QUERY_NETWORK_INTERFACE_INFO"},
    {0x00140204, "FSCTL_VALIDATE_NEGOTIATE_INFO"}, {0x00144064, "FSCTL_SRV_ENUMERATE_SNAPSHOTS"},
    {0x00140078, "FSCTL_SRV_REQUEST_RESUME_KEY"}, {0x001440F2, "FSCTL_SRV_COPYCHUNK"},
    {0x001480F2, "FSCTL_SRV_COPYCHUNK_WRITE"}, {0x00090000, "FSCTL_GET_OBJECT_ID"}, {0x000900C0, "FSCTL_CREATE_OR_GET_OBJECT_ID"}};
// MS-FSCC 2.4 / 2.5
constexpr NameEntry kFileInfoClass[] = {
    {1, "FileDirectoryInformation"}, {2, "FileFullDirectoryInformation"}, {3, "FileBothDirectoryInformation"},
    {4, "FileBasicInformation"}, {5, "FileStandardInformation"}, {6, "FileInternalInformation"},
    {7, "FileEaInformation"}, {8, "FileAccessInformation"}, {9, "FileNameInformation"},
    {10, "FileRenameInformation"}, {12, "FileNamesInformation"}, {13, "FileDispositionInformation"},
    {14, "FilePositionInformation"}, {15, "FileFullEaInformation"}, {16, "FileModeInformation"},
    {17, "FileAlignmentInformation"}, {18, "FileAllInformation"}, {19, "FileAllocationInformation"},
    {20, "FileEndOfFileInformation"}, {21, "FileAlternateNameInformation"}, {22, "FileStreamInformation"},
    {28, "FileCompressionInformation"}, {34, "FileNetworkOpenInformation"},
    {35, "FileAttributeTagInformation"}, {37, "FileIdBothDirectoryInformation"},
    {38, "FileIdFullDirectoryInformation"}, {64, "FileDispositionInformationEx"}};
// MS-FSCC 2.5
constexpr NameEntry kFsInfoClass[] = {
    {1, "FileFsVolumeInformation"}, {2, "FileFsLabelInformation"}, {3, "FileFsSizeInformation"},
    {4, "FileFsDeviceInformation"}, {5, "FileFsAttributeInformation"}, {6, "FileFsControlInformation"},
    {7, "FileFsFullSizeInformation"}, {8, "FileFsObjectIdInformation"}, {11, "FileFsSectorSizeInformation"}};
// MS-SMB2 2.2.3.1
constexpr NameEntry kNegotiateContextType[] = {
    {0x0001, "SMB2_PREAUTH_INTEGRITY_CAPABILITIES"}, {0x0002, "SMB2_ENCRYPTION_CAPABILITIES"},
    {0x0003, "SMB2_COMPRESSION_CAPABILITIES"}, {0x0005, "SMB2_NETNAME_NEGOTIATE_CONTEXT_ID"},
    {0x0006, "SMB2_TRANSPORT_CAPABILITIES"}, {0x0007, "SMB2_RDMA_TRANSFORM_CAPABILITIES"},
    {0x0008, "SMB2_SIGNING_CAPABILITIES"}, {0x0100, "SMB2_CONTEXTTYPE_RESERVED"}};
// MS-SMB2 2.2.3.1.1
constexpr NameEntry kHashAlgorithm[] = {{0x0001, "SHA-512"}};
// MS-SMB2 2.2.3.1.2
constexpr NameEntry kCipher[] = {{0x0001, "AES-128-CCM"}, {0x0002, "AES-128-GCM"},
                                 {0x0003, "AES-256-CCM"}, {0x0004, "AES-256-GCM"}};
// MS-SMB2 2.2.3.1.7
constexpr NameEntry kSigningAlgorithm[] = {{0x0000, "HMAC-SHA256"}, {0x0001, "AES-CMAC"}, {0x0002, "AES-GMAC"}};
// MS-SMB2 2.2.5
constexpr NameEntry kSessionSetupFlags[] = {{0x01, "SMB2_SESSION_FLAG_BINDING"}};
// MS-SMB2 2.2.9
constexpr NameEntry kTreeConnectFlags[] = {{0x0001, "SMB2_TREE_CONNECT_FLAG_CLUSTER_RECONNECT"},
                                           {0x0002, "SMB2_TREE_CONNECT_FLAG_REDIRECT_TO_OWNER"},
                                           {0x0004, "SMB2_TREE_CONNECT_FLAG_EXTENSION_PRESENT"}};
// MS-SMB2 2.2.14
constexpr NameEntry kCreateResponseFlags[] = {{0x01, "SMB2_CREATE_FLAG_REPARSEPOINT"}};
// MS-SMB2 2.2.19
constexpr NameEntry kReadFlags[] = {{0x01, "SMB2_READFLAG_READ_UNBUFFERED"}, {0x02, "SMB2_READFLAG_REQUEST_COMPRESSED"}};
// MS-SMB2 2.2.20
constexpr NameEntry kReadResponseFlags[] = {{0x01, "SMB2_READFLAG_RESPONSE_RDMA_TRANSFORM"}};
// MS-SMB2 2.2.21
constexpr NameEntry kWriteFlags[] = {{0x01, "SMB2_WRITEFLAG_WRITE_THROUGH"}, {0x02, "SMB2_WRITEFLAG_WRITE_UNBUFFERED"}};
// MS-SMB2 2.2.19
constexpr NameEntry kChannel[] = {{0, "SMB2_CHANNEL_NONE"}, {1, "SMB2_CHANNEL_RDMA_V1"},
                                  {2, "SMB2_CHANNEL_RDMA_V1_INVALIDATE"}, {3, "SMB2_CHANNEL_RDMA_TRANSFORM"}};
// MS-SMB2 2.2.31
constexpr NameEntry kIoctlFlags[] = {{0x00000001, "SMB2_0_IOCTL_IS_FSCTL"}};
// MS-SMB2 2.2.33
constexpr NameEntry kQueryDirectoryFlags[] = {{0x01, "SMB2_RESTART_SCANS"}, {0x02, "SMB2_RETURN_SINGLE_ENTRY"},
                                              {0x04, "SMB2_INDEX_SPECIFIED"}, {0x10, "SMB2_REOPEN"}};
// MS-SMB2 2.2.37
constexpr NameEntry kQueryInfoFlags[] = {{0x01, "SL_RESTART_SCAN"}, {0x02, "SL_RETURN_SINGLE_ENTRY"},
                                         {0x04, "SL_INDEX_SPECIFIED"}};
// MS-SMB2 2.2.13.2.8
constexpr NameEntry kLeaseState[] = {{0x01, "SMB2_LEASE_READ_CACHING"}, {0x02, "SMB2_LEASE_HANDLE_CACHING"},
                                     {0x04, "SMB2_LEASE_WRITE_CACHING"}};
// MS-SMB2 2.2.13.2.10
constexpr NameEntry kLeaseFlags[] = {{0x04, "SMB2_LEASE_FLAG_PARENT_LEASE_KEY_SET"}};
// MS-SMB2 2.2.23.2
constexpr NameEntry kLeaseBreakFlags[] = {{0x01, "SMB2_NOTIFY_BREAK_LEASE_FLAG_ACK_REQUIRED"}};
// MS-SMB2 2.2.13.2.11
constexpr NameEntry kDurableHandleFlags[] = {{0x02, "SMB2_DHANDLE_FLAG_PERSISTENT"}};

template <std::size_t N>
constexpr NameTable flags(const NameEntry (&e)[N]) { return {K::flags, std::span<const NameEntry>(e, N)}; }
template <std::size_t N>
constexpr NameTable values(const NameEntry (&e)[N]) { return {K::values, std::span<const NameEntry>(e, N)}; }
}  // namespace

const NameTable dialect = values(kDialect);
const NameTable command = values(kCommand);
const NameTable header_flags = flags(kHeaderFlags);
const NameTable security_mode = flags(kSecurityMode);
const NameTable global_capabilities = flags(kGlobalCaps);
const NameTable access_mask = flags(kAccessMask);
const NameTable share_access = flags(kShareAccess);
const NameTable create_disposition = values(kCreateDisposition);
const NameTable create_options = flags(kCreateOptions);
const NameTable create_action = values(kCreateAction);
const NameTable file_attributes = flags(kFileAttributes);
const NameTable oplock_level = values(kOplockLevel);
const NameTable impersonation_level = values(kImpersonation);
const NameTable lock_flags = flags(kLockFlags);
const NameTable session_flags = flags(kSessionFlags);
const NameTable share_type = values(kShareType);
const NameTable share_flags = flags(kShareFlags);
const NameTable share_capabilities = flags(kShareCaps);
const NameTable close_flags = flags(kCloseFlags);
const NameTable info_type = values(kInfoType);
const NameTable ctl_code = values(kCtlCode);
const NameTable file_information_class = values(kFileInfoClass);
const NameTable fs_information_class = values(kFsInfoClass);
const NameTable negotiate_context_type = values(kNegotiateContextType);
const NameTable hash_algorithm = values(kHashAlgorithm);
const NameTable cipher = values(kCipher);
const NameTable signing_algorithm = values(kSigningAlgorithm);
const NameTable session_setup_flags = flags(kSessionSetupFlags);
const NameTable tree_connect_flags = flags(kTreeConnectFlags);
const NameTable create_response_flags = flags(kCreateResponseFlags);
const NameTable read_flags = flags(kReadFlags);
const NameTable read_response_flags = flags(kReadResponseFlags);
const NameTable write_flags = flags(kWriteFlags);
const NameTable channel = values(kChannel);
const NameTable ioctl_flags = flags(kIoctlFlags);
const NameTable query_directory_flags = flags(kQueryDirectoryFlags);
const NameTable query_info_flags = flags(kQueryInfoFlags);
const NameTable lease_state = flags(kLeaseState);
const NameTable lease_flags = flags(kLeaseFlags);
const NameTable lease_break_flags = flags(kLeaseBreakFlags);
const NameTable durable_handle_flags = flags(kDurableHandleFlags);

}  // namespace smb::proto::names
