// SMB1 SMB_COM_TRANSACTION2 primary request and response blocks (MS-CIFS 2.2.4.46); see trans2.hpp for subcommands.
#pragma once

#include <cstdint>
#include <vector>

#include "smbproto/fields.hpp"
#include "smbproto/result.hpp"
#include "smbproto/smb1/header.hpp"
#include "smbproto/smb1/names.hpp"
#include "smbproto/wire.hpp"

namespace smb::proto::smb1 {

/**
 * MS-CIFS 2.2.4.46.1 request: WordCount = 14 + SetupCount (derived from `setup`); ParameterCount,
 * ParameterOffset, DataCount, DataOffset and SetupCount are derived. Bytes: Name (empty: one NUL,
 * or an aligned UTF-16 NUL), Pad1 to 4 bytes, Trans2_Parameters, Pad2 to 4 bytes, Trans2_Data
 * (offsets header-relative). Secondary requests are not modelled: a whole transaction travels
 * in one message, so the totals normally equal the sizes.
 */
struct Transaction2Request {
  std::uint16_t total_parameter_count = 0;
  std::uint16_t total_data_count = 0;
  std::uint16_t max_parameter_count = 0;
  std::uint16_t max_data_count = 0;
  std::uint8_t max_setup_count = 0;
  std::uint8_t reserved1 = 0;
  std::uint16_t flags = 0;
  std::uint32_t timeout = 0;
  std::uint16_t reserved2 = 0;
  std::uint8_t reserved3 = 0;
  std::vector<std::uint16_t> setup;      ///< Setup[0] is the subcommand (names::trans2_subcommand)
  wire::Bytes trans2_parameters;
  wire::Bytes trans2_data;
  bool operator==(const Transaction2Request&) const = default;
};

/**
 * MS-CIFS 2.2.4.46.2 response: WordCount = 10 + SetupCount. The counts, offsets and SetupCount
 * are derived; totals and displacements are fields because a large response may be split over
 * several messages (the caller reassembles). Bytes: Pad1, Trans2_Parameters, Pad2, Trans2_Data.
 */
struct Transaction2Response {
  std::uint16_t total_parameter_count = 0;
  std::uint16_t total_data_count = 0;
  std::uint16_t reserved1 = 0;
  std::uint16_t parameter_displacement = 0;
  std::uint16_t data_displacement = 0;
  std::uint8_t reserved2 = 0;
  std::vector<std::uint16_t> setup;
  wire::Bytes trans2_parameters;
  wire::Bytes trans2_data;
  bool operator==(const Transaction2Response&) const = default;
};

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, Transaction2Request>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("total_parameter_count"), m.total_parameter_count);
  v(field("total_data_count"), m.total_data_count);
  v(field("max_parameter_count"), m.max_parameter_count);
  v(field("max_data_count"), m.max_data_count);
  v(field("max_setup_count"), m.max_setup_count);
  v(field("reserved1"), m.reserved1);
  v(field("flags"), m.flags);
  v(field("timeout"), m.timeout);
  v(field("reserved2"), m.reserved2);
  v(field("reserved3"), m.reserved3);
  v(field("setup", &names::trans2_subcommand), m.setup);
  v(field("trans2_parameters"), m.trans2_parameters);
  v(field("trans2_data"), m.trans2_data);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, Transaction2Response>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("total_parameter_count"), m.total_parameter_count);
  v(field("total_data_count"), m.total_data_count);
  v(field("reserved1"), m.reserved1);
  v(field("parameter_displacement"), m.parameter_displacement);
  v(field("data_displacement"), m.data_displacement);
  v(field("reserved2"), m.reserved2);
  v(field("setup"), m.setup);
  v(field("trans2_parameters"), m.trans2_parameters);
  v(field("trans2_data"), m.trans2_data);
}

void encode(wire::Writer& w, const Transaction2Request& m, const Context& c = {});
void encode(wire::Writer& w, const Transaction2Response& m, const Context& c = {});
/**
 * Errors: errc::truncated, errc::bad_word_count (below 14 / 10, or not 14/10 + SetupCount),
 * errc::bad_byte_count, errc::bad_count (TotalParameterCount < ParameterCount or TotalDataCount <
 * DataCount; for responses also displacement + count past the total), errc::bad_offset (a
 * non-empty block starting before the Bytes), errc::bad_length (a block running past ByteCount).
 */
Result<void> decode(wire::Reader& r, Transaction2Request& out, const Context& c = {});
Result<void> decode(wire::Reader& r, Transaction2Response& out, const Context& c = {});

}  // namespace smb::proto::smb1
