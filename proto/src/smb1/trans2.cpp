// TRANS2 subcommand parameters and information levels (MS-CIFS 2.2.6, 2.2.8; MS-SMB 2.2.8.1.1).
// Offsets are relative to the start of Trans2_Parameters / Trans2_Data / the entry, in hex.
#include "smbproto/smb1/trans2.hpp"

#include "block.hpp"

namespace smb::proto::smb1 {
namespace {

Transaction2Request make_request(std::uint16_t code, wire::Bytes params, wire::Bytes data, std::uint16_t max_params,
                                 std::uint16_t max_data) {
  Transaction2Request t;
  t.total_parameter_count = static_cast<std::uint16_t>(params.size());
  t.total_data_count = static_cast<std::uint16_t>(data.size());
  t.max_parameter_count = max_params;
  t.max_data_count = max_data;
  t.setup = {code};
  t.trans2_parameters = std::move(params);
  t.trans2_data = std::move(data);
  return t;
}

Transaction2Response make_response(wire::Bytes params, wire::Bytes data) {
  Transaction2Response t;
  t.total_parameter_count = static_cast<std::uint16_t>(params.size());
  t.total_data_count = static_cast<std::uint16_t>(data.size());
  t.trans2_parameters = std::move(params);
  t.trans2_data = std::move(data);
  return t;
}

// A request the subcommand codec can read: the right Setup and the whole transaction here.
Result<void> check(const Transaction2Request& t, std::uint16_t code) {
  if (t.setup.size() != 1 || t.setup[0] != code) return errc::bad_value;
  if (t.total_parameter_count != t.trans2_parameters.size() || t.total_data_count != t.trans2_data.size())
    return errc::unsupported;
  return {};
}
Result<void> check(const Transaction2Response& t) {
  if (t.parameter_displacement != 0 || t.data_displacement != 0 ||
      t.total_parameter_count != t.trans2_parameters.size() || t.total_data_count != t.trans2_data.size())
    return errc::unsupported;
  return {};
}

// A fixed-length name field: UTF-16 (trailing NULs dropped) or OEM up to the first NUL.
Result<std::string> name_from(wire::ByteView b, bool unicode) {
  if (!unicode) {
    std::string s(b.begin(), b.end());
    return s.substr(0, s.find('\0'));
  }
  auto s = wire::utf8_from_utf16le(b);
  if (!s) return s.error();
  while (!s->empty() && s->back() == '\0') s->pop_back();
  return *s;
}
wire::Bytes name_bytes(const std::string& s, bool unicode, bool oem_terminator) {
  if (unicode) return wire::utf16le_from_utf8(s);
  wire::Bytes b(s.begin(), s.end());
  if (oem_terminator) b.push_back(0);
  return b;
}

}  // namespace

std::optional<std::uint16_t> trans2_subcommand(const Transaction2Request& t) {
  if (t.setup.size() != 1) return std::nullopt;
  return t.setup[0];
}

// ---------------------------------------------------------------- FIND_FIRST2 (2.2.6.2)
Transaction2Request to_transaction2(const Trans2FindFirst2Request& m, const Context& c, std::uint16_t max_data) {
  wire::Bytes p;
  wire::Writer w(p);
  w.u16(m.search_attributes);    // 0x00 SearchAttributes
  w.u16(m.search_count);         // 0x02 SearchCount
  w.u16(m.flags);                // 0x04 Flags
  w.u16(m.information_level);    // 0x06 InformationLevel
  w.u32(m.search_storage_type);  // 0x08 SearchStorageType
  detail::write_string(w, m.file_name, c.unicode);  // 0x0C FileName
  return make_request(TRANS2_FIND_FIRST2, std::move(p), m.data, 10, max_data);
}
Result<void> from_transaction2(const Transaction2Request& t, Trans2FindFirst2Request& out, const Context& c) {
  if (auto ok = check(t, TRANS2_FIND_FIRST2); !ok) return ok;
  wire::Reader r(t.trans2_parameters);
  out.search_attributes = r.u16();
  out.search_count = r.u16();
  out.flags = r.u16();
  out.information_level = r.u16();
  out.search_storage_type = r.u32();
  if (!r.ok()) return errc::truncated;
  auto name = detail::read_string(r, c.unicode);
  if (!name) return name.error();
  out.file_name = *name;
  out.data = t.trans2_data;
  return {};
}
Transaction2Response to_transaction2(const Trans2FindFirst2Response& m, const Context&) {
  wire::Bytes p;
  wire::Writer w(p);
  w.u16(m.sid);               // 0x00 SID
  w.u16(m.search_count);      // 0x02 SearchCount
  w.u16(m.end_of_search);     // 0x04 EndOfSearch
  w.u16(m.ea_error_offset);   // 0x06 EaErrorOffset
  w.u16(m.last_name_offset);  // 0x08 LastNameOffset
  return make_response(std::move(p), m.data);
}
Result<void> from_transaction2(const Transaction2Response& t, Trans2FindFirst2Response& out, const Context&) {
  if (auto ok = check(t); !ok) return ok;
  wire::Reader r(t.trans2_parameters);
  out.sid = r.u16();
  out.search_count = r.u16();
  out.end_of_search = r.u16();
  out.ea_error_offset = r.u16();
  out.last_name_offset = r.u16();
  if (!r.ok()) return errc::truncated;
  out.data = t.trans2_data;
  return {};
}

// ---------------------------------------------------------------- FIND_NEXT2 (2.2.6.3)
Transaction2Request to_transaction2(const Trans2FindNext2Request& m, const Context& c, std::uint16_t max_data) {
  wire::Bytes p;
  wire::Writer w(p);
  w.u16(m.sid);                // 0x00 SID
  w.u16(m.search_count);       // 0x02 SearchCount
  w.u16(m.information_level);  // 0x04 InformationLevel
  w.u32(m.resume_key);         // 0x06 ResumeKey
  w.u16(m.flags);              // 0x0A Flags
  detail::write_string(w, m.file_name, c.unicode);  // 0x0C FileName
  return make_request(TRANS2_FIND_NEXT2, std::move(p), m.data, 8, max_data);
}
Result<void> from_transaction2(const Transaction2Request& t, Trans2FindNext2Request& out, const Context& c) {
  if (auto ok = check(t, TRANS2_FIND_NEXT2); !ok) return ok;
  wire::Reader r(t.trans2_parameters);
  out.sid = r.u16();
  out.search_count = r.u16();
  out.information_level = r.u16();
  out.resume_key = r.u32();
  out.flags = r.u16();
  if (!r.ok()) return errc::truncated;
  auto name = detail::read_string(r, c.unicode);
  if (!name) return name.error();
  out.file_name = *name;
  out.data = t.trans2_data;
  return {};
}
Transaction2Response to_transaction2(const Trans2FindNext2Response& m, const Context&) {
  wire::Bytes p;
  wire::Writer w(p);
  w.u16(m.search_count);      // 0x00 SearchCount
  w.u16(m.end_of_search);     // 0x02 EndOfSearch
  w.u16(m.ea_error_offset);   // 0x04 EaErrorOffset
  w.u16(m.last_name_offset);  // 0x06 LastNameOffset
  return make_response(std::move(p), m.data);
}
Result<void> from_transaction2(const Transaction2Response& t, Trans2FindNext2Response& out, const Context&) {
  if (auto ok = check(t); !ok) return ok;
  wire::Reader r(t.trans2_parameters);
  out.search_count = r.u16();
  out.end_of_search = r.u16();
  out.ea_error_offset = r.u16();
  out.last_name_offset = r.u16();
  if (!r.ok()) return errc::truncated;
  out.data = t.trans2_data;
  return {};
}

// ---------------------------------------------------------------- QUERY_FS_INFORMATION (2.2.6.4)
Transaction2Request to_transaction2(const Trans2QueryFsInformationRequest& m, const Context&, std::uint16_t max_data) {
  wire::Bytes p;
  wire::Writer w(p);
  w.u16(m.information_level);  // 0x00 InformationLevel
  return make_request(TRANS2_QUERY_FS_INFORMATION, std::move(p), {}, 0, max_data);
}
Result<void> from_transaction2(const Transaction2Request& t, Trans2QueryFsInformationRequest& out, const Context&) {
  if (auto ok = check(t, TRANS2_QUERY_FS_INFORMATION); !ok) return ok;
  wire::Reader r(t.trans2_parameters);
  out.information_level = r.u16();
  if (!r.ok()) return errc::truncated;
  return {};
}
Transaction2Response to_transaction2(const Trans2QueryFsInformationResponse& m, const Context&) {
  return make_response({}, m.data);
}
Result<void> from_transaction2(const Transaction2Response& t, Trans2QueryFsInformationResponse& out, const Context&) {
  if (auto ok = check(t); !ok) return ok;
  out.data = t.trans2_data;
  return {};
}

// ---------------------------------------------------------------- QUERY_PATH / QUERY_FILE (2.2.6.6, 2.2.6.8)
Transaction2Request to_transaction2(const Trans2QueryPathInformationRequest& m, const Context& c, std::uint16_t max_data) {
  wire::Bytes p;
  wire::Writer w(p);
  w.u16(m.information_level);  // 0x00 InformationLevel
  w.u32(m.reserved);           // 0x02 Reserved
  detail::write_string(w, m.file_name, c.unicode);  // 0x06 FileName
  return make_request(TRANS2_QUERY_PATH_INFORMATION, std::move(p), m.data, 2, max_data);
}
Result<void> from_transaction2(const Transaction2Request& t, Trans2QueryPathInformationRequest& out, const Context& c) {
  if (auto ok = check(t, TRANS2_QUERY_PATH_INFORMATION); !ok) return ok;
  wire::Reader r(t.trans2_parameters);
  out.information_level = r.u16();
  out.reserved = r.u32();
  if (!r.ok()) return errc::truncated;
  auto name = detail::read_string(r, c.unicode);
  if (!name) return name.error();
  out.file_name = *name;
  out.data = t.trans2_data;
  return {};
}
Transaction2Request to_transaction2(const Trans2QueryFileInformationRequest& m, const Context&, std::uint16_t max_data) {
  wire::Bytes p;
  wire::Writer w(p);
  w.u16(m.fid);                // 0x00 FID
  w.u16(m.information_level);  // 0x02 InformationLevel
  return make_request(TRANS2_QUERY_FILE_INFORMATION, std::move(p), m.data, 2, max_data);
}
Result<void> from_transaction2(const Transaction2Request& t, Trans2QueryFileInformationRequest& out, const Context&) {
  if (auto ok = check(t, TRANS2_QUERY_FILE_INFORMATION); !ok) return ok;
  wire::Reader r(t.trans2_parameters);
  out.fid = r.u16();
  out.information_level = r.u16();
  if (!r.ok()) return errc::truncated;
  out.data = t.trans2_data;
  return {};
}
Transaction2Response to_transaction2(const Trans2QueryInformationResponse& m, const Context&) {
  wire::Bytes p;
  wire::Writer w(p);
  w.u16(m.ea_error_offset);  // 0x00 EaErrorOffset
  return make_response(std::move(p), m.data);
}
Result<void> from_transaction2(const Transaction2Response& t, Trans2QueryInformationResponse& out, const Context&) {
  if (auto ok = check(t); !ok) return ok;
  wire::Reader r(t.trans2_parameters);
  out.ea_error_offset = r.u16();
  if (!r.ok()) return errc::truncated;
  out.data = t.trans2_data;
  return {};
}

// ---------------------------------------------------------------- SET_PATH / SET_FILE (2.2.6.7, 2.2.6.9)
Transaction2Request to_transaction2(const Trans2SetPathInformationRequest& m, const Context& c, std::uint16_t max_data) {
  wire::Bytes p;
  wire::Writer w(p);
  w.u16(m.information_level);  // 0x00 InformationLevel
  w.u32(m.reserved);           // 0x02 Reserved
  detail::write_string(w, m.file_name, c.unicode);  // 0x06 FileName
  return make_request(TRANS2_SET_PATH_INFORMATION, std::move(p), m.data, 2, max_data);
}
Result<void> from_transaction2(const Transaction2Request& t, Trans2SetPathInformationRequest& out, const Context& c) {
  if (auto ok = check(t, TRANS2_SET_PATH_INFORMATION); !ok) return ok;
  wire::Reader r(t.trans2_parameters);
  out.information_level = r.u16();
  out.reserved = r.u32();
  if (!r.ok()) return errc::truncated;
  auto name = detail::read_string(r, c.unicode);
  if (!name) return name.error();
  out.file_name = *name;
  out.data = t.trans2_data;
  return {};
}
Transaction2Request to_transaction2(const Trans2SetFileInformationRequest& m, const Context&, std::uint16_t max_data) {
  wire::Bytes p;
  wire::Writer w(p);
  w.u16(m.fid);                // 0x00 FID
  w.u16(m.information_level);  // 0x02 InformationLevel
  w.u16(m.reserved);           // 0x04 Reserved
  return make_request(TRANS2_SET_FILE_INFORMATION, std::move(p), m.data, 2, max_data);
}
Result<void> from_transaction2(const Transaction2Request& t, Trans2SetFileInformationRequest& out, const Context&) {
  if (auto ok = check(t, TRANS2_SET_FILE_INFORMATION); !ok) return ok;
  wire::Reader r(t.trans2_parameters);
  out.fid = r.u16();
  out.information_level = r.u16();
  out.reserved = r.u16();
  if (!r.ok()) return errc::truncated;
  out.data = t.trans2_data;
  return {};
}
Transaction2Response to_transaction2(const Trans2SetInformationResponse& m, const Context&) {
  wire::Bytes p;
  wire::Writer w(p);
  w.u16(m.ea_error_offset);  // 0x00 EaErrorOffset
  return make_response(std::move(p), {});
}
Result<void> from_transaction2(const Transaction2Response& t, Trans2SetInformationResponse& out, const Context&) {
  if (auto ok = check(t); !ok) return ok;
  wire::Reader r(t.trans2_parameters);
  out.ea_error_offset = r.u16();
  if (!r.ok()) return errc::truncated;
  return {};
}

// ---------------------------------------------------------------- information levels (2.2.8)
void encode(wire::Writer& w, const SmbQueryFileBasicInfo& m, const Context&) {
  w.u64(m.creation_time);        // 0x00 CreationTime
  w.u64(m.last_access_time);     // 0x08 LastAccessTime
  w.u64(m.last_write_time);      // 0x10 LastWriteTime
  w.u64(m.last_change_time);     // 0x18 LastChangeTime
  w.u32(m.ext_file_attributes);  // 0x20 ExtFileAttributes
  w.u32(m.reserved);             // 0x24 Reserved
}
Result<void> decode(wire::Reader& r, SmbQueryFileBasicInfo& out, const Context&) {
  out.creation_time = r.u64();
  out.last_access_time = r.u64();
  out.last_write_time = r.u64();
  out.last_change_time = r.u64();
  out.ext_file_attributes = r.u32();
  out.reserved = r.u32();
  return r.ok() ? Result<void>{} : Result<void>{errc::truncated};
}
void encode(wire::Writer& w, const SmbQueryFileStandardInfo& m, const Context&) {
  w.u64(m.allocation_size);   // 0x00 AllocationSize
  w.u64(m.end_of_file);       // 0x08 EndOfFile
  w.u32(m.number_of_links);   // 0x10 NumberOfLinks
  w.u8(m.delete_pending);     // 0x14 DeletePending
  w.u8(m.directory);          // 0x15 Directory
}
Result<void> decode(wire::Reader& r, SmbQueryFileStandardInfo& out, const Context&) {
  out.allocation_size = r.u64();
  out.end_of_file = r.u64();
  out.number_of_links = r.u32();
  out.delete_pending = r.u8();
  out.directory = r.u8();
  return r.ok() ? Result<void>{} : Result<void>{errc::truncated};
}
void encode(wire::Writer& w, const SmbQueryFileAllInfo& m, const Context& c) {
  auto name = name_bytes(m.file_name, c.unicode, false);
  w.u64(m.creation_time);        // 0x00 CreationTime
  w.u64(m.last_access_time);     // 0x08 LastAccessTime
  w.u64(m.last_write_time);      // 0x10 LastWriteTime
  w.u64(m.last_change_time);     // 0x18 LastChangeTime
  w.u32(m.ext_file_attributes);  // 0x20 ExtFileAttributes
  w.u32(m.reserved1);            // 0x24 Reserved1
  w.u64(m.allocation_size);      // 0x28 AllocationSize
  w.u64(m.end_of_file);          // 0x30 EndOfFile
  w.u32(m.number_of_links);      // 0x38 NumberOfLinks
  w.u8(m.delete_pending);        // 0x3C DeletePending
  w.u8(m.directory);             // 0x3D Directory
  w.u16(m.reserved2);            // 0x3E Reserved2
  w.u32(m.ea_size);              // 0x40 EaSize
  w.u32(static_cast<std::uint32_t>(name.size()));  // 0x44 FileNameLength
  w.bytes(name);                 // 0x48 FileName
}
Result<void> decode(wire::Reader& r, SmbQueryFileAllInfo& out, const Context& c) {
  out.creation_time = r.u64();
  out.last_access_time = r.u64();
  out.last_write_time = r.u64();
  out.last_change_time = r.u64();
  out.ext_file_attributes = r.u32();
  out.reserved1 = r.u32();
  out.allocation_size = r.u64();
  out.end_of_file = r.u64();
  out.number_of_links = r.u32();
  out.delete_pending = r.u8();
  out.directory = r.u8();
  out.reserved2 = r.u16();
  out.ea_size = r.u32();
  std::uint32_t name_length = r.u32();
  if (!r.ok()) return errc::truncated;
  if (name_length > r.remaining()) return errc::bad_length;
  auto name = name_from(r.bytes(name_length), c.unicode);
  if (!name) return name.error();
  out.file_name = *name;
  return {};
}
void encode(wire::Writer& w, const SmbSetFileBasicInfo& m, const Context&) {
  w.u64(m.creation_time);        // 0x00 CreationTime
  w.u64(m.last_access_time);     // 0x08 LastAccessTime
  w.u64(m.last_write_time);      // 0x10 LastWriteTime
  w.u64(m.change_time);          // 0x18 ChangeTime
  w.u32(m.ext_file_attributes);  // 0x20 ExtFileAttributes
  w.u32(m.reserved);             // 0x24 Reserved
}
Result<void> decode(wire::Reader& r, SmbSetFileBasicInfo& out, const Context&) {
  out.creation_time = r.u64();
  out.last_access_time = r.u64();
  out.last_write_time = r.u64();
  out.change_time = r.u64();
  out.ext_file_attributes = r.u32();
  out.reserved = r.u32();
  return r.ok() ? Result<void>{} : Result<void>{errc::truncated};
}
void encode(wire::Writer& w, const SmbSetFileDispositionInfo& m, const Context&) { w.u8(m.delete_pending); }
Result<void> decode(wire::Reader& r, SmbSetFileDispositionInfo& out, const Context&) {
  out.delete_pending = r.u8();
  return r.ok() ? Result<void>{} : Result<void>{errc::truncated};
}
void encode(wire::Writer& w, const SmbSetFileAllocationInfo& m, const Context&) { w.u64(m.allocation_size); }
Result<void> decode(wire::Reader& r, SmbSetFileAllocationInfo& out, const Context&) {
  out.allocation_size = r.u64();
  return r.ok() ? Result<void>{} : Result<void>{errc::truncated};
}
void encode(wire::Writer& w, const SmbSetFileEndOfFileInfo& m, const Context&) { w.u64(m.end_of_file); }
Result<void> decode(wire::Reader& r, SmbSetFileEndOfFileInfo& out, const Context&) {
  out.end_of_file = r.u64();
  return r.ok() ? Result<void>{} : Result<void>{errc::truncated};
}
void encode(wire::Writer& w, const SmbInfoAllocation& m, const Context&) {
  w.u32(m.id_file_system);    // 0x00 idFileSystem
  w.u32(m.c_sector_unit);     // 0x04 cSectorUnit
  w.u32(m.c_unit);            // 0x08 cUnit
  w.u32(m.c_unit_available);  // 0x0C cUnitAvailable
  w.u16(m.cb_sector);         // 0x10 cbSector
}
Result<void> decode(wire::Reader& r, SmbInfoAllocation& out, const Context&) {
  out.id_file_system = r.u32();
  out.c_sector_unit = r.u32();
  out.c_unit = r.u32();
  out.c_unit_available = r.u32();
  out.cb_sector = r.u16();
  return r.ok() ? Result<void>{} : Result<void>{errc::truncated};
}
void encode(wire::Writer& w, const SmbQueryFsVolumeInfo& m, const Context&) {
  auto label = wire::utf16le_from_utf8(m.volume_label);
  w.u64(m.volume_creation_time);  // 0x00 VolumeCreationTime
  w.u32(m.serial_number);         // 0x08 SerialNumber
  w.u32(static_cast<std::uint32_t>(label.size()));  // 0x0C VolumeLabelSize
  w.u16(m.reserved);              // 0x10 Reserved
  w.bytes(label);                 // 0x12 VolumeLabel (Unicode)
}
Result<void> decode(wire::Reader& r, SmbQueryFsVolumeInfo& out, const Context&) {
  out.volume_creation_time = r.u64();
  out.serial_number = r.u32();
  std::uint32_t size = r.u32();
  out.reserved = r.u16();
  if (!r.ok()) return errc::truncated;
  if (size > r.remaining()) return errc::bad_length;
  auto label = name_from(r.bytes(size), true);
  if (!label) return label.error();
  out.volume_label = *label;
  return {};
}
void encode(wire::Writer& w, const SmbQueryFsSizeInfo& m, const Context&) {
  w.u64(m.total_allocation_units);       // 0x00 TotalAllocationUnits
  w.u64(m.total_free_allocation_units);  // 0x08 TotalFreeAllocationUnits
  w.u32(m.sectors_per_allocation_unit);  // 0x10 SectorsPerAllocationUnit
  w.u32(m.bytes_per_sector);             // 0x14 BytesPerSector
}
Result<void> decode(wire::Reader& r, SmbQueryFsSizeInfo& out, const Context&) {
  out.total_allocation_units = r.u64();
  out.total_free_allocation_units = r.u64();
  out.sectors_per_allocation_unit = r.u32();
  out.bytes_per_sector = r.u32();
  return r.ok() ? Result<void>{} : Result<void>{errc::truncated};
}
void encode(wire::Writer& w, const SmbQueryFsDeviceInfo& m, const Context&) {
  w.u32(m.device_type);             // 0x00 DeviceType
  w.u32(m.device_characteristics);  // 0x04 DeviceCharacteristics
}
Result<void> decode(wire::Reader& r, SmbQueryFsDeviceInfo& out, const Context&) {
  out.device_type = r.u32();
  out.device_characteristics = r.u32();
  return r.ok() ? Result<void>{} : Result<void>{errc::truncated};
}
void encode(wire::Writer& w, const SmbQueryFsAttributeInfo& m, const Context&) {
  auto name = wire::utf16le_from_utf8(m.file_system_name);
  w.u32(m.file_system_attributes);         // 0x00 FileSystemAttributes
  w.u32(m.max_file_name_length_in_bytes);  // 0x04 MaxFileNameLengthInBytes
  w.u32(static_cast<std::uint32_t>(name.size()));  // 0x08 LengthOfFileSystemName
  w.bytes(name);                           // 0x0C FileSystemName (Unicode)
}
Result<void> decode(wire::Reader& r, SmbQueryFsAttributeInfo& out, const Context&) {
  out.file_system_attributes = r.u32();
  out.max_file_name_length_in_bytes = r.u32();
  std::uint32_t length = r.u32();
  if (!r.ok()) return errc::truncated;
  if (length > r.remaining()) return errc::bad_length;
  auto name = name_from(r.bytes(length), true);
  if (!name) return name.error();
  out.file_system_name = *name;
  return {};
}

// ---------------------------------------------------------------- FIND entries (2.2.8.1.7, MS-SMB 2.2.8.1.1)
namespace {
constexpr std::size_t kBothFixed = 94;    // through ShortName
constexpr std::size_t kIdBothFixed = 104; // + Reserved2 (2) + FileId (8)
}  // namespace

wire::Bytes encode_find_entries(const std::vector<SmbFindFileBothDirectoryInfo>& entries, std::uint16_t level,
                                const Context& c) {
  bool id = level == SMB_FIND_FILE_ID_BOTH_DIRECTORY_INFO;
  wire::Bytes out;
  wire::Writer w(out);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    std::size_t start = w.index();
    auto name = name_bytes(e.file_name, c.unicode, true);
    auto short_name = wire::utf16le_from_utf8(e.short_name);
    if (short_name.size() > 24) short_name.resize(24);
    w.u32(0);                        // 0x00 NextEntryOffset (patched)
    w.u32(e.file_index);             // 0x04 FileIndex
    w.u64(e.creation_time);          // 0x08 CreationTime
    w.u64(e.last_access_time);       // 0x10 LastAccessTime
    w.u64(e.last_write_time);        // 0x18 LastWriteTime
    w.u64(e.last_change_time);       // 0x20 LastChangeTime
    w.u64(e.end_of_file);            // 0x28 EndOfFile
    w.u64(e.allocation_size);        // 0x30 AllocationSize
    w.u32(e.ext_file_attributes);    // 0x38 ExtFileAttributes
    w.u32(static_cast<std::uint32_t>(name.size()));  // 0x3C FileNameLength
    w.u32(e.ea_size);                // 0x40 EaSize
    w.u8(static_cast<std::uint8_t>(short_name.size()));  // 0x44 ShortNameLength
    w.u8(e.reserved);                // 0x45 Reserved
    w.bytes(short_name);             // 0x46 ShortName[24]
    w.zeros(24 - short_name.size());
    if (id) {
      w.u16(e.reserved2);            // 0x5E Reserved2
      w.u64(e.file_id);              // 0x60 FileId
    }
    w.bytes(name);                   // 0x5E / 0x68 FileName
    if (i + 1 < entries.size()) {
      w.align(8);
      w.patch_u32(start, static_cast<std::uint32_t>(w.index() - start));
    }
  }
  return out;
}

