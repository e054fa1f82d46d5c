// The field-list machinery: value types shared by messages, FieldInfo, and name tables for flags/enums.
//
// Every message struct has a free `for_each_field(msg, visitor)` listing (FieldInfo, member) pairs in
// spec order. It drives JSON args/expectations, Python attributes, to_string and test samples; it
// does NOT drive the wire format (offset/length pairs are computed by the hand-written encoders).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace smb::proto {

/** SMB2_FILEID (MS-SMB2 2.2.14.1): Persistent then Volatile, 8 bytes each. */
struct FileId {
  std::uint64_t persistent = 0;
  std::uint64_t volatile_ = 0;  // "Volatile" (a C++ keyword, hence the underscore)
  constexpr bool operator==(const FileId&) const = default;
  static constexpr FileId all_ones() { return {~0ull, ~0ull}; }
};

/** A 16-byte GUID in wire order (MS-DTYP 2.3.4.2: Data1-3 little-endian). */
struct Guid {
  std::array<std::uint8_t, 16> bytes{};
  constexpr bool operator==(const Guid&) const = default;
};
std::string to_string(const Guid& g);             ///< "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
std::optional<Guid> guid_from_string(std::string_view s);

/** One symbolic name of a flag bit or an enumerated value. */
struct NameEntry {
  std::uint64_t value;
  std::string_view name;
};

/** How an integer field is written symbolically: a set of flag bits, or one of a list of values. */
struct NameTable {
  enum class Kind { flags, values } kind;
  std::span<const NameEntry> entries;
};

/** What the field list tells a visitor about one member. */
struct FieldInfo {
  std::string_view name;              ///< spec name in snake_case ("minimum_count")
  const NameTable* names = nullptr;   ///< optional symbolic names for an integer field
};

constexpr FieldInfo field(std::string_view name, const NameTable* names = nullptr) { return {name, names}; }

/** "FILE_READ_DATA|FILE_WRITE_DATA" / "SMB2_OPLOCK_LEVEL_BATCH" / hex for unknown bits or values. */
std::string format_named(std::uint64_t v, const NameTable& t);
/** Parses a number ("12", "0x0c") or names joined by '|'; nullopt on an unknown name. */
std::optional<std::uint64_t> parse_named(std::string_view s, const NameTable* t);

// Field lists of the shared value types.
template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, FileId>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("persistent"), m.persistent);
  v(field("volatile"), m.volatile_);
}

}  // namespace smb::proto
