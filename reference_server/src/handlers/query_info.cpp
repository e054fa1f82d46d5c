// SMB2 QUERY_INFO (MS-SMB2 3.3.5.20; information classes MS-FSCC 2.4/2.5; security MS-DTYP 2.4.6).
#include <sys/statvfs.h>

#include "smbproto/fscc.hpp"
#include "smbserver/access.hpp"
#include "smbserver/handlers.hpp"

namespace smb::server {
namespace {

namespace f = proto::fscc;
using proto::SMB2_0_INFO_FILE;
using proto::SMB2_0_INFO_FILESYSTEM;
using proto::SMB2_0_INFO_SECURITY;

/** SMB path of an open as FileNameInformation reports it: "\dir\file" (MS-FSCC 2.4 FileNameInformation). */
std::string smb_name(const std::string& path) {
  std::string r = "\\" + path;
  for (auto& ch : r)
    if (ch == '/') ch = '\\';
  return r;
}

/**
 * Fits `data` into OutputBufferLength (3.3.5.20.1/.2): a fixed-size structure that does not fit ->
 * STATUS_INFO_LENGTH_MISMATCH; a variable-length one whose fixed part fits is truncated and
 * answered with STATUS_BUFFER_OVERFLOW (a warning that still carries the data, 3.3.4.4).
 */
HandlerResult fit(wire::Bytes data, std::uint32_t out_len, std::size_t fixed_size) {
  if (data.size() <= out_len) {
    proto::QueryInfoResponse r;
    r.output_buffer = std::move(data);
    return r;
  }
  if (out_len < fixed_size || fixed_size == data.size()) return status::STATUS_INFO_LENGTH_MISMATCH;
  data.resize(out_len);
  proto::QueryInfoResponse r;
  r.output_buffer = std::move(data);
  return HandlerResult::with_status(status::STATUS_BUFFER_OVERFLOW, std::move(r));
}

HandlerResult file_info(RequestContext& ctx, const proto::QueryInfoRequest& req, Open& open, const FileStat& st) {
  const std::uint32_t need_attrs = access::FILE_READ_ATTRIBUTES;
  auto basic = [&] {
    f::FileBasicInformation b;
    b.creation_time = st.times.creation_time;
    b.last_access_time = st.times.last_access_time;
    b.last_write_time = st.times.last_write_time;
    b.change_time = st.times.change_time;
    b.file_attributes = st.file_attributes;
    return b;
  };
  auto standard = [&] {
    f::FileStandardInformation s;
    s.allocation_size = st.allocation_size;
    s.end_of_file = st.end_of_file;
    s.number_of_links = st.number_of_links;
    s.delete_pending = open.file && open.file->delete_pending ? 1 : 0;
    s.directory = st.is_directory ? 1 : 0;
    return s;
  };
  // MS-FSA 2.1.5.12: attribute classes need FILE_READ_ATTRIBUTES.
  auto attrs_ok = [&] { return (open.granted_access & need_attrs) != 0; };
  switch (req.file_info_class) {
    case f::FileBasicInformation::info_class:
      if (!attrs_ok()) return status::STATUS_ACCESS_DENIED;
      return fit(f::encode_info(basic()), req.output_buffer_length, 40);
    case f::FileStandardInformation::info_class:
      return fit(f::encode_info(standard()), req.output_buffer_length, 24);
    case f::FileInternalInformation::info_class:
      return fit(f::encode_info(f::FileInternalInformation{st.index_number}), req.output_buffer_length, 8);
    case f::FileEaInformation::info_class:
      return fit(f::encode_info(f::FileEaInformation{0}), req.output_buffer_length, 4);
    case f::FileAccessInformation::info_class:
      return fit(f::encode_info(f::FileAccessInformation{open.granted_access}), req.output_buffer_length, 4);
    case f::FilePositionInformation::info_class:
      return fit(f::encode_info(f::FilePositionInformation{open.current_offset}), req.output_buffer_length, 8);
    case f::FileModeInformation::info_class:
      return fit(f::encode_info(f::FileModeInformation{open.mode}), req.output_buffer_length, 4);
    case f::FileAlignmentInformation::info_class:
      return fit(f::encode_info(f::FileAlignmentInformation{0}), req.output_buffer_length, 4);
    case f::FileAllInformation::info_class: {
      if (!attrs_ok()) return status::STATUS_ACCESS_DENIED;
      f::FileAllInformation a;
      a.basic_information = basic();
      a.standard_information = standard();
      a.internal_information.index_number = st.index_number;
      a.access_information.access_flags = open.granted_access;
      a.position_information.current_byte_offset = open.current_offset;
      a.mode_information.mode = open.mode;
      a.name_information.file_name = smb_name(open.path);
      return fit(f::encode_info(a), req.output_buffer_length, 100);
    }
    case f::FileNetworkOpenInformation::info_class: {
      if (!attrs_ok()) return status::STATUS_ACCESS_DENIED;
      f::FileNetworkOpenInformation n;
      set_stat_fields(n, st);
      return fit(f::encode_info(n), req.output_buffer_length, 56);
    }
    case f::FileAttributeTagInformation::info_class:
      if (!attrs_ok()) return status::STATUS_ACCESS_DENIED;
      return fit(f::encode_info(f::FileAttributeTagInformation{st.file_attributes, 0}), req.output_buffer_length, 8);
    case f::FileStreamInformation::info_class: {
      // MS-FSA 2.1.5.12.29: one entry per data stream of Open.File, named ":<name>:$DATA" ("::$DATA" for the
      // default stream, which a directory does not have: MS-FSCC 2.1.5.3). An open of a named stream ("f:s",
      // create.cpp) lists the streams of its file. No access right is needed (MS-FSA 2.1.5.12).
      if (req.output_buffer_length < f::FileStreamInformation::fixed_size) return status::STATUS_INFO_LENGTH_MISMATCH;
      auto streams = open.tree_connect->share->store->streams(file_path_of(open));
      if (!streams) return streams.status();
      std::vector<f::FileStreamInformation> v;
      for (const auto& s : *streams) v.push_back({s.size, s.allocation_size, ":" + s.name + ":$DATA"});
      // Whole entries only: the first one that does not fit (8-byte aligned after the previous one) ends the
      // buffer with STATUS_BUFFER_OVERFLOW (2.1.5.12.29), and the entries before it are returned (MS-SMB2 3.3.5.20).
      wire::Bytes b = f::encode_entries(v);
      while (b.size() > req.output_buffer_length) {
        v.pop_back();
        b = f::encode_entries(v);
      }
      proto::QueryInfoResponse r;
      r.output_buffer = std::move(b);
      if (v.size() < streams->size()) return HandlerResult::with_status(status::STATUS_BUFFER_OVERFLOW, std::move(r));
      return r;
    }
    case f::FileNameInformation::info_class:
      return fit(f::encode_info(f::FileNameInformation{smb_name(open.path)}), req.output_buffer_length, 4);
    case 21:
      // FileAlternateNameInformation: no 8.3 short names are generated, and MS-FSA 2.1.5.12.3 fails
      // the query with STATUS_OBJECT_NAME_NOT_FOUND when the file has none.
      return status::STATUS_OBJECT_NAME_NOT_FOUND;
    default:
      (void)ctx;
      return status::STATUS_INVALID_INFO_CLASS;  // MS-FSA 2.1.5.12: unsupported class
  }
}

HandlerResult fs_info(const proto::QueryInfoRequest& req, Open& open, Share& share) {
  struct statvfs sv {};
  bool have_vfs = open.local_open && fstatvfs(open.local_open->fd(), &sv) == 0;
  std::uint32_t bps = 512;
  std::uint32_t spu = have_vfs && sv.f_frsize >= bps ? static_cast<std::uint32_t>(sv.f_frsize / bps) : 8;
  std::uint64_t total = have_vfs ? sv.f_blocks : 0, avail = have_vfs ? sv.f_bavail : 0, free_ = have_vfs ? sv.f_bfree : 0;
  switch (req.file_info_class) {
    case f::FileFsVolumeInformation::info_class: {
      f::FileFsVolumeInformation v;
      v.volume_serial_number = static_cast<std::uint32_t>(std::hash<std::string>{}(share.config.name));
      v.volume_label = share.config.name;
      return fit(f::encode_info(v), req.output_buffer_length, 18);
    }
    case f::FileFsSizeInformation::info_class:
      return fit(f::encode_info(f::FileFsSizeInformation{total, avail, spu, bps}), req.output_buffer_length, 24);
    case f::FileFsFullSizeInformation::info_class:
      return fit(f::encode_info(f::FileFsFullSizeInformation{total, avail, free_, spu, bps}), req.output_buffer_length, 32);
    case f::FileFsDeviceInformation::info_class:
      return fit(f::encode_info(f::FileFsDeviceInformation{0x00000007, 0}), req.output_buffer_length, 8);  // FILE_DEVICE_DISK
    case f::FileFsAttributeInformation::info_class: {
      // FILE_CASE_SENSITIVE_SEARCH | FILE_CASE_PRESERVED_NAMES | FILE_UNICODE_ON_DISK (MS-FSCC 2.5).
      f::FileFsAttributeInformation a{0x00000007, 255, "NTFS"};
      return fit(f::encode_info(a), req.output_buffer_length, 12);
    }
    case f::FileFsSectorSizeInformation::info_class: {
      f::FileFsSectorSizeInformation s{bps, bps, bps, bps, 0x3, 0, 0};
      return fit(f::encode_info(s), req.output_buffer_length, 28);
    }
    default:
      return status::STATUS_INVALID_INFO_CLASS;
  }
}

/**
 * A minimal self-relative security descriptor (MS-DTYP 2.4.6): owner and group Everyone (S-1-1-0),
 * a DACL with one ACCESS_ALLOWED ACE granting Everyone FILE_ALL_ACCESS; only the parts asked for
 * in AdditionalInformation (OWNER 0x1, GROUP 0x2, DACL 0x4).
 */
wire::Bytes security_descriptor(std::uint32_t info) {
  static const std::uint8_t kEveryone[12] = {1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0};
  wire::Bytes b;
  wire::Writer w(b);
  std::uint16_t control = 0x8000;  // SE_SELF_RELATIVE
  if (info & 0x4) control |= 0x0004;  // SE_DACL_PRESENT
  w.u8(1);  // Revision
  w.u8(0);  // Sbz1
  w.u16(control);
  std::size_t off_fields = b.size();
  w.u32(0);  // OffsetOwner
  w.u32(0);  // OffsetGroup
  w.u32(0);  // OffsetSacl
  w.u32(0);  // OffsetDacl
  if (info & 0x1) {
    w.patch_u32(off_fields, static_cast<std::uint32_t>(b.size()));
    w.bytes(wire::ByteView(kEveryone, 12));
  }
  if (info & 0x2) {
    w.patch_u32(off_fields + 4, static_cast<std::uint32_t>(b.size()));
    w.bytes(wire::ByteView(kEveryone, 12));
  }
  if (info & 0x4) {
    w.patch_u32(off_fields + 12, static_cast<std::uint32_t>(b.size()));
    w.u8(2);       // AclRevision
    w.u8(0);       // Sbz1
    w.u16(8 + 20); // AclSize: header + one ACE
    w.u16(1);      // AceCount
    w.u16(0);      // Sbz2
    w.u8(0);       // ACCESS_ALLOWED_ACE_TYPE
    w.u8(0);       // AceFlags
    w.u16(20);     // AceSize: header 4 + mask 4 + SID 12
    w.u32(access::FILE_ALL_ACCESS);
    w.bytes(wire::ByteView(kEveryone, 12));
  }
  return b;
}

}  // namespace

HandlerResult handle_query_info(RequestContext& ctx, const proto::QueryInfoRequest& req) {
  // 3.3.5.20: session -> tree -> open.
  if (NtStatus st = verify_session(ctx); !st.is_success()) return st;
  if (NtStatus st = verify_tree(ctx); !st.is_success()) return st;
  if (NtStatus st = lookup_open(ctx, req.file_id); !st.is_success()) return st;
  Open& open = *ctx.open;
  Share& share = *open.tree_connect->share;
  // 3.3.5.20: OutputBufferLength larger than Connection.MaxTransactSize -> INVALID_PARAMETER.
  if (req.output_buffer_length > ctx.connection.max_transact_size) return status::STATUS_INVALID_PARAMETER;
  if (!share.store || !open.local_open) return status::STATUS_NOT_SUPPORTED;
  switch (req.info_type) {
    case SMB2_0_INFO_FILE: {
      // A named stream's times and attributes are its file's; its sizes are its own (MS-FSA 2.1.1.3, 2.1.1.4).
      auto st = open_stat(open);
      if (!st) return st.status();
      return file_info(ctx, req, open, st.value());
    }
    case SMB2_0_INFO_FILESYSTEM:
      return fs_info(req, open, share);
    case SMB2_0_INFO_SECURITY: {
      // 3.3.5.20.3: reading the descriptor needs READ_CONTROL.
      if (!(open.granted_access & access::READ_CONTROL)) return status::STATUS_ACCESS_DENIED;
      wire::Bytes sd = security_descriptor(req.additional_information);
      if (sd.size() > req.output_buffer_length) {
        // 3.3.5.20.3: too small -> STATUS_BUFFER_TOO_SMALL; the ERROR response's ErrorData carries
        // the required length (4 bytes). The engine sends an empty ERROR body; clients re-ask.
        return status::STATUS_BUFFER_TOO_SMALL;
      }
      proto::QueryInfoResponse r;
      r.output_buffer = std::move(sd);
      return r;
    }
    default:
      return status::STATUS_NOT_SUPPORTED;  // quota: not supported
  }
}

}  // namespace smb::server
