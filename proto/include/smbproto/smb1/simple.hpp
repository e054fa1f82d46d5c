// SMB1 messages whose blocks hold only fixed words (and at most a data blob or one name):
// CLOSE, FLUSH, DELETE, DELETE_DIRECTORY, ECHO, LOGOFF_ANDX, TREE_DISCONNECT, and the error response.
#pragma once

#include <cstdint>
#include <string>

#include "smbproto/fields.hpp"
#include "smbproto/result.hpp"
#include "smbproto/smb1/header.hpp"
#include "smbproto/smb1/names.hpp"
#include "smbproto/wire.hpp"

namespace smb::proto::smb1 {

/** MS-CIFS 2.2.4.5.1 SMB_COM_CLOSE Request: WordCount 0x03, ByteCount 0. */
struct CloseRequest {
  std::uint8_t word_count = 0x03;
  std::uint16_t fid = 0;
  std::uint32_t last_time_modified = 0;  ///< UTIME; 0 and 0xFFFFFFFF: leave the time alone (3.3.5.7)
  bool operator==(const CloseRequest&) const = default;
};
/** MS-CIFS 2.2.4.5.2: WordCount 0, ByteCount 0. */
struct CloseResponse {
  std::uint8_t word_count = 0;
  bool operator==(const CloseResponse&) const = default;
};

/** MS-CIFS 2.2.4.6.1 SMB_COM_FLUSH Request: WordCount 0x01 (FID 0xFFFF: every file of the PID). */
struct FlushRequest {
  std::uint8_t word_count = 0x01;
  std::uint16_t fid = 0;
  bool operator==(const FlushRequest&) const = default;
};
/** MS-CIFS 2.2.4.6.2: WordCount 0, ByteCount 0. */
struct FlushResponse {
  std::uint8_t word_count = 0;
  bool operator==(const FlushResponse&) const = default;
};

/** MS-CIFS 2.2.4.7.1 SMB_COM_DELETE Request: WordCount 0x01; Bytes: BufferFormat 0x04, FileName. */
struct DeleteRequest {
  std::uint8_t word_count = 0x01;
  std::uint16_t search_attributes = 0;  ///< names::smb_file_attributes
  std::uint8_t buffer_format = 0x04;    ///< MUST be 0x04
  std::string file_name;
  bool operator==(const DeleteRequest&) const = default;
};
/** MS-CIFS 2.2.4.7.2: WordCount 0, ByteCount 0. */
struct DeleteResponse {
  std::uint8_t word_count = 0;
  bool operator==(const DeleteResponse&) const = default;
};

/** MS-CIFS 2.2.4.2.1 SMB_COM_DELETE_DIRECTORY Request: WordCount 0; Bytes: BufferFormat 0x04, DirectoryName. */
struct DeleteDirectoryRequest {
  std::uint8_t word_count = 0;
  std::uint8_t buffer_format = 0x04;  ///< MUST be 0x04
  std::string directory_name;
  bool operator==(const DeleteDirectoryRequest&) const = default;
};
/** MS-CIFS 2.2.4.2.2: WordCount 0, ByteCount 0. */
struct DeleteDirectoryResponse {
  std::uint8_t word_count = 0;
  bool operator==(const DeleteDirectoryResponse&) const = default;
};

/**
 * MS-CIFS 2.2.4.8.1 SMB_COM_RENAME Request: WordCount 0x01 (SearchAttributes); Bytes: BufferFormat1 0x04, OldFileName,
 * BufferFormat2 0x04, NewFileName (SMB_STRINGs; a Unicode name is 2-aligned from the header start, MS-CIFS 2.2.1.1,
 * so a pad byte may follow BufferFormat2).
 */
struct RenameRequest {
  std::uint8_t word_count = 0x01;
  std::uint16_t search_attributes = 0;  ///< names::smb_file_attributes
  std::uint8_t buffer_format1 = 0x04;   ///< MUST be 0x04
  std::string old_file_name;
  std::uint8_t buffer_format2 = 0x04;   ///< MUST be 0x04
  std::string new_file_name;
  bool operator==(const RenameRequest&) const = default;
};
/** MS-CIFS 2.2.4.8.2: WordCount 0, ByteCount 0. */
struct RenameResponse {
  std::uint8_t word_count = 0;
  bool operator==(const RenameResponse&) const = default;
};

/** MS-CIFS 2.2.4.66.1 InformationLevel values. */
inline constexpr std::uint16_t SMB_NT_RENAME_SET_LINK_INFO = 0x0103;
inline constexpr std::uint16_t SMB_NT_RENAME_RENAME_FILE = 0x0104;
inline constexpr std::uint16_t SMB_NT_RENAME_MOVE_FILE = 0x0105;

/**
 * MS-CIFS 2.2.4.66.1 SMB_COM_NT_RENAME Request: WordCount 0x04 (SearchAttributes, InformationLevel, Reserved ULONG);
 * Bytes as SMB_COM_RENAME.
 */
struct NtRenameRequest {
  std::uint8_t word_count = 0x04;
  std::uint16_t search_attributes = 0;                          ///< names::smb_file_attributes
  std::uint16_t information_level = SMB_NT_RENAME_RENAME_FILE;  ///< 0x0103 link, 0x0104 rename, 0x0105 move
  std::uint32_t reserved = 0;                                   ///< "SHOULD be set to 0x00000000"
  std::uint8_t buffer_format1 = 0x04;                           ///< MUST be 0x04
  std::string old_file_name;
  std::uint8_t buffer_format2 = 0x04;                           ///< MUST be 0x04
  std::string new_file_name;
  bool operator==(const NtRenameRequest&) const = default;
};
/** MS-CIFS 2.2.4.66.2: WordCount 0, ByteCount 0. */
struct NtRenameResponse {
  std::uint8_t word_count = 0;
  bool operator==(const NtRenameResponse&) const = default;
};

/** MS-CIFS 2.2.4.39.1 SMB_COM_ECHO Request: WordCount 0x01 (EchoCount); Bytes: Data. */
struct EchoRequest {
  std::uint8_t word_count = 0x01;
  std::uint16_t echo_count = 1;
  wire::Bytes data;
  bool operator==(const EchoRequest&) const = default;
};
/** MS-CIFS 2.2.4.39.2 SMB_COM_ECHO Response: WordCount 0x01 (SequenceNumber); Bytes: Data. */
struct EchoResponse {
  std::uint8_t word_count = 0x01;
  std::uint16_t sequence_number = 0;
  wire::Bytes data;
  bool operator==(const EchoResponse&) const = default;
};

/** MS-CIFS 2.2.4.54.1 SMB_COM_LOGOFF_ANDX Request: WordCount 0x02 (AndX only), ByteCount 0. */
struct LogoffAndxRequest {
  std::uint8_t word_count = 0x02;
  std::uint8_t andx_command = 0xFF;
  std::uint8_t andx_reserved = 0;
  std::uint16_t andx_offset = 0;
  bool operator==(const LogoffAndxRequest&) const = default;
};
/** MS-CIFS 2.2.4.54.2: WordCount 0x02 (AndX only), ByteCount 0. */
struct LogoffAndxResponse {
  std::uint8_t word_count = 0x02;
  std::uint8_t andx_command = 0xFF;
  std::uint8_t andx_reserved = 0;
  std::uint16_t andx_offset = 0;
  bool operator==(const LogoffAndxResponse&) const = default;
};

/** MS-CIFS 2.2.4.51.1 SMB_COM_TREE_DISCONNECT Request: WordCount 0, ByteCount 0. */
struct TreeDisconnectRequest {
  std::uint8_t word_count = 0;
  bool operator==(const TreeDisconnectRequest&) const = default;
};
/** MS-CIFS 2.2.4.51.2: WordCount 0, ByteCount 0. */
struct TreeDisconnectResponse {
  std::uint8_t word_count = 0;
  bool operator==(const TreeDisconnectResponse&) const = default;
};

/**
 * MS-CIFS 2.2.4.65.1 SMB_COM_NT_CANCEL Request: WordCount 0, ByteCount 0; the header names the request to cancel
 * (UID, TID, PID, MID, 3.3.5.52).
 */
struct NtCancelRequest {
  std::uint8_t word_count = 0;
  bool operator==(const NtCancelRequest&) const = default;
};
/**
 * MS-CIFS 2.2.4.65.2: "There is no response message associated with this command" -- the server never sends one
 * (2.2.4.65: MUST NOT). The type exists so that the command table has a row; it decodes an empty block.
 */
struct NtCancelResponse {
  std::uint8_t word_count = 0;
  bool operator==(const NtCancelResponse&) const = default;
};

/**
 * An error response block: WordCount 0, ByteCount 0, the status in the header (MS-CIFS 2.2.3.1:
 * "If the request fails, the server MUST ... return an error response ... SMB_Parameters and
 * SMB_Data ... empty", 3.3.4.1.2).
 */
struct Smb1ErrorResponse {
  std::uint8_t word_count = 0;
  bool operator==(const Smb1ErrorResponse&) const = default;
};

#define SMB1_WORD_COUNT_ONLY_FIELDS(T)                         \
  template <class M, class V>                                  \
    requires std::same_as<std::remove_cvref_t<M>, T>           \
  constexpr void for_each_field(M&& m, V&& v) {                \
    v(field("word_count"), m.word_count);                      \
  }
SMB1_WORD_COUNT_ONLY_FIELDS(CloseResponse)
SMB1_WORD_COUNT_ONLY_FIELDS(FlushResponse)
SMB1_WORD_COUNT_ONLY_FIELDS(DeleteResponse)
SMB1_WORD_COUNT_ONLY_FIELDS(DeleteDirectoryResponse)
SMB1_WORD_COUNT_ONLY_FIELDS(RenameResponse)
SMB1_WORD_COUNT_ONLY_FIELDS(NtRenameResponse)
SMB1_WORD_COUNT_ONLY_FIELDS(TreeDisconnectRequest)
SMB1_WORD_COUNT_ONLY_FIELDS(TreeDisconnectResponse)
SMB1_WORD_COUNT_ONLY_FIELDS(NtCancelRequest)
SMB1_WORD_COUNT_ONLY_FIELDS(NtCancelResponse)
SMB1_WORD_COUNT_ONLY_FIELDS(Smb1ErrorResponse)
#undef SMB1_WORD_COUNT_ONLY_FIELDS

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, CloseRequest>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("word_count"), m.word_count);
  v(field("fid"), m.fid);
  v(field("last_time_modified"), m.last_time_modified);
}
template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, FlushRequest>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("word_count"), m.word_count);
  v(field("fid"), m.fid);
}
template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, DeleteRequest>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("word_count"), m.word_count);
  v(field("search_attributes", &names::smb_file_attributes), m.search_attributes);
  v(field("buffer_format"), m.buffer_format);
  v(field("file_name"), m.file_name);
}
template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, DeleteDirectoryRequest>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("word_count"), m.word_count);
  v(field("buffer_format"), m.buffer_format);
  v(field("directory_name"), m.directory_name);
}
template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, RenameRequest>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("word_count"), m.word_count);
  v(field("search_attributes", &names::smb_file_attributes), m.search_attributes);
  v(field("buffer_format1"), m.buffer_format1);
  v(field("old_file_name"), m.old_file_name);
  v(field("buffer_format2"), m.buffer_format2);
  v(field("new_file_name"), m.new_file_name);
}
template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, NtRenameRequest>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("word_count"), m.word_count);
  v(field("search_attributes", &names::smb_file_attributes), m.search_attributes);
  v(field("information_level"), m.information_level);
  v(field("reserved"), m.reserved);
  v(field("buffer_format1"), m.buffer_format1);
  v(field("old_file_name"), m.old_file_name);
  v(field("buffer_format2"), m.buffer_format2);
  v(field("new_file_name"), m.new_file_name);
}
template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, EchoRequest>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("word_count"), m.word_count);
  v(field("echo_count"), m.echo_count);
  v(field("data"), m.data);
}
template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, EchoResponse>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("word_count"), m.word_count);
  v(field("sequence_number"), m.sequence_number);
  v(field("data"), m.data);
}
template <class M, class V>
  requires(std::same_as<std::remove_cvref_t<M>, LogoffAndxRequest> || std::same_as<std::remove_cvref_t<M>, LogoffAndxResponse>)
