// Internal helpers: FileId and Guid on the wire (MS-SMB2 2.2.14.1, MS-DTYP 2.3.4.2).
#pragma once

#include "smbproto/fields.hpp"
#include "smbproto/wire.hpp"

namespace smb::proto::detail {

inline void put(wire::Writer& w, const FileId& f) {
  w.u64(f.persistent);  // +0x00 Persistent
  w.u64(f.volatile_);   // +0x08 Volatile
}
inline FileId get_file_id(wire::Reader& r) {
  FileId f;
  f.persistent = r.u64();
  f.volatile_ = r.u64();
  return f;
}
inline void put(wire::Writer& w, const Guid& g) { w.array(g.bytes); }
inline Guid get_guid(wire::Reader& r) { return Guid{r.array<16>()}; }

}  // namespace smb::proto::detail
