// MS-FSCC information structures codec (MS-FSCC 2.4 file information classes, 2.5 file system classes).
#include "smbproto/fscc.hpp"

namespace smb::proto::fscc {
namespace {

// FileNameLength-style (u32 byte count) name: written as count then UTF-16LE bytes.
void put_name32(wire::Writer& w, const std::string& s) {
  wire::Bytes b = wire::utf16le_from_utf8(s);
  w.u32(static_cast<std::uint32_t>(b.size()));
  w.bytes(b);
}
// Reads `length` UTF-16LE bytes at the cursor. Errors: bad_length past the end, bad_string.
Result<void> get_name(wire::Reader& r, std::size_t length, std::string& out) {
  if (length > r.remaining()) return errc::bad_length;
  auto s = wire::utf8_from_utf16le(r.bytes(length));
  if (!s) return s.error();
  out = std::move(*s);
  return {};
}

}  // namespace

namespace detail {
Result<void> decode_chain(wire::ByteView b, std::size_t fixed_size,
                          const std::function<Result<void>(wire::Reader&)>& one) {
  std::size_t pos = 0;
  if (b.empty()) return {};
  for (;;) {  // terminates: each NextEntryOffset is >= fixed_size > 0 and stays inside b
    if (b.size() - pos < fixed_size) return errc::truncated;
    wire::Reader head(b.subspan(pos, 4));
    std::uint32_t next = head.u32();  // +0x00 NextEntryOffset
    std::size_t extent = b.size() - pos;
    if (next != 0) {
      if (next % 8 != 0) return errc::bad_alignment;
      if (next < fixed_size || next > extent) return errc::bad_offset;
      extent = next;
    }
    wire::Reader r(b.subspan(pos, extent));
    if (auto res = one(r); !res) return res;
    if (next == 0) return {};
    pos += next;
  }
}

void link_chain(wire::Bytes& out, const std::vector<std::size_t>& starts) {
  wire::Writer w(out);
  for (std::size_t i = 0; i + 1 < starts.size(); ++i)
    w.patch_u32(starts[i], static_cast<std::uint32_t>(starts[i + 1] - starts[i]));
}
}  // namespace detail

// ---- MS-FSCC 2.4 FileBasicInformation
void encode(wire::Writer& w, const FileBasicInformation& m) {
  w.u64(m.creation_time);     // 0x00 CreationTime
  w.u64(m.last_access_time);  // 0x08 LastAccessTime
  w.u64(m.last_write_time);   // 0x10 LastWriteTime
  w.u64(m.change_time);       // 0x18 ChangeTime
  w.u32(m.file_attributes);   // 0x20 FileAttributes
  w.u32(m.reserved);          // 0x24 Reserved
}
Result<void> decode(wire::Reader& r, FileBasicInformation& out) {
  out.creation_time = r.u64();
  out.last_access_time = r.u64();
  out.last_write_time = r.u64();
  out.change_time = r.u64();
  out.file_attributes = r.u32();
  out.reserved = r.u32();
  if (!r.ok()) return errc::truncated;
  return {};
}

// ---- MS-FSCC 2.4 FileStandardInformation
void encode(wire::Writer& w, const FileStandardInformation& m) {
  w.u64(m.allocation_size);  // 0x00 AllocationSize
  w.u64(m.end_of_file);      // 0x08 EndOfFile
  w.u32(m.number_of_links);  // 0x10 NumberOfLinks
  w.u8(m.delete_pending);    // 0x14 DeletePending
  w.u8(m.directory);         // 0x15 Directory
  w.u16(m.reserved);         // 0x16 Reserved
}
Result<void> decode(wire::Reader& r, FileStandardInformation& out) {
  out.allocation_size = r.u64();
  out.end_of_file = r.u64();
  out.number_of_links = r.u32();
  out.delete_pending = r.u8();
  out.directory = r.u8();
  out.reserved = r.u16();
  if (!r.ok()) return errc::truncated;
  return {};
}

// ---- single-field structures (MS-FSCC 2.4 FileInternal/Ea/Access/Position/Mode/Alignment/
//      EndOfFile/Allocation/DispositionInformation)
#define SMB_FSCC_ONE(T, member, bits)                 \
  void encode(wire::Writer& w, const T& m) { w.u##bits(m.member); } \
  Result<void> decode(wire::Reader& r, T& out) {      \
    out.member = r.u##bits();                         \
    if (!r.ok()) return errc::truncated;              \
    return {};                                        \
  }
SMB_FSCC_ONE(FileInternalInformation, index_number, 64)          // 0x00 IndexNumber (8)
SMB_FSCC_ONE(FileEaInformation, ea_size, 32)                     // 0x00 EaSize (4)
SMB_FSCC_ONE(FileAccessInformation, access_flags, 32)            // 0x00 AccessFlags (4)
SMB_FSCC_ONE(FilePositionInformation, current_byte_offset, 64)   // 0x00 CurrentByteOffset (8)
SMB_FSCC_ONE(FileModeInformation, mode, 32)                      // 0x00 Mode (4)
SMB_FSCC_ONE(FileAlignmentInformation, alignment_requirement, 32)  // 0x00 AlignmentRequirement (4)
SMB_FSCC_ONE(FileEndOfFileInformation, end_of_file, 64)          // 0x00 EndOfFile (8)
SMB_FSCC_ONE(FileAllocationInformation, allocation_size, 64)     // 0x00 AllocationSize (8)
SMB_FSCC_ONE(FileDispositionInformation, delete_pending, 8)      // 0x00 DeletePending (1)
#undef SMB_FSCC_ONE

// ---- MS-FSCC 2.4 FileNameInformation: FileNameLength (4) | FileName
void encode(wire::Writer& w, const FileNameInformation& m) { put_name32(w, m.file_name); }
Result<void> decode(wire::Reader& r, FileNameInformation& out) {
  std::uint32_t length = r.u32();
  if (!r.ok()) return errc::truncated;
  return get_name(r, length, out.file_name);
}

// ---- MS-FSCC 2.4 FileAllInformation
void encode(wire::Writer& w, const FileAllInformation& m) {
  encode(w, m.basic_information);      // 0x00 BasicInformation (40)
  encode(w, m.standard_information);   // 0x28 StandardInformation (24)
  encode(w, m.internal_information);   // 0x40 InternalInformation (8)
  encode(w, m.ea_information);         // 0x48 EaInformation (4)
  encode(w, m.access_information);     // 0x4C AccessInformation (4)
  encode(w, m.position_information);   // 0x50 PositionInformation (8)
  encode(w, m.mode_information);       // 0x58 ModeInformation (4)
  encode(w, m.alignment_information);  // 0x5C AlignmentInformation (4)
  encode(w, m.name_information);       // 0x60 NameInformation (4 + name)
}
Result<void> decode(wire::Reader& r, FileAllInformation& out) {
  if (r.remaining() < 100) return errc::truncated;  // fixed part through FileNameLength
  (void)decode(r, out.basic_information);
  (void)decode(r, out.standard_information);
  (void)decode(r, out.internal_information);
  (void)decode(r, out.ea_information);
  (void)decode(r, out.access_information);
  (void)decode(r, out.position_information);
  (void)decode(r, out.mode_information);
  (void)decode(r, out.alignment_information);
  return decode(r, out.name_information);
}

// ---- MS-FSCC 2.4 FileNetworkOpenInformation
void encode(wire::Writer& w, const FileNetworkOpenInformation& m) {
  w.u64(m.creation_time);     // 0x00 CreationTime
  w.u64(m.last_access_time);  // 0x08 LastAccessTime
  w.u64(m.last_write_time);   // 0x10 LastWriteTime
  w.u64(m.change_time);       // 0x18 ChangeTime
  w.u64(m.allocation_size);   // 0x20 AllocationSize
  w.u64(m.end_of_file);       // 0x28 EndOfFile
  w.u32(m.file_attributes);   // 0x30 FileAttributes
  w.u32(m.reserved);          // 0x34 Reserved
}
Result<void> decode(wire::Reader& r, FileNetworkOpenInformation& out) {
  out.creation_time = r.u64();
  out.last_access_time = r.u64();
  out.last_write_time = r.u64();
  out.change_time = r.u64();
  out.allocation_size = r.u64();
  out.end_of_file = r.u64();
  out.file_attributes = r.u32();
  out.reserved = r.u32();
  if (!r.ok()) return errc::truncated;
  return {};
}

// ---- MS-FSCC 2.4 FileAttributeTagInformation
void encode(wire::Writer& w, const FileAttributeTagInformation& m) {
  w.u32(m.file_attributes);  // 0x00 FileAttributes
  w.u32(m.reparse_tag);      // 0x04 ReparseTag
}
Result<void> decode(wire::Reader& r, FileAttributeTagInformation& out) {
  out.file_attributes = r.u32();
  out.reparse_tag = r.u32();
  if (!r.ok()) return errc::truncated;
  return {};
}

// ---- MS-FSCC 2.4 FileRenameInformation (FILE_RENAME_INFORMATION_TYPE_2)
void encode(wire::Writer& w, const FileRenameInformation& m) {
  w.u8(m.replace_if_exists);  // 0x00 ReplaceIfExists
  w.array(m.reserved);        // 0x01 Reserved (7)
  w.u64(m.root_directory);    // 0x08 RootDirectory
  put_name32(w, m.file_name); // 0x10 FileNameLength, 0x14 FileName
}
Result<void> decode(wire::Reader& r, FileRenameInformation& out) {
  out.replace_if_exists = r.u8();
  out.reserved = r.array<7>();
  out.root_directory = r.u64();
  std::uint32_t length = r.u32();
  if (!r.ok()) return errc::truncated;
  return get_name(r, length, out.file_name);
}

// ---- MS-FSCC 2.4 FileStreamInformation entry
void encode(wire::Writer& w, const FileStreamInformation& m) {
  wire::Bytes name = wire::utf16le_from_utf8(m.stream_name);
  w.u32(0);                                        // 0x00 NextEntryOffset (chain)
  w.u32(static_cast<std::uint32_t>(name.size()));  // 0x04 StreamNameLength
  w.u64(m.stream_size);                            // 0x08 StreamSize
  w.u64(m.stream_allocation_size);                 // 0x10 StreamAllocationSize
  w.bytes(name);                                   // 0x18 StreamName
}
Result<void> decode(wire::Reader& r, FileStreamInformation& out) {
  r.u32();  // NextEntryOffset: handled by decode_entries
  std::uint32_t length = r.u32();
  out.stream_size = r.u64();
  out.stream_allocation_size = r.u64();
  if (!r.ok()) return errc::truncated;
  return get_name(r, length, out.stream_name);
}

// ---- directory entries: the common 0x00..0x3B part (MS-FSCC 2.4 FileDirectoryInformation et al.)
namespace {
template <class T>
void put_dir_common(wire::Writer& w, const T& m) {
  w.u32(0);                   // 0x00 NextEntryOffset (chain)
  w.u32(m.file_index);        // 0x04 FileIndex
  w.u64(m.creation_time);     // 0x08 CreationTime
  w.u64(m.last_access_time);  // 0x10 LastAccessTime
  w.u64(m.last_write_time);   // 0x18 LastWriteTime
  w.u64(m.change_time);       // 0x20 ChangeTime
  w.u64(m.end_of_file);       // 0x28 EndOfFile
  w.u64(m.allocation_size);   // 0x30 AllocationSize
  w.u32(m.file_attributes);   // 0x38 FileAttributes
}
template <class T>
void get_dir_common(wire::Reader& r, T& m) {
  r.u32();  // NextEntryOffset: handled by decode_entries
  m.file_index = r.u32();
  m.creation_time = r.u64();
  m.last_access_time = r.u64();
  m.last_write_time = r.u64();
  m.change_time = r.u64();
  m.end_of_file = r.u64();
  m.allocation_size = r.u64();
  m.file_attributes = r.u32();
}
}  // namespace

void encode(wire::Writer& w, const FileDirectoryInformation& m) {
  wire::Bytes name = wire::utf16le_from_utf8(m.file_name);
  put_dir_common(w, m);
  w.u32(static_cast<std::uint32_t>(name.size()));  // 0x3C FileNameLength
  w.bytes(name);                                   // 0x40 FileName
}
Result<void> decode(wire::Reader& r, FileDirectoryInformation& out) {
  get_dir_common(r, out);
  std::uint32_t length = r.u32();
  if (!r.ok()) return errc::truncated;
  return get_name(r, length, out.file_name);
}

void encode(wire::Writer& w, const FileFullDirectoryInformation& m) {
  wire::Bytes name = wire::utf16le_from_utf8(m.file_name);
  put_dir_common(w, m);
  w.u32(static_cast<std::uint32_t>(name.size()));  // 0x3C FileNameLength
  w.u32(m.ea_size);                                // 0x40 EaSize
  w.bytes(name);                                   // 0x44 FileName
}
Result<void> decode(wire::Reader& r, FileFullDirectoryInformation& out) {
  get_dir_common(r, out);
  std::uint32_t length = r.u32();
  out.ea_size = r.u32();
  if (!r.ok()) return errc::truncated;
  return get_name(r, length, out.file_name);
}

void encode(wire::Writer& w, const FileBothDirectoryInformation& m) {
  wire::Bytes name = wire::utf16le_from_utf8(m.file_name);
  put_dir_common(w, m);
  w.u32(static_cast<std::uint32_t>(name.size()));  // 0x3C FileNameLength
  w.u32(m.ea_size);                                // 0x40 EaSize
  w.u8(m.short_name_length);                       // 0x44 ShortNameLength
  w.u8(m.reserved);                                // 0x45 Reserved
  w.array(m.short_name);                           // 0x46 ShortName (24)
  w.bytes(name);                                   // 0x5E FileName
}
Result<void> decode(wire::Reader& r, FileBothDirectoryInformation& out) {
  get_dir_common(r, out);
  std::uint32_t length = r.u32();
  out.ea_size = r.u32();
  out.short_name_length = r.u8();
  out.reserved = r.u8();
  out.short_name = r.array<24>();
  if (!r.ok()) return errc::truncated;
  return get_name(r, length, out.file_name);
}

void encode(wire::Writer& w, const FileIdBothDirectoryInformation& m) {
  wire::Bytes name = wire::utf16le_from_utf8(m.file_name);
  put_dir_common(w, m);
  w.u32(static_cast<std::uint32_t>(name.size()));  // 0x3C FileNameLength
  w.u32(m.ea_size);                                // 0x40 EaSize
  w.u8(m.short_name_length);                       // 0x44 ShortNameLength
  w.u8(m.reserved1);                               // 0x45 Reserved1
  w.array(m.short_name);                           // 0x46 ShortName (24)
  w.u16(m.reserved2);                              // 0x5E Reserved2
  w.u64(m.file_id);                                // 0x60 FileId
  w.bytes(name);                                   // 0x68 FileName
}
Result<void> decode(wire::Reader& r, FileIdBothDirectoryInformation& out) {
  get_dir_common(r, out);
  std::uint32_t length = r.u32();
  out.ea_size = r.u32();
  out.short_name_length = r.u8();
  out.reserved1 = r.u8();
  out.short_name = r.array<24>();
  out.reserved2 = r.u16();
  out.file_id = r.u64();
  if (!r.ok()) return errc::truncated;
  return get_name(r, length, out.file_name);
}

void encode(wire::Writer& w, const FileIdFullDirectoryInformation& m) {
  wire::Bytes name = wire::utf16le_from_utf8(m.file_name);
  put_dir_common(w, m);
  w.u32(static_cast<std::uint32_t>(name.size()));  // 0x3C FileNameLength
  w.u32(m.ea_size);                                // 0x40 EaSize
  w.u32(m.reserved);                               // 0x44 Reserved
  w.u64(m.file_id);                                // 0x48 FileId
  w.bytes(name);                                   // 0x50 FileName
}
Result<void> decode(wire::Reader& r, FileIdFullDirectoryInformation& out) {
  get_dir_common(r, out);
  std::uint32_t length = r.u32();
  out.ea_size = r.u32();
  out.reserved = r.u32();
  out.file_id = r.u64();
  if (!r.ok()) return errc::truncated;
  return get_name(r, length, out.file_name);
}

void encode(wire::Writer& w, const FileNamesInformation& m) {
  wire::Bytes name = wire::utf16le_from_utf8(m.file_name);
  w.u32(0);                                        // 0x00 NextEntryOffset (chain)
  w.u32(m.file_index);                             // 0x04 FileIndex
  w.u32(static_cast<std::uint32_t>(name.size()));  // 0x08 FileNameLength
  w.bytes(name);                                   // 0x0C FileName
}
Result<void> decode(wire::Reader& r, FileNamesInformation& out) {
  r.u32();  // NextEntryOffset
  out.file_index = r.u32();
  std::uint32_t length = r.u32();
  if (!r.ok()) return errc::truncated;
  return get_name(r, length, out.file_name);
}

// ---- MS-FSCC 2.5 FileFsVolumeInformation
void encode(wire::Writer& w, const FileFsVolumeInformation& m) {
  wire::Bytes label = wire::utf16le_from_utf8(m.volume_label);
  w.u64(m.volume_creation_time);                    // 0x00 VolumeCreationTime
  w.u32(m.volume_serial_number);                    // 0x08 VolumeSerialNumber
  w.u32(static_cast<std::uint32_t>(label.size()));  // 0x0C VolumeLabelLength
  w.u8(m.supports_objects);                         // 0x10 SupportsObjects
  w.u8(m.reserved);                                 // 0x11 Reserved
  w.bytes(label);                                   // 0x12 VolumeLabel
}
Result<void> decode(wire::Reader& r, FileFsVolumeInformation& out) {
  out.volume_creation_time = r.u64();
  out.volume_serial_number = r.u32();
  std::uint32_t length = r.u32();
  out.supports_objects = r.u8();
  out.reserved = r.u8();
  if (!r.ok()) return errc::truncated;
  return get_name(r, length, out.volume_label);
}

// ---- MS-FSCC 2.5 FileFsSizeInformation
void encode(wire::Writer& w, const FileFsSizeInformation& m) {
  w.u64(m.total_allocation_units);       // 0x00 TotalAllocationUnits
  w.u64(m.available_allocation_units);   // 0x08 AvailableAllocationUnits
  w.u32(m.sectors_per_allocation_unit);  // 0x10 SectorsPerAllocationUnit
  w.u32(m.bytes_per_sector);             // 0x14 BytesPerSector
}
Result<void> decode(wire::Reader& r, FileFsSizeInformation& out) {
  out.total_allocation_units = r.u64();
  out.available_allocation_units = r.u64();
  out.sectors_per_allocation_unit = r.u32();
  out.bytes_per_sector = r.u32();
  if (!r.ok()) return errc::truncated;
  return {};
}

// ---- MS-FSCC 2.5 FileFsDeviceInformation
void encode(wire::Writer& w, const FileFsDeviceInformation& m) {
  w.u32(m.device_type);      // 0x00 DeviceType
  w.u32(m.characteristics);  // 0x04 Characteristics
}
Result<void> decode(wire::Reader& r, FileFsDeviceInformation& out) {
  out.device_type = r.u32();
  out.characteristics = r.u32();
  if (!r.ok()) return errc::truncated;
  return {};
}

// ---- MS-FSCC 2.5 FileFsAttributeInformation
void encode(wire::Writer& w, const FileFsAttributeInformation& m) {
  w.u32(m.file_system_attributes);         // 0x00 FileSystemAttributes
  w.u32(m.maximum_component_name_length);  // 0x04 MaximumComponentNameLength
  put_name32(w, m.file_system_name);       // 0x08 FileSystemNameLength, 0x0C FileSystemName
}
Result<void> decode(wire::Reader& r, FileFsAttributeInformation& out) {
  out.file_system_attributes = r.u32();
  out.maximum_component_name_length = r.u32();
  std::uint32_t length = r.u32();
  if (!r.ok()) return errc::truncated;
  return get_name(r, length, out.file_system_name);
}

// ---- MS-FSCC 2.5 FileFsFullSizeInformation
void encode(wire::Writer& w, const FileFsFullSizeInformation& m) {
  w.u64(m.total_allocation_units);             // 0x00 TotalAllocationUnits
  w.u64(m.caller_available_allocation_units);  // 0x08 CallerAvailableAllocationUnits
  w.u64(m.actual_available_allocation_units);  // 0x10 ActualAvailableAllocationUnits
  w.u32(m.sectors_per_allocation_unit);        // 0x18 SectorsPerAllocationUnit
  w.u32(m.bytes_per_sector);                   // 0x1C BytesPerSector
}
Result<void> decode(wire::Reader& r, FileFsFullSizeInformation& out) {
  out.total_allocation_units = r.u64();
  out.caller_available_allocation_units = r.u64();
  out.actual_available_allocation_units = r.u64();
  out.sectors_per_allocation_unit = r.u32();
  out.bytes_per_sector = r.u32();
  if (!r.ok()) return errc::truncated;
  return {};
}

// ---- MS-FSCC 2.5 FileFsSectorSizeInformation
void encode(wire::Writer& w, const FileFsSectorSizeInformation& m) {
  w.u32(m.logical_bytes_per_sector);                                       // 0x00
  w.u32(m.physical_bytes_per_sector_for_atomicity);                        // 0x04
  w.u32(m.physical_bytes_per_sector_for_performance);                      // 0x08
  w.u32(m.file_system_effective_physical_bytes_per_sector_for_atomicity);  // 0x0C
  w.u32(m.flags);                                                          // 0x10 Flags
  w.u32(m.byte_offset_for_sector_alignment);                               // 0x14
  w.u32(m.byte_offset_for_partition_alignment);                            // 0x18
}
Result<void> decode(wire::Reader& r, FileFsSectorSizeInformation& out) {
  out.logical_bytes_per_sector = r.u32();
  out.physical_bytes_per_sector_for_atomicity = r.u32();
  out.physical_bytes_per_sector_for_performance = r.u32();
  out.file_system_effective_physical_bytes_per_sector_for_atomicity = r.u32();
  out.flags = r.u32();
  out.byte_offset_for_sector_alignment = r.u32();
  out.byte_offset_for_partition_alignment = r.u32();
  if (!r.ok()) return errc::truncated;
  return {};
}

}  // namespace smb::proto::fscc
