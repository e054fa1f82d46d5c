// SMB1 NT_CREATE_ANDX codec (MS-CIFS 2.2.4.64, MS-SMB 2.2.4.9). Word offsets relative to Words.
#include "smbproto/smb1/nt_create_andx.hpp"

#include "block.hpp"

namespace smb::proto::smb1 {

void encode(wire::Writer& w, const NtCreateAndxRequest& m, const Context& c) {
  auto words = detail::begin_words(w, m.word_count);
  w.u8(m.andx_command);                    // 0x00 AndXCommand
  w.u8(m.andx_reserved);                   // 0x01 AndXReserved
  w.u16(m.andx_offset);                    // 0x02 AndXOffset
  w.u8(m.reserved);                        // 0x04 Reserved
  w.u16(static_cast<std::uint16_t>(detail::string_size(m.file_name, c.unicode)));  // 0x05 NameLength
  w.u32(m.flags);                          // 0x07 Flags
  w.u32(m.root_directory_fid);             // 0x0B RootDirectoryFID
  w.u32(m.desired_access);                 // 0x0F DesiredAccess
  w.u64(m.allocation_size);                // 0x13 AllocationSize
  w.u32(m.ext_file_attributes);            // 0x1B ExtFileAttributes
  w.u32(m.share_access);                   // 0x1F ShareAccess
  w.u32(m.create_disposition);             // 0x23 CreateDisposition
  w.u32(m.create_options);                 // 0x27 CreateOptions
  w.u32(m.impersonation_level);            // 0x2B ImpersonationLevel
  w.u8(m.security_flags);                  // 0x2F SecurityFlags
  detail::finish_words(w, words, 2 * std::size_t{m.word_count});
  auto bc = detail::begin_bytes(w);
  detail::write_string(w, m.file_name, c.unicode);  // Pad + FileName
  detail::patch_byte_count(w, bc);
}

Result<void> decode(wire::Reader& r, NtCreateAndxRequest& out, const Context& c) {
  auto b = detail::begin_block(r, {0x18});
  if (!b) return b.error();
  out.word_count = b->word_count;
  out.andx_command = r.u8();
  out.andx_reserved = r.u8();
  out.andx_offset = r.u16();
  out.reserved = r.u8();
  std::uint16_t name_length = r.u16();
  out.flags = r.u32();
  out.root_directory_fid = r.u32();
  out.desired_access = r.u32();
  out.allocation_size = r.u64();
  out.ext_file_attributes = r.u32();
  out.share_access = r.u32();
  out.create_disposition = r.u32();
  out.create_options = r.u32();
  out.impersonation_level = r.u32();
  out.security_flags = r.u8();
  if (name_length > b->byte_count) return errc::bad_length;
  // The name is read up to its terminator: clients disagree on whether NameLength counts it
  // (Samba also appends an extra NUL), so NameLength only bounds-checks.
  auto br = detail::bytes_reader(r, *b);
  auto name = detail::read_string(br, c.unicode);
  if (!name) return name.error();
  out.file_name = *name;
  detail::end_block(r, *b);
  return {};
}

namespace {
// MS-SMB 2.2.4.9.2 (+ Windows/Samba behaviour): WordCount 0x2A announces 50 words on the wire.
std::size_t nt_create_words_bytes(std::uint8_t wc) { return wc == 0x2A || wc == 0x32 ? 100 : 2 * std::size_t{wc}; }
}  // namespace

void encode(wire::Writer& w, const NtCreateAndxResponse& m, const Context&) {
  auto words = detail::begin_words(w, m.word_count);
  w.u8(m.andx_command);                    // 0x00 AndXCommand
  w.u8(m.andx_reserved);                   // 0x01 AndXReserved
  w.u16(m.andx_offset);                    // 0x02 AndXOffset
  w.u8(m.op_lock_level);                   // 0x04 OpLockLevel
  w.u16(m.fid);                            // 0x05 FID
  w.u32(m.create_disposition);             // 0x07 CreateDisposition
  w.u64(m.create_time);                    // 0x0B CreateTime
  w.u64(m.last_access_time);               // 0x13 LastAccessTime
  w.u64(m.last_write_time);                // 0x1B LastWriteTime
  w.u64(m.last_change_time);               // 0x23 LastChangeTime
  w.u32(m.ext_file_attributes);            // 0x2B ExtFileAttributes
  w.u64(m.allocation_size);                // 0x2F AllocationSize
  w.u64(m.end_of_file);                    // 0x37 EndOfFile
  w.u16(m.resource_type);                  // 0x3F ResourceType
  w.u16(m.nm_pipe_status);                 // 0x41 NMPipeStatus
  w.u8(m.directory);                       // 0x43 Directory
  w.array(m.volume_guid.bytes);            // 0x44 VolumeGUID (MS-SMB)
  w.u64(m.file_id);                        // 0x54 FileId
  w.u32(m.maximal_access_rights);          // 0x5C MaximalAccessRights
  w.u32(m.guest_maximal_access_rights);    // 0x60 GuestMaximalAccessRights
  detail::finish_words(w, words, nt_create_words_bytes(m.word_count));
  w.u16(0);                                // ByteCount
}

Result<void> decode(wire::Reader& r, NtCreateAndxResponse& out, const Context&) {
  auto b = detail::begin_block(r, {0x22, 0x2A, 0x32}, nt_create_words_bytes);
  if (!b) return b.error();
  if (b->byte_count != 0) return errc::bad_byte_count;  // 2.2.4.64.2: ByteCount MUST be 0
  out = NtCreateAndxResponse{};
  out.word_count = b->word_count;
  out.andx_command = r.u8();
  out.andx_reserved = r.u8();
  out.andx_offset = r.u16();
  out.op_lock_level = r.u8();
  out.fid = r.u16();
  out.create_disposition = r.u32();
  out.create_time = r.u64();
  out.last_access_time = r.u64();
  out.last_write_time = r.u64();
  out.last_change_time = r.u64();
  out.ext_file_attributes = r.u32();
  out.allocation_size = r.u64();
  out.end_of_file = r.u64();
  out.resource_type = r.u16();
  out.nm_pipe_status = r.u16();
  out.directory = r.u8();
  if (b->word_count != 0x22) {
    out.volume_guid.bytes = r.array<16>();
    out.file_id = r.u64();
    out.maximal_access_rights = r.u32();
    out.guest_maximal_access_rights = r.u32();
  }
  detail::end_block(r, *b);
  return {};
}

}  // namespace smb::proto::smb1