constexpr void for_each_field(M&& m, V&& v) {
  v(field("word_count"), m.word_count);
  v(field("andx_command", &names::command), m.andx_command);
  v(field("andx_reserved"), m.andx_reserved);
  v(field("andx_offset"), m.andx_offset);
}

// Encoders append the block (WordCount .. Bytes) at the writer's position; the writer's offset()
// must be header-relative (Unicode alignment is counted from the header start).
void encode(wire::Writer& w, const CloseRequest& m, const Context& c = {});
void encode(wire::Writer& w, const CloseResponse& m, const Context& c = {});
void encode(wire::Writer& w, const FlushRequest& m, const Context& c = {});
void encode(wire::Writer& w, const FlushResponse& m, const Context& c = {});
void encode(wire::Writer& w, const DeleteRequest& m, const Context& c = {});
void encode(wire::Writer& w, const DeleteResponse& m, const Context& c = {});
void encode(wire::Writer& w, const DeleteDirectoryRequest& m, const Context& c = {});
void encode(wire::Writer& w, const DeleteDirectoryResponse& m, const Context& c = {});
void encode(wire::Writer& w, const RenameRequest& m, const Context& c = {});
void encode(wire::Writer& w, const RenameResponse& m, const Context& c = {});
void encode(wire::Writer& w, const NtRenameRequest& m, const Context& c = {});
void encode(wire::Writer& w, const NtRenameResponse& m, const Context& c = {});
void encode(wire::Writer& w, const EchoRequest& m, const Context& c = {});
void encode(wire::Writer& w, const EchoResponse& m, const Context& c = {});
void encode(wire::Writer& w, const LogoffAndxRequest& m, const Context& c = {});
void encode(wire::Writer& w, const LogoffAndxResponse& m, const Context& c = {});
void encode(wire::Writer& w, const TreeDisconnectRequest& m, const Context& c = {});
void encode(wire::Writer& w, const TreeDisconnectResponse& m, const Context& c = {});
void encode(wire::Writer& w, const NtCancelRequest& m, const Context& c = {});
void encode(wire::Writer& w, const NtCancelResponse& m, const Context& c = {});
void encode(wire::Writer& w, const Smb1ErrorResponse& m, const Context& c = {});

