// Private helpers of the SMB1 body codecs: the WordCount/Words/ByteCount/Bytes block, AndX words, SMB strings.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>

#include "smbproto/error.hpp"
#include "smbproto/result.hpp"
#include "smbproto/smb1/header.hpp"
#include "smbproto/wire.hpp"

namespace smb::proto::smb1::detail {

/** One SMB_Parameters + SMB_Data block (MS-CIFS 2.2.3.2, 2.2.3.3); all positions header-relative. */
struct Block {
  std::size_t start = 0;        ///< the WordCount byte
  std::uint8_t word_count = 0;
  std::size_t words = 0;        ///< first byte of Words
  std::uint16_t byte_count = 0;
  std::size_t bytes = 0;        ///< first byte of Bytes
  std::size_t end = 0;          ///< bytes + byte_count
};

/**
 * Reads WordCount at the reader's position and checks the block against the message: WordCount
 * must be one of `allowed` (errc::bad_word_count), Words and ByteCount must be present
 * (errc::truncated), ByteCount bytes must be present (errc::bad_byte_count). `words_bytes` maps
 * a WordCount to the length of Words on the wire (2*WordCount except for the NT_CREATE_ANDX
 * extended response, MS-SMB 2.2.4.9.2). Leaves the reader at the first word.
 */
inline Result<Block> begin_block(wire::Reader& r, std::initializer_list<std::uint8_t> allowed,
                                 std::size_t (*words_bytes)(std::uint8_t) = nullptr) {
  Block b;
  b.start = r.pos();
  b.word_count = r.u8();
  if (!r.ok()) return errc::truncated;
  bool ok = false;
  for (auto a : allowed) ok = ok || a == b.word_count;
  if (!ok) return errc::bad_word_count;
  b.words = r.pos();
  r.skip(words_bytes ? words_bytes(b.word_count) : 2 * std::size_t{b.word_count});
  b.byte_count = r.u16();
  if (!r.ok()) return errc::truncated;
  b.bytes = r.pos();
  if (b.byte_count > r.remaining()) return errc::bad_byte_count;
  b.end = b.bytes + b.byte_count;
  r.seek(b.words);
  return b;
}

/** A reader over [bytes, end) of the block that keeps header-relative positions. */
inline wire::Reader bytes_reader(const wire::Reader& r, const Block& b) {
  return wire::Reader(r.message().first(b.end), b.bytes);
}

/** Leaves the reader after the block. */
inline void end_block(wire::Reader& r, const Block& b) { r.seek(b.end); }

/**
 * Starts a block: writes WordCount and returns the index of the first word, so finish_words can
 * cut or zero-pad the words to 2*word_count (encoders always write what `word_count` says, which
 * lets a scenario send a deliberately wrong WordCount).
 */
inline std::size_t begin_words(wire::Writer& w, std::uint8_t word_count) {
  w.u8(word_count);
  return w.index();
}
inline void finish_words(wire::Writer& w, std::size_t words_index, std::size_t words_len) {
  w.buffer().resize(words_index + words_len, 0);
}
/** Writes ByteCount as a placeholder; returns its index for patch_byte_count. */
inline std::size_t begin_bytes(wire::Writer& w) {
  std::size_t at = w.index();
  w.u16(0);
  return at;
}
inline void patch_byte_count(wire::Writer& w, std::size_t at) {
  w.patch_u16(at, static_cast<std::uint16_t>(w.index() - at - 2));
}

/**
 * Reads an SMB_STRING (MS-CIFS 2.2.1.1): UTF-16LE when `unicode` (skipping one pad byte first if
 * `align` and the position is odd from the header start), else OEM bytes (kept as-is). Ends at
 * the NUL terminator or at the end of the region (servers omit the last terminator).
 * Errors: errc::bad_string (unpaired surrogate).
 */
inline Result<std::string> read_string(wire::Reader& br, bool unicode, bool align = true) {
  if (!unicode) {
    std::string s;
    while (br.remaining() > 0) {
      auto c = br.u8();
      if (c == 0) break;
      s.push_back(static_cast<char>(c));
    }
    return s;
  }
  if (align && br.pos() % 2 != 0 && br.remaining() > 0) br.skip(1);
  wire::Bytes units;
  while (br.remaining() >= 2) {
    auto u = br.u16();
    if (u == 0) break;
    units.push_back(static_cast<std::uint8_t>(u));
    units.push_back(static_cast<std::uint8_t>(u >> 8));
  }
  return wire::utf8_from_utf16le(units);
}

/** A NUL-terminated OEM_STRING (never Unicode, e.g. the Service of TREE_CONNECT_ANDX). */
inline std::string read_oem_string(wire::Reader& br) { return *read_string(br, false); }

/** Writes an SMB_STRING with its terminator; aligned to 2 from the header start when Unicode and `align`. */
inline void write_string(wire::Writer& w, const std::string& s, bool unicode, bool align = true) {
  if (!unicode) {
    w.bytes(wire::ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
    w.u8(0);
    return;
  }
  if (align) w.align(2);
  w.bytes(wire::utf16le_from_utf8(s));
  w.u16(0);
}

/** Byte length of an SMB_STRING including its terminator (no pad). */
inline std::size_t string_size(const std::string& s, bool unicode) {
  return unicode ? wire::utf16le_from_utf8(s).size() + 2 : s.size() + 1;
}

}  // namespace smb::proto::smb1::detail