Result<std::vector<SmbFindFileBothDirectoryInfo>> decode_find_entries(wire::ByteView data, std::uint16_t level,
                                                                     const Context& c) {
  if (level != SMB_FIND_FILE_BOTH_DIRECTORY_INFO && level != SMB_FIND_FILE_ID_BOTH_DIRECTORY_INFO)
    return errc::unsupported;
  bool id = level == SMB_FIND_FILE_ID_BOTH_DIRECTORY_INFO;
  std::size_t fixed = id ? kIdBothFixed : kBothFixed;
  std::vector<SmbFindFileBothDirectoryInfo> out;
  std::size_t pos = 0;
  while (pos < data.size()) {
    wire::Reader r(data.subspan(pos));
    SmbFindFileBothDirectoryInfo e;
    std::uint32_t next = r.u32();
    e.file_index = r.u32();
    e.creation_time = r.u64();
    e.last_access_time = r.u64();
    e.last_write_time = r.u64();
    e.last_change_time = r.u64();
    e.end_of_file = r.u64();
    e.allocation_size = r.u64();
    e.ext_file_attributes = r.u32();
    std::uint32_t name_length = r.u32();
    e.ea_size = r.u32();
    std::uint8_t short_length = r.u8();
    e.reserved = r.u8();
    auto short_name = r.bytes(24);
    if (id) {
      e.reserved2 = r.u16();
      e.file_id = r.u64();
    }
    if (!r.ok()) return errc::truncated;
    if (short_length > 24) return errc::bad_length;
    auto sn = name_from(short_name.first(short_length), true);
    if (!sn) return sn.error();
    e.short_name = *sn;
    std::size_t entry_end = next != 0 ? next : r.size();
    if (next != 0 && (next < fixed || next > r.size())) return errc::bad_offset;
    if (name_length > entry_end - fixed) return errc::bad_length;
    auto fn = name_from(r.bytes(name_length), c.unicode);
    if (!fn) return fn.error();
    e.file_name = *fn;
    out.push_back(std::move(e));
    if (next == 0) break;
    pos += next;
  }
  return out;
}

}  // namespace smb::proto::smb1