/**
 * Decoders read the block at the reader's position and leave the reader after it.
 * Errors (all): errc::truncated (WordCount, Words or ByteCount missing), errc::bad_word_count
 * (WordCount other than the section's constant), errc::bad_byte_count (ByteCount past the
 * message, or nonzero where the section says "MUST be 0x0000"). DELETE/DELETE_DIRECTORY/RENAME/NT_RENAME add
 * errc::bad_value (a BufferFormat not 0x04), errc::bad_byte_count (a BufferFormat missing), errc::bad_string.
 */
Result<void> decode(wire::Reader& r, CloseRequest& out, const Context& c = {});
Result<void> decode(wire::Reader& r, CloseResponse& out, const Context& c = {});
Result<void> decode(wire::Reader& r, FlushRequest& out, const Context& c = {});
Result<void> decode(wire::Reader& r, FlushResponse& out, const Context& c = {});
Result<void> decode(wire::Reader& r, DeleteRequest& out, const Context& c = {});
Result<void> decode(wire::Reader& r, DeleteResponse& out, const Context& c = {});
Result<void> decode(wire::Reader& r, DeleteDirectoryRequest& out, const Context& c = {});
Result<void> decode(wire::Reader& r, DeleteDirectoryResponse& out, const Context& c = {});
Result<void> decode(wire::Reader& r, RenameRequest& out, const Context& c = {});
Result<void> decode(wire::Reader& r, RenameResponse& out, const Context& c = {});
Result<void> decode(wire::Reader& r, NtRenameRequest& out, const Context& c = {});
Result<void> decode(wire::Reader& r, NtRenameResponse& out, const Context& c = {});
Result<void> decode(wire::Reader& r, EchoRequest& out, const Context& c = {});
Result<void> decode(wire::Reader& r, EchoResponse& out, const Context& c = {});
Result<void> decode(wire::Reader& r, LogoffAndxRequest& out, const Context& c = {});
Result<void> decode(wire::Reader& r, LogoffAndxResponse& out, const Context& c = {});
Result<void> decode(wire::Reader& r, TreeDisconnectRequest& out, const Context& c = {});
Result<void> decode(wire::Reader& r, TreeDisconnectResponse& out, const Context& c = {});
Result<void> decode(wire::Reader& r, NtCancelRequest& out, const Context& c = {});
Result<void> decode(wire::Reader& r, NtCancelResponse& out, const Context& c = {});
Result<void> decode(wire::Reader& r, Smb1ErrorResponse& out, const Context& c = {});

}  // namespace smb::proto::smb1
