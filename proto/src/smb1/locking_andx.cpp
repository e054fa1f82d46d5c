// SMB1 LOCKING_ANDX codec and the oplock break body (MS-CIFS 2.2.4.32, 3.3.4.2). Word offsets relative to Words.
#include "smbproto/smb1/locking_andx.hpp"

#include "block.hpp"

namespace smb::proto::smb1 {

LockingAndxRequest make_oplock_break_body(std::uint16_t fid, std::uint8_t new_op_lock_level) {
  LockingAndxRequest m;
  m.andx_command = 0xFF;                   // no chained command
  m.fid = fid;
  m.type_of_lock = OPLOCK_RELEASE;         // 3.3.4.2: "MUST set the OPLOCK_RELEASE flag"
  m.new_op_lock_level = new_op_lock_level; // 3.3.4.2: 0 none, 1 level II
  m.timeout = 0;                           // 3.3.4.2: SHOULD be zero, as the counts (empty vectors)
  return m;
}

namespace {
void put_range(wire::Writer& w, const LockingAndxRange& x, bool large) {
  w.u16(x.pid);                                            // PID
  if (large) {
    w.u16(x.pad);                                          // Pad
    w.u32(static_cast<std::uint32_t>(x.byte_offset >> 32));      // ByteOffsetHigh
    w.u32(static_cast<std::uint32_t>(x.byte_offset));            // ByteOffsetLow
    w.u32(static_cast<std::uint32_t>(x.length_in_bytes >> 32));  // LengthInBytesHigh
    w.u32(static_cast<std::uint32_t>(x.length_in_bytes));        // LengthInBytesLow
  } else {
    w.u32(static_cast<std::uint32_t>(x.byte_offset));      // ByteOffset
    w.u32(static_cast<std::uint32_t>(x.length_in_bytes));  // LengthInBytes
  }
}
LockingAndxRange get_range(wire::Reader& br, bool large) {
  LockingAndxRange x;
  x.pid = br.u16();
  if (large) {
    x.pad = br.u16();
    x.byte_offset = std::uint64_t{br.u32()} << 32;
    x.byte_offset |= br.u32();
    x.length_in_bytes = std::uint64_t{br.u32()} << 32;
    x.length_in_bytes |= br.u32();
  } else {
    x.byte_offset = br.u32();
    x.length_in_bytes = br.u32();
  }
  return x;
}
}  // namespace

void encode(wire::Writer& w, const LockingAndxRequest& m, const Context&) {
  auto words = detail::begin_words(w, m.word_count);
  w.u8(m.andx_command);                    // 0x00 AndXCommand
  w.u8(m.andx_reserved);                   // 0x01 AndXReserved
  w.u16(m.andx_offset);                    // 0x02 AndXOffset
  w.u16(m.fid);                            // 0x04 FID
  w.u8(m.type_of_lock);                    // 0x06 TypeOfLock
  w.u8(m.new_op_lock_level);               // 0x07 NewOpLockLevel
  w.u32(m.timeout);                        // 0x08 Timeout
  w.u16(static_cast<std::uint16_t>(m.unlocks.size()));  // 0x0C NumberOfRequestedUnlocks
  w.u16(static_cast<std::uint16_t>(m.locks.size()));    // 0x0E NumberOfRequestedLocks
  detail::finish_words(w, words, 2 * std::size_t{m.word_count});
  auto bc = detail::begin_bytes(w);
  bool large = (m.type_of_lock & LARGE_FILES) != 0;
  for (const auto& x : m.unlocks) put_range(w, x, large);
  for (const auto& x : m.locks) put_range(w, x, large);
  detail::patch_byte_count(w, bc);
}

Result<void> decode(wire::Reader& r, LockingAndxRequest& out, const Context&) {
  auto b = detail::begin_block(r, {0x08});
  if (!b) return b.error();
  out.word_count = b->word_count;
  out.andx_command = r.u8();
  out.andx_reserved = r.u8();
  out.andx_offset = r.u16();
  out.fid = r.u16();
  out.type_of_lock = r.u8();
  out.new_op_lock_level = r.u8();
  out.timeout = r.u32();
  std::size_t n_unlocks = r.u16();
  std::size_t n_locks = r.u16();
  bool large = (out.type_of_lock & LARGE_FILES) != 0;
  std::size_t range_size = large ? 20 : 10;  // LOCKING_ANDX_RANGE64 / RANGE32
  if ((n_unlocks + n_locks) * range_size > b->byte_count) return errc::bad_count;
  auto br = detail::bytes_reader(r, *b);
  out.unlocks.clear();
  out.locks.clear();
  for (std::size_t i = 0; i < n_unlocks; ++i) out.unlocks.push_back(get_range(br, large));
  for (std::size_t i = 0; i < n_locks; ++i) out.locks.push_back(get_range(br, large));
  detail::end_block(r, *b);
  return {};
}

void encode(wire::Writer& w, const LockingAndxResponse& m, const Context&) {
  auto words = detail::begin_words(w, m.word_count);
  w.u8(m.andx_command);                    // 0x00 AndXCommand
  w.u8(m.andx_reserved);                   // 0x01 AndXReserved
  w.u16(m.andx_offset);                    // 0x02 AndXOffset
  detail::finish_words(w, words, 2 * std::size_t{m.word_count});
  w.u16(0);                                // ByteCount
}

Result<void> decode(wire::Reader& r, LockingAndxResponse& out, const Context&) {
  auto b = detail::begin_block(r, {0x02});
  if (!b) return b.error();
  if (b->byte_count != 0) return errc::bad_byte_count;  // 2.2.4.32.2: ByteCount MUST be 0
  out.word_count = b->word_count;
  out.andx_command = r.u8();
  out.andx_reserved = r.u8();
  out.andx_offset = r.u16();
  detail::end_block(r, *b);
  return {};
}

}  // namespace smb::proto::smb1
