// MS-FSCC information structures returned by QUERY_INFO / QUERY_DIRECTORY and sent by SET_INFO.
//
// Citations give the MS-FSCC section group and the structure name ("MS-FSCC 2.4 FileBasicInformation")
// because the numbers inside 2.4/2.5 shift between revisions (FileStandardInformation is 2.4.41 in
// older and 2.4.45 in newer ones). Multi-byte fields are little-endian; names are UTF-16LE on the wire
// and UTF-8 here; their length fields are derived. Decoders ignore trailing bytes after a fixed-size
// structure (servers may return a larger buffer than the structure).
#pragma once

#include <array>
#include <functional>
#include <cstdint>
#include <string>
#include <vector>

#include "smbproto/fields.hpp"
#include "smbproto/names.hpp"
#include "smbproto/result.hpp"
#include "smbproto/wire.hpp"

namespace smb::proto::fscc {

// ---------------------------------------------------------------- file information (2.4)

/** MS-FSCC 2.4 FileBasicInformation (class 4), 40 bytes. */
struct FileBasicInformation {
  static constexpr std::uint8_t info_class = 4;
  std::uint64_t creation_time = 0;
  std::uint64_t last_access_time = 0;
  std::uint64_t last_write_time = 0;
  std::uint64_t change_time = 0;
  std::uint32_t file_attributes = 0;  ///< names::file_attributes
  std::uint32_t reserved = 0;
  bool operator==(const FileBasicInformation&) const = default;
};
/** MS-FSCC 2.4 FileStandardInformation (class 5), 24 bytes. */
struct FileStandardInformation {
  static constexpr std::uint8_t info_class = 5;
  std::uint64_t allocation_size = 0;
  std::uint64_t end_of_file = 0;
  std::uint32_t number_of_links = 0;
  std::uint8_t delete_pending = 0;  ///< Boolean
  std::uint8_t directory = 0;       ///< Boolean
  std::uint16_t reserved = 0;
  bool operator==(const FileStandardInformation&) const = default;
};
/** MS-FSCC 2.4 FileInternalInformation (class 6), 8 bytes. */
struct FileInternalInformation {
  static constexpr std::uint8_t info_class = 6;
  std::uint64_t index_number = 0;
  bool operator==(const FileInternalInformation&) const = default;
};
/** MS-FSCC 2.4 FileEaInformation (class 7), 4 bytes. */
struct FileEaInformation {
  static constexpr std::uint8_t info_class = 7;
  std::uint32_t ea_size = 0;
  bool operator==(const FileEaInformation&) const = default;
};
/** MS-FSCC 2.4 FileAccessInformation (class 8), 4 bytes. */
struct FileAccessInformation {
  static constexpr std::uint8_t info_class = 8;
  std::uint32_t access_flags = 0;  ///< names::access_mask
  bool operator==(const FileAccessInformation&) const = default;
};
/** MS-FSCC 2.4 FilePositionInformation (class 14), 8 bytes. */
struct FilePositionInformation {
  static constexpr std::uint8_t info_class = 14;
  std::uint64_t current_byte_offset = 0;
  bool operator==(const FilePositionInformation&) const = default;
};
/** MS-FSCC 2.4 FileModeInformation (class 16), 4 bytes. */
struct FileModeInformation {
  static constexpr std::uint8_t info_class = 16;
  std::uint32_t mode = 0;
  bool operator==(const FileModeInformation&) const = default;
};
/** MS-FSCC 2.4 FileAlignmentInformation (class 17), 4 bytes. */
struct FileAlignmentInformation {
  static constexpr std::uint8_t info_class = 17;
  std::uint32_t alignment_requirement = 0;
  bool operator==(const FileAlignmentInformation&) const = default;
};
/** MS-FSCC 2.4 FileNameInformation (class 9): FileNameLength (4) | FileName. */
struct FileNameInformation {
  static constexpr std::uint8_t info_class = 9;
  std::string file_name;
  bool operator==(const FileNameInformation&) const = default;
};
/** MS-FSCC 2.4 FileAllInformation (class 18): the nine structures above in order, 100 bytes + name. */
struct FileAllInformation {
  static constexpr std::uint8_t info_class = 18;
  FileBasicInformation basic_information;
  FileStandardInformation standard_information;
  FileInternalInformation internal_information;
  FileEaInformation ea_information;
  FileAccessInformation access_information;
  FilePositionInformation position_information;
  FileModeInformation mode_information;
  FileAlignmentInformation alignment_information;
  FileNameInformation name_information;
  bool operator==(const FileAllInformation&) const = default;
};
/** MS-FSCC 2.4 FileNetworkOpenInformation (class 34), 56 bytes. */
struct FileNetworkOpenInformation {
  static constexpr std::uint8_t info_class = 34;
  std::uint64_t creation_time = 0;
  std::uint64_t last_access_time = 0;
  std::uint64_t last_write_time = 0;
  std::uint64_t change_time = 0;
  std::uint64_t allocation_size = 0;
  std::uint64_t end_of_file = 0;
  std::uint32_t file_attributes = 0;  ///< names::file_attributes
  std::uint32_t reserved = 0;
  bool operator==(const FileNetworkOpenInformation&) const = default;
};
/** MS-FSCC 2.4 FileAttributeTagInformation (class 35), 8 bytes. */
struct FileAttributeTagInformation {
  static constexpr std::uint8_t info_class = 35;
  std::uint32_t file_attributes = 0;  ///< names::file_attributes
  std::uint32_t reparse_tag = 0;
  bool operator==(const FileAttributeTagInformation&) const = default;
};
/** MS-FSCC 2.4 FileEndOfFileInformation (class 20, set), 8 bytes. */
struct FileEndOfFileInformation {
  static constexpr std::uint8_t info_class = 20;
  std::uint64_t end_of_file = 0;
  bool operator==(const FileEndOfFileInformation&) const = default;
};
/** MS-FSCC 2.4 FileAllocationInformation (class 19, set), 8 bytes. */
struct FileAllocationInformation {
  static constexpr std::uint8_t info_class = 19;
  std::uint64_t allocation_size = 0;
  bool operator==(const FileAllocationInformation&) const = default;
};
/** MS-FSCC 2.4 FileDispositionInformation (class 13, set), 1 byte. */
struct FileDispositionInformation {
  static constexpr std::uint8_t info_class = 13;
  std::uint8_t delete_pending = 0;  ///< Boolean
  bool operator==(const FileDispositionInformation&) const = default;
};
/**
 * MS-FSCC 2.4 FileRenameInformation (class 10), FILE_RENAME_INFORMATION_TYPE_2 used by SMB2:
 * ReplaceIfExists (1) | Reserved (7) | RootDirectory (8) | FileNameLength (4) | FileName; 20 bytes + name.
 */
struct FileRenameInformation {
  static constexpr std::uint8_t info_class = 10;
  std::uint8_t replace_if_exists = 0;  ///< Boolean
  std::array<std::uint8_t, 7> reserved{};
  std::uint64_t root_directory = 0;    ///< MUST be 0 for SMB2 (MS-SMB2 2.2.39)
  std::string file_name;
  bool operator==(const FileRenameInformation&) const = default;
};

/** One FILE_STREAM_INFORMATION entry (MS-FSCC 2.4 FileStreamInformation, class 22). */
struct FileStreamInformation {
  static constexpr std::uint8_t info_class = 22;
  static constexpr std::size_t fixed_size = 24;  ///< NextEntryOffset..StreamAllocationSize
  std::uint64_t stream_size = 0;
  std::uint64_t stream_allocation_size = 0;
  std::string stream_name;  ///< "::$DATA" for the unnamed data stream
  bool operator==(const FileStreamInformation&) const = default;
};

// ---------------------------------------------------------------- directory entries (2.4)
// NextEntryOffset and FileNameLength are derived; use encode_entries / decode_entries.

/** MS-FSCC 2.4 FileDirectoryInformation (class 1), 64 bytes + name. */
struct FileDirectoryInformation {
  static constexpr std::uint8_t info_class = 1;
  static constexpr std::size_t fixed_size = 64;
  std::uint32_t file_index = 0;
  std::uint64_t creation_time = 0;
  std::uint64_t last_access_time = 0;
  std::uint64_t last_write_time = 0;
  std::uint64_t change_time = 0;
  std::uint64_t end_of_file = 0;
  std::uint64_t allocation_size = 0;
  std::uint32_t file_attributes = 0;
  std::string file_name;
  bool operator==(const FileDirectoryInformation&) const = default;
};
/** MS-FSCC 2.4 FileFullDirectoryInformation (class 2), 68 bytes + name. */
struct FileFullDirectoryInformation {
  static constexpr std::uint8_t info_class = 2;
  static constexpr std::size_t fixed_size = 68;
  std::uint32_t file_index = 0;
  std::uint64_t creation_time = 0;
  std::uint64_t last_access_time = 0;
  std::uint64_t last_write_time = 0;
  std::uint64_t change_time = 0;
  std::uint64_t end_of_file = 0;
  std::uint64_t allocation_size = 0;
  std::uint32_t file_attributes = 0;
  std::uint32_t ea_size = 0;
  std::string file_name;
  bool operator==(const FileFullDirectoryInformation&) const = default;
};
/** MS-FSCC 2.4 FileBothDirectoryInformation (class 3), 94 bytes + name. */
struct FileBothDirectoryInformation {
  static constexpr std::uint8_t info_class = 3;
  static constexpr std::size_t fixed_size = 94;
  std::uint32_t file_index = 0;
  std::uint64_t creation_time = 0;
  std::uint64_t last_access_time = 0;
  std::uint64_t last_write_time = 0;
  std::uint64_t change_time = 0;
  std::uint64_t end_of_file = 0;
  std::uint64_t allocation_size = 0;
  std::uint32_t file_attributes = 0;
  std::uint32_t ea_size = 0;
  std::uint8_t short_name_length = 0;          ///< bytes of short_name in use (<= 24)
  std::uint8_t reserved = 0;
  std::array<std::uint8_t, 24> short_name{};   ///< UTF-16LE 8.3 name, zero padded
  std::string file_name;
  bool operator==(const FileBothDirectoryInformation&) const = default;
};
/** MS-FSCC 2.4 FileIdBothDirectoryInformation (class 37), 104 bytes + name. */
struct FileIdBothDirectoryInformation {
  static constexpr std::uint8_t info_class = 37;
  static constexpr std::size_t fixed_size = 104;
  std::uint32_t file_index = 0;
  std::uint64_t creation_time = 0;
  std::uint64_t last_access_time = 0;
  std::uint64_t last_write_time = 0;
  std::uint64_t change_time = 0;
  std::uint64_t end_of_file = 0;
  std::uint64_t allocation_size = 0;
  std::uint32_t file_attributes = 0;
  std::uint32_t ea_size = 0;
  std::uint8_t short_name_length = 0;
  std::uint8_t reserved1 = 0;
  std::array<std::uint8_t, 24> short_name{};
  std::uint16_t reserved2 = 0;
  std::uint64_t file_id = 0;
  std::string file_name;
  bool operator==(const FileIdBothDirectoryInformation&) const = default;
};
/** MS-FSCC 2.4 FileIdFullDirectoryInformation (class 38), 80 bytes + name. */
struct FileIdFullDirectoryInformation {
  static constexpr std::uint8_t info_class = 38;
  static constexpr std::size_t fixed_size = 80;
  std::uint32_t file_index = 0;
  std::uint64_t creation_time = 0;
  std::uint64_t last_access_time = 0;
  std::uint64_t last_write_time = 0;
  std::uint64_t change_time = 0;
  std::uint64_t end_of_file = 0;
  std::uint64_t allocation_size = 0;
  std::uint32_t file_attributes = 0;
  std::uint32_t ea_size = 0;
  std::uint32_t reserved = 0;
  std::uint64_t file_id = 0;
  std::string file_name;
  bool operator==(const FileIdFullDirectoryInformation&) const = default;
};
/** MS-FSCC 2.4 FileNamesInformation (class 12), 12 bytes + name. */
struct FileNamesInformation {
  static constexpr std::uint8_t info_class = 12;
  static constexpr std::size_t fixed_size = 12;
  std::uint32_t file_index = 0;
  std::string file_name;
  bool operator==(const FileNamesInformation&) const = default;
};

// ---------------------------------------------------------------- file system information (2.5)

/** MS-FSCC 2.5 FileFsVolumeInformation (class 1), 18 bytes + label. */
struct FileFsVolumeInformation {
  static constexpr std::uint8_t info_class = 1;
  std::uint64_t volume_creation_time = 0;
  std::uint32_t volume_serial_number = 0;
  std::uint8_t supports_objects = 0;  ///< Boolean
  std::uint8_t reserved = 0;
  std::string volume_label;
  bool operator==(const FileFsVolumeInformation&) const = default;
};
/** MS-FSCC 2.5 FileFsSizeInformation (class 3), 24 bytes. */
struct FileFsSizeInformation {
  static constexpr std::uint8_t info_class = 3;
  std::uint64_t total_allocation_units = 0;
  std::uint64_t available_allocation_units = 0;
  std::uint32_t sectors_per_allocation_unit = 0;
  std::uint32_t bytes_per_sector = 0;
  bool operator==(const FileFsSizeInformation&) const = default;
};
/** MS-FSCC 2.5 FileFsDeviceInformation (class 4), 8 bytes. */
struct FileFsDeviceInformation {
  static constexpr std::uint8_t info_class = 4;
  std::uint32_t device_type = 0;      ///< FILE_DEVICE_DISK = 0x00000007
  std::uint32_t characteristics = 0;
  bool operator==(const FileFsDeviceInformation&) const = default;
};
/** MS-FSCC 2.5 FileFsAttributeInformation (class 5), 12 bytes + name. */
struct FileFsAttributeInformation {
  static constexpr std::uint8_t info_class = 5;
  std::uint32_t file_system_attributes = 0;
  std::uint32_t maximum_component_name_length = 0;  ///< signed on the wire, > 0
  std::string file_system_name;
  bool operator==(const FileFsAttributeInformation&) const = default;
};
/** MS-FSCC 2.5 FileFsFullSizeInformation (class 7), 32 bytes. */
struct FileFsFullSizeInformation {
  static constexpr std::uint8_t info_class = 7;
  std::uint64_t total_allocation_units = 0;
  std::uint64_t caller_available_allocation_units = 0;
  std::uint64_t actual_available_allocation_units = 0;
  std::uint32_t sectors_per_allocation_unit = 0;
  std::uint32_t bytes_per_sector = 0;
  bool operator==(const FileFsFullSizeInformation&) const = default;
};
/** MS-FSCC 2.5 FileFsSectorSizeInformation (class 11), 28 bytes. */
struct FileFsSectorSizeInformation {
  static constexpr std::uint8_t info_class = 11;
  std::uint32_t logical_bytes_per_sector = 0;
  std::uint32_t physical_bytes_per_sector_for_atomicity = 0;
  std::uint32_t physical_bytes_per_sector_for_performance = 0;
  std::uint32_t file_system_effective_physical_bytes_per_sector_for_atomicity = 0;
  std::uint32_t flags = 0;
  std::uint32_t byte_offset_for_sector_alignment = 0;
  std::uint32_t byte_offset_for_partition_alignment = 0;
  bool operator==(const FileFsSectorSizeInformation&) const = default;
};

// ---------------------------------------------------------------- field lists

#define SMB_FSCC_FIELDS(T, BODY)                         \
  template <class M, class V>                            \
    requires std::same_as<std::remove_cvref_t<M>, T>     \
  constexpr void for_each_field(M&& m, V&& v) { BODY }

SMB_FSCC_FIELDS(FileBasicInformation,
  v(field("creation_time"), m.creation_time); v(field("last_access_time"), m.last_access_time);
  v(field("last_write_time"), m.last_write_time); v(field("change_time"), m.change_time);
  v(field("file_attributes", &names::file_attributes), m.file_attributes); v(field("reserved"), m.reserved);)
SMB_FSCC_FIELDS(FileStandardInformation,
  v(field("allocation_size"), m.allocation_size); v(field("end_of_file"), m.end_of_file);
  v(field("number_of_links"), m.number_of_links); v(field("delete_pending"), m.delete_pending);
  v(field("directory"), m.directory); v(field("reserved"), m.reserved);)
SMB_FSCC_FIELDS(FileInternalInformation, v(field("index_number"), m.index_number);)
SMB_FSCC_FIELDS(FileEaInformation, v(field("ea_size"), m.ea_size);)
SMB_FSCC_FIELDS(FileAccessInformation, v(field("access_flags", &names::access_mask), m.access_flags);)
SMB_FSCC_FIELDS(FilePositionInformation, v(field("current_byte_offset"), m.current_byte_offset);)
SMB_FSCC_FIELDS(FileModeInformation, v(field("mode"), m.mode);)
SMB_FSCC_FIELDS(FileAlignmentInformation, v(field("alignment_requirement"), m.alignment_requirement);)
SMB_FSCC_FIELDS(FileNameInformation, v(field("file_name"), m.file_name);)
SMB_FSCC_FIELDS(FileAllInformation,
  v(field("basic_information"), m.basic_information); v(field("standard_information"), m.standard_information);
  v(field("internal_information"), m.internal_information); v(field("ea_information"), m.ea_information);
  v(field("access_information"), m.access_information); v(field("position_information"), m.position_information);
  v(field("mode_information"), m.mode_information); v(field("alignment_information"), m.alignment_information);
  v(field("name_information"), m.name_information);)
SMB_FSCC_FIELDS(FileNetworkOpenInformation,
  v(field("creation_time"), m.creation_time); v(field("last_access_time"), m.last_access_time);
  v(field("last_write_time"), m.last_write_time); v(field("change_time"), m.change_time);
  v(field("allocation_size"), m.allocation_size); v(field("end_of_file"), m.end_of_file);
  v(field("file_attributes", &names::file_attributes), m.file_attributes); v(field("reserved"), m.reserved);)
SMB_FSCC_FIELDS(FileAttributeTagInformation,
  v(field("file_attributes", &names::file_attributes), m.file_attributes); v(field("reparse_tag"), m.reparse_tag);)
SMB_FSCC_FIELDS(FileEndOfFileInformation, v(field("end_of_file"), m.end_of_file);)
SMB_FSCC_FIELDS(FileAllocationInformation, v(field("allocation_size"), m.allocation_size);)
SMB_FSCC_FIELDS(FileDispositionInformation, v(field("delete_pending"), m.delete_pending);)
SMB_FSCC_FIELDS(FileRenameInformation,
  v(field("replace_if_exists"), m.replace_if_exists); v(field("reserved"), m.reserved);
  v(field("root_directory"), m.root_directory); v(field("file_name"), m.file_name);)
SMB_FSCC_FIELDS(FileStreamInformation,
  v(field("stream_size"), m.stream_size); v(field("stream_allocation_size"), m.stream_allocation_size);
  v(field("stream_name"), m.stream_name);)
#define SMB_FSCC_DIR_COMMON                                                                             \
  v(field("file_index"), m.file_index); v(field("creation_time"), m.creation_time);                     \
  v(field("last_access_time"), m.last_access_time); v(field("last_write_time"), m.last_write_time);     \
  v(field("change_time"), m.change_time); v(field("end_of_file"), m.end_of_file);                       \
  v(field("allocation_size"), m.allocation_size);                                                       \
  v(field("file_attributes", &names::file_attributes), m.file_attributes);
SMB_FSCC_FIELDS(FileDirectoryInformation, SMB_FSCC_DIR_COMMON v(field("file_name"), m.file_name);)
SMB_FSCC_FIELDS(FileFullDirectoryInformation,
  SMB_FSCC_DIR_COMMON v(field("ea_size"), m.ea_size); v(field("file_name"), m.file_name);)
SMB_FSCC_FIELDS(FileBothDirectoryInformation,
  SMB_FSCC_DIR_COMMON v(field("ea_size"), m.ea_size); v(field("short_name_length"), m.short_name_length);
  v(field("reserved"), m.reserved); v(field("short_name"), m.short_name); v(field("file_name"), m.file_name);)
SMB_FSCC_FIELDS(FileIdBothDirectoryInformation,
  SMB_FSCC_DIR_COMMON v(field("ea_size"), m.ea_size); v(field("short_name_length"), m.short_name_length);
  v(field("reserved1"), m.reserved1); v(field("short_name"), m.short_name); v(field("reserved2"), m.reserved2);
  v(field("file_id"), m.file_id); v(field("file_name"), m.file_name);)
SMB_FSCC_FIELDS(FileIdFullDirectoryInformation,
  SMB_FSCC_DIR_COMMON v(field("ea_size"), m.ea_size); v(field("reserved"), m.reserved);
  v(field("file_id"), m.file_id); v(field("file_name"), m.file_name);)
SMB_FSCC_FIELDS(FileNamesInformation, v(field("file_index"), m.file_index); v(field("file_name"), m.file_name);)
#undef SMB_FSCC_DIR_COMMON
SMB_FSCC_FIELDS(FileFsVolumeInformation,
  v(field("volume_creation_time"), m.volume_creation_time); v(field("volume_serial_number"), m.volume_serial_number);
  v(field("supports_objects"), m.supports_objects); v(field("reserved"), m.reserved);
  v(field("volume_label"), m.volume_label);)
SMB_FSCC_FIELDS(FileFsSizeInformation,
  v(field("total_allocation_units"), m.total_allocation_units);
  v(field("available_allocation_units"), m.available_allocation_units);
  v(field("sectors_per_allocation_unit"), m.sectors_per_allocation_unit);
  v(field("bytes_per_sector"), m.bytes_per_sector);)
SMB_FSCC_FIELDS(FileFsDeviceInformation,
  v(field("device_type"), m.device_type); v(field("characteristics"), m.characteristics);)
SMB_FSCC_FIELDS(FileFsAttributeInformation,
  v(field("file_system_attributes"), m.file_system_attributes);
  v(field("maximum_component_name_length"), m.maximum_component_name_length);
  v(field("file_system_name"), m.file_system_name);)
SMB_FSCC_FIELDS(FileFsFullSizeInformation,
  v(field("total_allocation_units"), m.total_allocation_units);
  v(field("caller_available_allocation_units"), m.caller_available_allocation_units);
  v(field("actual_available_allocation_units"), m.actual_available_allocation_units);
  v(field("sectors_per_allocation_unit"), m.sectors_per_allocation_unit);
  v(field("bytes_per_sector"), m.bytes_per_sector);)
SMB_FSCC_FIELDS(FileFsSectorSizeInformation,
  v(field("logical_bytes_per_sector"), m.logical_bytes_per_sector);
  v(field("physical_bytes_per_sector_for_atomicity"), m.physical_bytes_per_sector_for_atomicity);
  v(field("physical_bytes_per_sector_for_performance"), m.physical_bytes_per_sector_for_performance);
  v(field("file_system_effective_physical_bytes_per_sector_for_atomicity"),
    m.file_system_effective_physical_bytes_per_sector_for_atomicity);
  v(field("flags"), m.flags); v(field("byte_offset_for_sector_alignment"), m.byte_offset_for_sector_alignment);
  v(field("byte_offset_for_partition_alignment"), m.byte_offset_for_partition_alignment);)
#undef SMB_FSCC_FIELDS

// ---------------------------------------------------------------- encode / decode

/**
 * Appends one structure. For chained entry types (directory entries, FileStreamInformation) this
 * writes NextEntryOffset 0; encode_entries sets the chain.
 */
#define SMB_FSCC_CODEC(T)                      \
  void encode(wire::Writer& w, const T& m);    \
  Result<void> decode(wire::Reader& r, T& out);
SMB_FSCC_CODEC(FileBasicInformation)
SMB_FSCC_CODEC(FileStandardInformation)
SMB_FSCC_CODEC(FileInternalInformation)
SMB_FSCC_CODEC(FileEaInformation)
SMB_FSCC_CODEC(FileAccessInformation)
SMB_FSCC_CODEC(FilePositionInformation)
SMB_FSCC_CODEC(FileModeInformation)
SMB_FSCC_CODEC(FileAlignmentInformation)
SMB_FSCC_CODEC(FileNameInformation)
SMB_FSCC_CODEC(FileAllInformation)
SMB_FSCC_CODEC(FileNetworkOpenInformation)
SMB_FSCC_CODEC(FileAttributeTagInformation)
SMB_FSCC_CODEC(FileEndOfFileInformation)
SMB_FSCC_CODEC(FileAllocationInformation)
SMB_FSCC_CODEC(FileDispositionInformation)
SMB_FSCC_CODEC(FileRenameInformation)
SMB_FSCC_CODEC(FileStreamInformation)
SMB_FSCC_CODEC(FileDirectoryInformation)
SMB_FSCC_CODEC(FileFullDirectoryInformation)
SMB_FSCC_CODEC(FileBothDirectoryInformation)
SMB_FSCC_CODEC(FileIdBothDirectoryInformation)
SMB_FSCC_CODEC(FileIdFullDirectoryInformation)
SMB_FSCC_CODEC(FileNamesInformation)
SMB_FSCC_CODEC(FileFsVolumeInformation)
SMB_FSCC_CODEC(FileFsSizeInformation)
SMB_FSCC_CODEC(FileFsDeviceInformation)
SMB_FSCC_CODEC(FileFsAttributeInformation)
SMB_FSCC_CODEC(FileFsFullSizeInformation)
SMB_FSCC_CODEC(FileFsSectorSizeInformation)
#undef SMB_FSCC_CODEC
// decode errors (all types): errc::truncated (shorter than the fixed part), errc::bad_length (a
// name length runs past the buffer), errc::bad_string (odd name length / broken surrogate).

/** The bytes of one structure. */
template <class T>
wire::Bytes encode_info(const T& m) {
  wire::Bytes b;
  wire::Writer w(b);
  encode(w, m);
  return b;
}
/** Decodes one structure from the start of `b`; errors as decode(). */
template <class T>
Result<T> decode_info(wire::ByteView b) {
  wire::Reader r(b);
  T m{};
  if (auto res = decode(r, m); !res) return res.error();
  return m;
}

/** Bytes one chained entry takes before alignment (fixed part + UTF-16 name), to fit OutputBufferLength. */
template <class T>
std::size_t entry_size(const T& e) {
  if constexpr (requires { e.stream_name; }) return T::fixed_size + wire::utf16le_from_utf8(e.stream_name).size();
  else return T::fixed_size + wire::utf16le_from_utf8(e.file_name).size();
}

namespace detail {
Result<void> decode_chain(wire::ByteView b, std::size_t fixed_size,
                          const std::function<Result<void>(wire::Reader&)>& one);
void link_chain(wire::Bytes& out, const std::vector<std::size_t>& starts);
}  // namespace detail

/**
 * Entries chained by NextEntryOffset, each 8-byte aligned with zero padding, the last one not padded
 * and its NextEntryOffset 0 (MS-FSCC 2.4 FileDirectoryInformation ... "each MUST be aligned on an
 * 8-byte boundary ... No padding is required following the last data element").
 */
template <class T>
wire::Bytes encode_entries(const std::vector<T>& entries) {
  wire::Bytes out;
  wire::Writer w(out);
  std::vector<std::size_t> starts;
  for (const auto& e : entries) {
    w.align(8);
    starts.push_back(w.offset());
    encode(w, e);
  }
  detail::link_chain(out, starts);
  return out;
}

/**
 * Walks the chain from offset 0. An empty buffer yields no entries.
 * Errors: errc::truncated (an entry shorter than its fixed part), errc::bad_alignment
 * (NextEntryOffset not a multiple of 8), errc::bad_offset (NextEntryOffset smaller than the fixed
 * part or past the end), errc::bad_length / errc::bad_string (a name).
 */
template <class T>
Result<std::vector<T>> decode_entries(wire::ByteView b) {
  std::vector<T> out;
  auto res = detail::decode_chain(b, T::fixed_size, [&](wire::Reader& r) -> Result<void> {
    T e{};
    if (auto d = decode(r, e); !d) return d;
    out.push_back(std::move(e));
    return {};
  });
  if (!res) return res.error();
  return out;
}

}  // namespace smb::proto::fscc
