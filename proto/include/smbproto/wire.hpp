// Bounds-checked little-endian reader and writer over a message buffer; the only place bytes are touched.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "smbproto/error.hpp"
#include "smbproto/result.hpp"

namespace smb::wire {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

/**
 * Reads little-endian fields from a message. Offsets given to `seek`/`view_at` are relative to
 * the message base (for SMB2: the first byte of the SMB2 header, which is the origin of every
 * `...Offset` field, MS-SMB2 2.2). A read past the end returns zero and latches `truncated()`;
 * decoders check `ok()` once after reading the fixed part, then validate offsets explicitly.
 */
class Reader {
 public:
  explicit Reader(ByteView msg, std::size_t pos = 0) : msg_(msg), pos_(pos) {}

  std::uint8_t u8() { return static_cast<std::uint8_t>(take(1)); }
  std::uint16_t u16() { return static_cast<std::uint16_t>(take(2)); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(take(4)); }
  std::uint64_t u64() { return take(8); }
  /** Big-endian 24-bit, only used by the Direct TCP stream header (MS-SMB2 2.1). */
  std::uint32_t u24be() {
    if (!need(3)) return 0;
    std::uint32_t v = (std::uint32_t{msg_[pos_]} << 16) | (std::uint32_t{msg_[pos_ + 1]} << 8) | msg_[pos_ + 2];
    pos_ += 3;
    return v;
  }
  template <std::size_t N>
  std::array<std::uint8_t, N> array() {
    std::array<std::uint8_t, N> a{};
    if (need(N)) {
      std::memcpy(a.data(), msg_.data() + pos_, N);
      pos_ += N;
    }
    return a;
  }
  /** n bytes at the cursor; empty and truncated() if fewer remain. */
  ByteView bytes(std::size_t n) {
    if (!need(n)) return {};
    ByteView v = msg_.subspan(pos_, n);
    pos_ += n;
    return v;
  }
  void skip(std::size_t n) {
    if (need(n)) pos_ += n;
  }

  /** Bytes [offset, offset+length) of the message, or errc::bad_offset / errc::bad_length. */
  Result<ByteView> view_at(std::size_t offset, std::size_t length) const {
    if (offset > msg_.size()) return proto::errc::bad_offset;
    if (length > msg_.size() - offset) return proto::errc::bad_length;
    return msg_.subspan(offset, length);
  }

  std::size_t pos() const { return pos_; }
  void seek(std::size_t pos) {
    if (pos > msg_.size()) {
      truncated_ = true;
      pos_ = msg_.size();
    } else {
      pos_ = pos;
    }
  }
  std::size_t remaining() const { return msg_.size() - pos_; }
  std::size_t size() const { return msg_.size(); }
  ByteView message() const { return msg_; }
  bool ok() const { return !truncated_; }
  bool truncated() const { return truncated_; }

 private:
  bool need(std::size_t n) {
    if (truncated_ || n > msg_.size() - pos_) {
      truncated_ = true;
      return false;
    }
    return true;
  }
  std::uint64_t take(std::size_t n) {
    if (!need(n)) return 0;
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i) v |= std::uint64_t{msg_[pos_ + i]} << (8 * i);
    pos_ += n;
    return v;
  }

  ByteView msg_;
  std::size_t pos_ = 0;
  bool truncated_ = false;
};

/**
 * Appends little-endian fields to a buffer. `base` is the index of the message origin inside the
 * buffer (the SMB2 header's first byte), so `offset()` gives values for `...Offset` fields.
 */
class Writer {
 public:
  explicit Writer(Bytes& out, std::size_t base = 0) : out_(out), base_(base) {}

  void u8(std::uint8_t v) { out_.push_back(v); }
  void u16(std::uint16_t v) { put(v, 2); }
  void u32(std::uint32_t v) { put(v, 4); }
  void u64(std::uint64_t v) { put(v, 8); }
  void u24be(std::uint32_t v) {
    out_.push_back(static_cast<std::uint8_t>(v >> 16));
    out_.push_back(static_cast<std::uint8_t>(v >> 8));
    out_.push_back(static_cast<std::uint8_t>(v));
  }
  void bytes(ByteView b) { out_.insert(out_.end(), b.begin(), b.end()); }
  template <std::size_t N>
  void array(const std::array<std::uint8_t, N>& a) { out_.insert(out_.end(), a.begin(), a.end()); }
  void zeros(std::size_t n) { out_.insert(out_.end(), n, 0); }
  /** Pads with zeros until offset() is a multiple of `alignment`. */
  void align(std::size_t alignment) {
    while (offset() % alignment != 0) out_.push_back(0);
  }

  /** Current position relative to the message base. */
  std::size_t offset() const { return out_.size() - base_; }
  /** Absolute index in the buffer; use with patch_*. */
  std::size_t index() const { return out_.size(); }
  void patch_u16(std::size_t index, std::uint16_t v) { patch(index, v, 2); }
  void patch_u32(std::size_t index, std::uint32_t v) { patch(index, v, 4); }
  void patch_u64(std::size_t index, std::uint64_t v) { patch(index, v, 8); }
  Bytes& buffer() { return out_; }
  std::size_t base() const { return base_; }

 private:
  void put(std::uint64_t v, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) out_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  void patch(std::size_t index, std::uint64_t v, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) out_[index + i] = static_cast<std::uint8_t>(v >> (8 * i));
  }
  Bytes& out_;
  std::size_t base_;
};

/** UTF-8 -> UTF-16LE bytes (MS-SMB2 strings). Invalid UTF-8 is replaced by U+FFFD. */
Bytes utf16le_from_utf8(const std::string& s);
/** UTF-16LE bytes -> UTF-8; errc::bad_string for odd length or unpaired surrogates. */
Result<std::string> utf8_from_utf16le(ByteView b);
/** Lower-case hex without separators. */
std::string to_hex(ByteView b);
/** Hex digits (spaces, ':' and '-' ignored) -> bytes; errc::bad_value on a bad digit or odd count. */
Result<Bytes> from_hex(const std::string& s);

}  // namespace smb::wire
