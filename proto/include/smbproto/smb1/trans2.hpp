// TRANS2 subcommands used to list, stat and change files (MS-CIFS 2.2.6) and their information levels (2.2.8).
//
// A subcommand's Trans2_Parameters are typed here; its Trans2_Data stays bytes in the subcommand
// struct and is (de)coded with the information-level structs below, chosen by InformationLevel
// (levels >= 0x03E8 are pass-through: MS-FSCC class = level - 1000, see fscc.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "smbproto/fields.hpp"
#include "smbproto/result.hpp"
#include "smbproto/smb1/header.hpp"
#include "smbproto/smb1/names.hpp"
#include "smbproto/smb1/transaction2.hpp"
#include "smbproto/wire.hpp"

namespace smb::proto::smb1 {

// MS-CIFS 2.2.6 subcommand codes (Setup[0])
inline constexpr std::uint16_t TRANS2_FIND_FIRST2 = 0x0001;
inline constexpr std::uint16_t TRANS2_FIND_NEXT2 = 0x0002;
inline constexpr std::uint16_t TRANS2_QUERY_FS_INFORMATION = 0x0003;
inline constexpr std::uint16_t TRANS2_QUERY_PATH_INFORMATION = 0x0005;
inline constexpr std::uint16_t TRANS2_SET_PATH_INFORMATION = 0x0006;
inline constexpr std::uint16_t TRANS2_QUERY_FILE_INFORMATION = 0x0007;
inline constexpr std::uint16_t TRANS2_SET_FILE_INFORMATION = 0x0008;
// MS-CIFS 2.2.2.3 information levels
inline constexpr std::uint16_t SMB_FIND_FILE_BOTH_DIRECTORY_INFO = 0x0104;
inline constexpr std::uint16_t SMB_FIND_FILE_ID_BOTH_DIRECTORY_INFO = 0x0105;  ///< MS-SMB 2.2.8.1.1
inline constexpr std::uint16_t SMB_QUERY_FILE_BASIC_INFO = 0x0101;
inline constexpr std::uint16_t SMB_QUERY_FILE_STANDARD_INFO = 0x0102;
inline constexpr std::uint16_t SMB_QUERY_FILE_ALL_INFO = 0x0107;
inline constexpr std::uint16_t SMB_SET_FILE_BASIC_INFO = 0x0101;
inline constexpr std::uint16_t SMB_SET_FILE_DISPOSITION_INFO = 0x0102;
inline constexpr std::uint16_t SMB_SET_FILE_ALLOCATION_INFO = 0x0103;
inline constexpr std::uint16_t SMB_SET_FILE_END_OF_FILE_INFO = 0x0104;
inline constexpr std::uint16_t SMB_INFO_ALLOCATION = 0x0001;
inline constexpr std::uint16_t SMB_QUERY_FS_VOLUME_INFO = 0x0102;
inline constexpr std::uint16_t SMB_QUERY_FS_SIZE_INFO = 0x0103;
inline constexpr std::uint16_t SMB_QUERY_FS_DEVICE_INFO = 0x0104;
inline constexpr std::uint16_t SMB_QUERY_FS_ATTRIBUTE_INFO = 0x0105;
/** MS-SMB 2.2.2.3.5: levels from 0x03E8 pass an MS-FSCC class through (level - 1000). */
inline constexpr std::uint16_t SMB_INFO_PASSTHROUGH = 0x03E8;
inline constexpr bool is_pass_through(std::uint16_t level) { return level >= SMB_INFO_PASSTHROUGH; }
inline constexpr std::uint16_t pass_through_level(std::uint8_t fscc_class) { return SMB_INFO_PASSTHROUGH + fscc_class; }

// ---------------------------------------------------------------- subcommand parameters

/** MS-CIFS 2.2.6.2.1 TRANS2_FIND_FIRST2 Request parameters (+ data for SMB_INFO_QUERY_EAS_FROM_LIST). */
struct Trans2FindFirst2Request {
  std::uint16_t search_attributes = 0;   ///< names::smb_file_attributes
  std::uint16_t search_count = 0;
  std::uint16_t flags = 0;               ///< names::find_flags
  std::uint16_t information_level = SMB_FIND_FILE_BOTH_DIRECTORY_INFO;  ///< names::information_level
  std::uint32_t search_storage_type = 0;
  std::string file_name;
  wire::Bytes data;                      ///< GetExtendedAttributeList
  bool operator==(const Trans2FindFirst2Request&) const = default;
};
/** MS-CIFS 2.2.6.2.2 TRANS2_FIND_FIRST2 Response; `data` holds the entries (decode_find_entries). */
struct Trans2FindFirst2Response {
  std::uint16_t sid = 0;
  std::uint16_t search_count = 0;
  std::uint16_t end_of_search = 0;
  std::uint16_t ea_error_offset = 0;
  std::uint16_t last_name_offset = 0;
  wire::Bytes data;
  bool operator==(const Trans2FindFirst2Response&) const = default;
};
/** MS-CIFS 2.2.6.3.1 TRANS2_FIND_NEXT2 Request parameters. */
struct Trans2FindNext2Request {
  std::uint16_t sid = 0;
  std::uint16_t search_count = 0;
  std::uint16_t information_level = SMB_FIND_FILE_BOTH_DIRECTORY_INFO;
  std::uint32_t resume_key = 0;
  std::uint16_t flags = 0;               ///< names::find_flags
  std::string file_name;
  wire::Bytes data;
  bool operator==(const Trans2FindNext2Request&) const = default;
};
/** MS-CIFS 2.2.6.3.2 TRANS2_FIND_NEXT2 Response. */
struct Trans2FindNext2Response {
  std::uint16_t search_count = 0;
  std::uint16_t end_of_search = 0;
  std::uint16_t ea_error_offset = 0;
  std::uint16_t last_name_offset = 0;
  wire::Bytes data;
  bool operator==(const Trans2FindNext2Response&) const = default;
};
/** MS-CIFS 2.2.6.4.1 TRANS2_QUERY_FS_INFORMATION Request parameters. */
struct Trans2QueryFsInformationRequest {
  std::uint16_t information_level = SMB_QUERY_FS_SIZE_INFO;
  bool operator==(const Trans2QueryFsInformationRequest&) const = default;
};
/** MS-CIFS 2.2.6.4.2 Response: no parameters; `data` is the information level structure. */
struct Trans2QueryFsInformationResponse {
  wire::Bytes data;
  bool operator==(const Trans2QueryFsInformationResponse&) const = default;
};
/** MS-CIFS 2.2.6.6.1 TRANS2_QUERY_PATH_INFORMATION Request parameters. */
struct Trans2QueryPathInformationRequest {
  std::uint16_t information_level = SMB_QUERY_FILE_BASIC_INFO;
  std::uint32_t reserved = 0;
  std::string file_name;
  wire::Bytes data;                      ///< GetExtendedAttributeList (SMB_INFO_QUERY_EAS_FROM_LIST)
  bool operator==(const Trans2QueryPathInformationRequest&) const = default;
};
/** MS-CIFS 2.2.6.8.1 TRANS2_QUERY_FILE_INFORMATION Request parameters. */
struct Trans2QueryFileInformationRequest {
  std::uint16_t fid = 0;
  std::uint16_t information_level = SMB_QUERY_FILE_BASIC_INFO;
  wire::Bytes data;
  bool operator==(const Trans2QueryFileInformationRequest&) const = default;
};
/** MS-CIFS 2.2.6.6.2 / 2.2.6.8.2 QUERY_PATH/QUERY_FILE_INFORMATION Response (same shape). */
struct Trans2QueryInformationResponse {
  std::uint16_t ea_error_offset = 0;
  wire::Bytes data;
  bool operator==(const Trans2QueryInformationResponse&) const = default;
};
/** MS-CIFS 2.2.6.7.1 TRANS2_SET_PATH_INFORMATION Request. */
struct Trans2SetPathInformationRequest {
  std::uint16_t information_level = SMB_SET_FILE_BASIC_INFO;
  std::uint32_t reserved = 0;
  std::string file_name;
  wire::Bytes data;
  bool operator==(const Trans2SetPathInformationRequest&) const = default;
};
/** MS-CIFS 2.2.6.9.1 TRANS2_SET_FILE_INFORMATION Request. */
struct Trans2SetFileInformationRequest {
  std::uint16_t fid = 0;
  std::uint16_t information_level = SMB_SET_FILE_DISPOSITION_INFO;
  std::uint16_t reserved = 0;
  wire::Bytes data;
  bool operator==(const Trans2SetFileInformationRequest&) const = default;
};
/** MS-CIFS 2.2.6.7.2 / 2.2.6.9.2 SET_PATH/SET_FILE_INFORMATION Response (same shape). */
struct Trans2SetInformationResponse {
  std::uint16_t ea_error_offset = 0;
  bool operator==(const Trans2SetInformationResponse&) const = default;
};

/** Setup[0] of a request with exactly one setup word, or nullopt. */
std::optional<std::uint16_t> trans2_subcommand(const Transaction2Request& t);

/**
 * Subcommand -> whole Transaction2Request (Setup = {code}, totals = sizes, MaxParameterCount =
 * the response's parameter size, MaxDataCount as given) and Transaction2Response (no setup).
 */
Transaction2Request to_transaction2(const Trans2FindFirst2Request& m, const Context& c = {}, std::uint16_t max_data_count = 0xFFFF);
Transaction2Request to_transaction2(const Trans2FindNext2Request& m, const Context& c = {}, std::uint16_t max_data_count = 0xFFFF);
Transaction2Request to_transaction2(const Trans2QueryFsInformationRequest& m, const Context& c = {}, std::uint16_t max_data_count = 0xFFFF);
Transaction2Request to_transaction2(const Trans2QueryPathInformationRequest& m, const Context& c = {}, std::uint16_t max_data_count = 0xFFFF);
Transaction2Request to_transaction2(const Trans2QueryFileInformationRequest& m, const Context& c = {}, std::uint16_t max_data_count = 0xFFFF);
Transaction2Request to_transaction2(const Trans2SetPathInformationRequest& m, const Context& c = {}, std::uint16_t max_data_count = 0xFFFF);
Transaction2Request to_transaction2(const Trans2SetFileInformationRequest& m, const Context& c = {}, std::uint16_t max_data_count = 0xFFFF);
Transaction2Response to_transaction2(const Trans2FindFirst2Response& m, const Context& c = {});
Transaction2Response to_transaction2(const Trans2FindNext2Response& m, const Context& c = {});
Transaction2Response to_transaction2(const Trans2QueryFsInformationResponse& m, const Context& c = {});
Transaction2Response to_transaction2(const Trans2QueryInformationResponse& m, const Context& c = {});
Transaction2Response to_transaction2(const Trans2SetInformationResponse& m, const Context& c = {});

/**
 * Transaction2 -> subcommand. Errors: errc::bad_value (request Setup is not exactly {the
 * subcommand's code}), errc::unsupported (a partial transaction: totals larger than the blocks
 * or a nonzero displacement, i.e. secondary messages needed), errc::truncated (parameters
 * shorter than the subcommand's fixed part), errc::bad_string.
 */
Result<void> from_transaction2(const Transaction2Request& t, Trans2FindFirst2Request& out, const Context& c = {});
Result<void> from_transaction2(const Transaction2Request& t, Trans2FindNext2Request& out, const Context& c = {});
Result<void> from_transaction2(const Transaction2Request& t, Trans2QueryFsInformationRequest& out, const Context& c = {});
Result<void> from_transaction2(const Transaction2Request& t, Trans2QueryPathInformationRequest& out, const Context& c = {});
Result<void> from_transaction2(const Transaction2Request& t, Trans2QueryFileInformationRequest& out, const Context& c = {});
Result<void> from_transaction2(const Transaction2Request& t, Trans2SetPathInformationRequest& out, const Context& c = {});
Result<void> from_transaction2(const Transaction2Request& t, Trans2SetFileInformationRequest& out, const Context& c = {});
Result<void> from_transaction2(const Transaction2Response& t, Trans2FindFirst2Response& out, const Context& c = {});
Result<void> from_transaction2(const Transaction2Response& t, Trans2FindNext2Response& out, const Context& c = {});
Result<void> from_transaction2(const Transaction2Response& t, Trans2QueryFsInformationResponse& out, const Context& c = {});
Result<void> from_transaction2(const Transaction2Response& t, Trans2QueryInformationResponse& out, const Context& c = {});
Result<void> from_transaction2(const Transaction2Response& t, Trans2SetInformationResponse& out, const Context& c = {});

// ---------------------------------------------------------------- information levels (Trans2_Data)

/**
 * MS-CIFS 2.2.8.1.7 SMB_FIND_FILE_BOTH_DIRECTORY_INFO (94 bytes + FileName) and MS-SMB 2.2.8.1.1
 * SMB_FIND_FILE_ID_BOTH_DIRECTORY_INFO (adds Reserved2 (2) and FileId (8) before FileName).
 * NextEntryOffset, FileNameLength and ShortNameLength are derived; ShortName is UTF-16 in 24
 * bytes; FileName follows Flags2 and carries no terminator when Unicode.
 */
struct SmbFindFileBothDirectoryInfo {
  std::uint32_t file_index = 0;
  std::uint64_t creation_time = 0;
  std::uint64_t last_access_time = 0;
  std::uint64_t last_write_time = 0;
  std::uint64_t last_change_time = 0;
  std::uint64_t end_of_file = 0;
  std::uint64_t allocation_size = 0;
  std::uint32_t ext_file_attributes = 0;  ///< names::ext_file_attributes
  std::uint32_t ea_size = 0;
  std::uint8_t reserved = 0;
  std::string short_name;
  std::uint16_t reserved2 = 0;             ///< ID level only
  std::uint64_t file_id = 0;               ///< ID level only
  std::string file_name;
  bool operator==(const SmbFindFileBothDirectoryInfo&) const = default;
};

/** MS-CIFS 2.2.8.3.6 SMB_QUERY_FILE_BASIC_INFO (40 bytes). */
struct SmbQueryFileBasicInfo {
  std::uint64_t creation_time = 0;
  std::uint64_t last_access_time = 0;
  std::uint64_t last_write_time = 0;
  std::uint64_t last_change_time = 0;
  std::uint32_t ext_file_attributes = 0;
  std::uint32_t reserved = 0;
  bool operator==(const SmbQueryFileBasicInfo&) const = default;
};
/** MS-CIFS 2.2.8.3.7 SMB_QUERY_FILE_STANDARD_INFO (22 bytes). */
struct SmbQueryFileStandardInfo {
  std::uint64_t allocation_size = 0;
  std::uint64_t end_of_file = 0;
  std::uint32_t number_of_links = 0;
  std::uint8_t delete_pending = 0;
  std::uint8_t directory = 0;
  bool operator==(const SmbQueryFileStandardInfo&) const = default;
};
/** MS-CIFS 2.2.8.3.10 SMB_QUERY_FILE_ALL_INFO (72 bytes + FileName; FileNameLength derived). */
struct SmbQueryFileAllInfo {
  std::uint64_t creation_time = 0;
  std::uint64_t last_access_time = 0;
  std::uint64_t last_write_time = 0;
  std::uint64_t last_change_time = 0;
  std::uint32_t ext_file_attributes = 0;
  std::uint32_t reserved1 = 0;
  std::uint64_t allocation_size = 0;
  std::uint64_t end_of_file = 0;
  std::uint32_t number_of_links = 0;
  std::uint8_t delete_pending = 0;
  std::uint8_t directory = 0;
  std::uint16_t reserved2 = 0;
  std::uint32_t ea_size = 0;
  std::string file_name;
  bool operator==(const SmbQueryFileAllInfo&) const = default;
};
/** MS-CIFS 2.2.8.4.1 SMB_SET_FILE_BASIC_INFO (40 bytes). */
struct SmbSetFileBasicInfo {
  std::uint64_t creation_time = 0;
  std::uint64_t last_access_time = 0;
  std::uint64_t last_write_time = 0;
  std::uint64_t change_time = 0;
  std::uint32_t ext_file_attributes = 0;
  std::uint32_t reserved = 0;
  bool operator==(const SmbSetFileBasicInfo&) const = default;
};
/** MS-CIFS 2.2.8.4.2 SMB_SET_FILE_DISPOSITION_INFO (1 byte). */
struct SmbSetFileDispositionInfo {
  std::uint8_t delete_pending = 0;
  bool operator==(const SmbSetFileDispositionInfo&) const = default;
};
/** MS-CIFS 2.2.8.4.3 SMB_SET_FILE_ALLOCATION_INFO (8 bytes). */
struct SmbSetFileAllocationInfo {
  std::uint64_t allocation_size = 0;
  bool operator==(const SmbSetFileAllocationInfo&) const = default;
};
/** MS-CIFS 2.2.8.4.4 SMB_SET_FILE_END_OF_FILE_INFO (8 bytes). */
struct SmbSetFileEndOfFileInfo {
  std::uint64_t end_of_file = 0;
  bool operator==(const SmbSetFileEndOfFileInfo&) const = default;
};
/** MS-CIFS 2.2.8.2.1 SMB_INFO_ALLOCATION (18 bytes). */
struct SmbInfoAllocation {
  std::uint32_t id_file_system = 0;
  std::uint32_t c_sector_unit = 0;
  std::uint32_t c_unit = 0;
  std::uint32_t c_unit_available = 0;
  std::uint16_t cb_sector = 0;
  bool operator==(const SmbInfoAllocation&) const = default;
};
/** MS-CIFS 2.2.8.2.3 SMB_QUERY_FS_VOLUME_INFO (18 bytes + VolumeLabel, UTF-16; VolumeLabelSize derived). */
struct SmbQueryFsVolumeInfo {
  std::uint64_t volume_creation_time = 0;
  std::uint32_t serial_number = 0;
  std::uint16_t reserved = 0;
  std::string volume_label;
  bool operator==(const SmbQueryFsVolumeInfo&) const = default;
};
/** MS-CIFS 2.2.8.2.4 SMB_QUERY_FS_SIZE_INFO (24 bytes). */
struct SmbQueryFsSizeInfo {
  std::uint64_t total_allocation_units = 0;
  std::uint64_t total_free_allocation_units = 0;
  std::uint32_t sectors_per_allocation_unit = 0;
  std::uint32_t bytes_per_sector = 0;
  bool operator==(const SmbQueryFsSizeInfo&) const = default;
};
/** MS-CIFS 2.2.8.2.5 SMB_QUERY_FS_DEVICE_INFO (8 bytes). */
struct SmbQueryFsDeviceInfo {
  std::uint32_t device_type = 0;
  std::uint32_t device_characteristics = 0;
  bool operator==(const SmbQueryFsDeviceInfo&) const = default;
};
/** MS-CIFS 2.2.8.2.6 SMB_QUERY_FS_ATTRIBUTE_INFO (12 bytes + FileSystemName, UTF-16; length derived). */
struct SmbQueryFsAttributeInfo {
  std::uint32_t file_system_attributes = 0;
  std::uint32_t max_file_name_length_in_bytes = 0;
  std::string file_system_name;
  bool operator==(const SmbQueryFsAttributeInfo&) const = default;
};

/**
 * Info-level codecs over a Trans2_Data buffer (the reader/writer base is the data start).
 * Decoders ignore trailing bytes. Errors: errc::truncated (fixed part missing), errc::bad_length
 * (a name length past the buffer), errc::bad_string.
 */
void encode(wire::Writer& w, const SmbQueryFileBasicInfo& m, const Context& c = {});
void encode(wire::Writer& w, const SmbQueryFileStandardInfo& m, const Context& c = {});
void encode(wire::Writer& w, const SmbQueryFileAllInfo& m, const Context& c = {});
void encode(wire::Writer& w, const SmbSetFileBasicInfo& m, const Context& c = {});
void encode(wire::Writer& w, const SmbSetFileDispositionInfo& m, const Context& c = {});
void encode(wire::Writer& w, const SmbSetFileAllocationInfo& m, const Context& c = {});
void encode(wire::Writer& w, const SmbSetFileEndOfFileInfo& m, const Context& c = {});
void encode(wire::Writer& w, const SmbInfoAllocation& m, const Context& c = {});
void encode(wire::Writer& w, const SmbQueryFsVolumeInfo& m, const Context& c = {});
void encode(wire::Writer& w, const SmbQueryFsSizeInfo& m, const Context& c = {});
void encode(wire::Writer& w, const SmbQueryFsDeviceInfo& m, const Context& c = {});
void encode(wire::Writer& w, const SmbQueryFsAttributeInfo& m, const Context& c = {});
Result<void> decode(wire::Reader& r, SmbQueryFileBasicInfo& out, const Context& c = {});
Result<void> decode(wire::Reader& r, SmbQueryFileStandardInfo& out, const Context& c = {});
Result<void> decode(wire::Reader& r, SmbQueryFileAllInfo& out, const Context& c = {});
Result<void> decode(wire::Reader& r, SmbSetFileBasicInfo& out, const Context& c = {});
Result<void> decode(wire::Reader& r, SmbSetFileDispositionInfo& out, const Context& c = {});
Result<void> decode(wire::Reader& r, SmbSetFileAllocationInfo& out, const Context& c = {});
Result<void> decode(wire::Reader& r, SmbSetFileEndOfFileInfo& out, const Context& c = {});
Result<void> decode(wire::Reader& r, SmbInfoAllocation& out, const Context& c = {});
Result<void> decode(wire::Reader& r, SmbQueryFsVolumeInfo& out, const Context& c = {});
Result<void> decode(wire::Reader& r, SmbQueryFsSizeInfo& out, const Context& c = {});
Result<void> decode(wire::Reader& r, SmbQueryFsDeviceInfo& out, const Context& c = {});
Result<void> decode(wire::Reader& r, SmbQueryFsAttributeInfo& out, const Context& c = {});

/**
 * FIND entries of `level` (SMB_FIND_FILE_BOTH_DIRECTORY_INFO or the ID form), each aligned to 8
 * bytes and chained by NextEntryOffset (0 on the last).
 * Errors (decode): errc::unsupported (another level), errc::truncated, errc::bad_offset
 * (NextEntryOffset inside the entry's fixed part or past the buffer), errc::bad_length
 * (FileNameLength or ShortNameLength past the entry), errc::bad_string.
 */
wire::Bytes encode_find_entries(const std::vector<SmbFindFileBothDirectoryInfo>& entries, std::uint16_t level,
                                const Context& c = {});
Result<std::vector<SmbFindFileBothDirectoryInfo>> decode_find_entries(wire::ByteView data, std::uint16_t level,
                                                                     const Context& c = {});

// ---------------------------------------------------------------- field lists

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, Trans2FindFirst2Request>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("search_attributes", &names::smb_file_attributes), m.search_attributes);
  v(field("search_count"), m.search_count);
  v(field("flags", &names::find_flags), m.flags);
  v(field("information_level", &names::information_level), m.information_level);
  v(field("search_storage_type"), m.search_storage_type);
  v(field("file_name"), m.file_name);
  v(field("data"), m.data);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, Trans2FindFirst2Response>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("sid"), m.sid);
  v(field("search_count"), m.search_count);
  v(field("end_of_search"), m.end_of_search);
  v(field("ea_error_offset"), m.ea_error_offset);
  v(field("last_name_offset"), m.last_name_offset);
  v(field("data"), m.data);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, Trans2FindNext2Request>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("sid"), m.sid);
  v(field("search_count"), m.search_count);
  v(field("information_level", &names::information_level), m.information_level);
  v(field("resume_key"), m.resume_key);
  v(field("flags", &names::find_flags), m.flags);
  v(field("file_name"), m.file_name);
  v(field("data"), m.data);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, Trans2FindNext2Response>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("search_count"), m.search_count);
  v(field("end_of_search"), m.end_of_search);
  v(field("ea_error_offset"), m.ea_error_offset);
  v(field("last_name_offset"), m.last_name_offset);
  v(field("data"), m.data);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, Trans2QueryFsInformationRequest>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("information_level", &names::information_level), m.information_level);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, Trans2QueryFsInformationResponse>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("data"), m.data);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, Trans2QueryPathInformationRequest>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("information_level", &names::information_level), m.information_level);
  v(field("reserved"), m.reserved);
  v(field("file_name"), m.file_name);
  v(field("data"), m.data);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, Trans2QueryFileInformationRequest>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("fid"), m.fid);
  v(field("information_level", &names::information_level), m.information_level);
  v(field("data"), m.data);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, Trans2QueryInformationResponse>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("ea_error_offset"), m.ea_error_offset);
  v(field("data"), m.data);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, Trans2SetPathInformationRequest>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("information_level", &names::information_level), m.information_level);
  v(field("reserved"), m.reserved);
  v(field("file_name"), m.file_name);
  v(field("data"), m.data);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, Trans2SetFileInformationRequest>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("fid"), m.fid);
  v(field("information_level", &names::information_level), m.information_level);
  v(field("reserved"), m.reserved);
  v(field("data"), m.data);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, Trans2SetInformationResponse>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("ea_error_offset"), m.ea_error_offset);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, SmbFindFileBothDirectoryInfo>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("file_index"), m.file_index);
  v(field("creation_time"), m.creation_time);
  v(field("last_access_time"), m.last_access_time);
  v(field("last_write_time"), m.last_write_time);
  v(field("last_change_time"), m.last_change_time);
  v(field("end_of_file"), m.end_of_file);
  v(field("allocation_size"), m.allocation_size);
  v(field("ext_file_attributes", &names::ext_file_attributes), m.ext_file_attributes);
  v(field("ea_size"), m.ea_size);
  v(field("reserved"), m.reserved);
  v(field("short_name"), m.short_name);
  v(field("reserved2"), m.reserved2);
  v(field("file_id"), m.file_id);
  v(field("file_name"), m.file_name);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, SmbQueryFileBasicInfo>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("creation_time"), m.creation_time);
  v(field("last_access_time"), m.last_access_time);
  v(field("last_write_time"), m.last_write_time);
  v(field("last_change_time"), m.last_change_time);
  v(field("ext_file_attributes", &names::ext_file_attributes), m.ext_file_attributes);
  v(field("reserved"), m.reserved);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, SmbQueryFileStandardInfo>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("allocation_size"), m.allocation_size);
  v(field("end_of_file"), m.end_of_file);
  v(field("number_of_links"), m.number_of_links);
  v(field("delete_pending"), m.delete_pending);
  v(field("directory"), m.directory);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, SmbQueryFileAllInfo>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("creation_time"), m.creation_time);
  v(field("last_access_time"), m.last_access_time);
  v(field("last_write_time"), m.last_write_time);
  v(field("last_change_time"), m.last_change_time);
  v(field("ext_file_attributes", &names::ext_file_attributes), m.ext_file_attributes);
  v(field("reserved1"), m.reserved1);
  v(field("allocation_size"), m.allocation_size);
  v(field("end_of_file"), m.end_of_file);
  v(field("number_of_links"), m.number_of_links);
  v(field("delete_pending"), m.delete_pending);
  v(field("directory"), m.directory);
  v(field("reserved2"), m.reserved2);
  v(field("ea_size"), m.ea_size);
  v(field("file_name"), m.file_name);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, SmbSetFileBasicInfo>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("creation_time"), m.creation_time);
  v(field("last_access_time"), m.last_access_time);
  v(field("last_write_time"), m.last_write_time);
  v(field("change_time"), m.change_time);
  v(field("ext_file_attributes", &names::ext_file_attributes), m.ext_file_attributes);
  v(field("reserved"), m.reserved);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, SmbSetFileDispositionInfo>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("delete_pending"), m.delete_pending);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, SmbSetFileAllocationInfo>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("allocation_size"), m.allocation_size);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, SmbSetFileEndOfFileInfo>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("end_of_file"), m.end_of_file);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, SmbInfoAllocation>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("id_file_system"), m.id_file_system);
  v(field("c_sector_unit"), m.c_sector_unit);
  v(field("c_unit"), m.c_unit);
  v(field("c_unit_available"), m.c_unit_available);
  v(field("cb_sector"), m.cb_sector);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, SmbQueryFsVolumeInfo>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("volume_creation_time"), m.volume_creation_time);
  v(field("serial_number"), m.serial_number);
  v(field("reserved"), m.reserved);
  v(field("volume_label"), m.volume_label);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, SmbQueryFsSizeInfo>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("total_allocation_units"), m.total_allocation_units);
  v(field("total_free_allocation_units"), m.total_free_allocation_units);
  v(field("sectors_per_allocation_unit"), m.sectors_per_allocation_unit);
  v(field("bytes_per_sector"), m.bytes_per_sector);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, SmbQueryFsDeviceInfo>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("device_type"), m.device_type);
  v(field("device_characteristics"), m.device_characteristics);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, SmbQueryFsAttributeInfo>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("file_system_attributes"), m.file_system_attributes);
  v(field("max_file_name_length_in_bytes"), m.max_file_name_length_in_bytes);
  v(field("file_system_name"), m.file_system_name);
}

}  // namespace smb::proto::smb1
