// SPNEGO (RFC 4178, MS-SPNG) DER encoding and bounded decoding.
#include "smbproto/security/spnego.hpp"

#include <algorithm>

#include "smbproto/security/detail/der.hpp"

namespace smb::security {

using detail::der_context;
using detail::der_put;
using detail::der_wrap;
using detail::DerReader;
using detail::Tlv;
using proto::errc;

const Oid& spnego_oid() {
  static const Oid o{0x2b, 0x06, 0x01, 0x05, 0x05, 0x02};
  return o;
}
const Oid& ntlmssp_oid() {
  static const Oid o{0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a};
  return o;
}
const Oid& kerberos_oid() {
  static const Oid o{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02};
  return o;
}
const Oid& ms_kerberos_oid() {
  static const Oid o{0x2a, 0x86, 0x48, 0x82, 0xf7, 0x12, 0x01, 0x02, 0x02};
  return o;
}

std::string oid_to_string(const Oid& oid) {
  if (oid.empty() || (oid.back() & 0x80) != 0) return "?";
  std::string s = std::to_string(oid[0] / 40) + "." + std::to_string(oid[0] % 40);
  std::uint64_t v = 0;
  for (std::size_t i = 1; i < oid.size(); ++i) {
    v = (v << 7) | (oid[i] & 0x7F);
    if ((oid[i] & 0x80) == 0) {
      s += "." + std::to_string(v);
      v = 0;
    }
  }
  return s;
}

wire::Bytes encode_mech_type_list(const std::vector<Oid>& mechs) {
  wire::Bytes seq;
  for (const Oid& m : mechs) der_put(seq, detail::kDerOid, m);
  return der_wrap(detail::kDerSequence, seq);
}

wire::Bytes encode(const NegTokenInit& t) {
  // RFC 4178 4.2.1 NegTokenInit ::= SEQUENCE { mechTypes [0], reqFlags [1] OPTIONAL,
  //   mechToken [2] OPTIONAL, mechListMIC [3] OPTIONAL }
  // MS-SPNG 2.2.1 NegTokenInit2 ::= SEQUENCE { mechTypes [0], reqFlags [1], mechToken [2],
  //   negHints [3] NegHints, mechListMIC [4] }, NegHints ::= SEQUENCE { hintName [0] GeneralString, ... }
  wire::Bytes body;
  der_put(body, der_context(0), encode_mech_type_list(t.mech_types));
  if (t.req_flags) der_put(body, der_context(1), der_wrap(detail::kDerBitString, *t.req_flags));
  if (t.mech_token) der_put(body, der_context(2), der_wrap(detail::kDerOctetString, *t.mech_token));
  if (t.hint_name) {
    wire::ByteView name(reinterpret_cast<const std::uint8_t*>(t.hint_name->data()), t.hint_name->size());
    wire::Bytes hints = der_wrap(der_context(0), der_wrap(detail::kDerGeneralString, name));
    der_put(body, der_context(3), der_wrap(detail::kDerSequence, hints));
    if (t.mech_list_mic) der_put(body, der_context(4), der_wrap(detail::kDerOctetString, *t.mech_list_mic));
  } else if (t.mech_list_mic) {
    der_put(body, der_context(3), der_wrap(detail::kDerOctetString, *t.mech_list_mic));
  }
  // RFC 2743 3.1 InitialContextToken ::= [APPLICATION 0] IMPLICIT SEQUENCE { thisMech, innerContextToken }
  wire::Bytes inner;
  der_put(inner, detail::kDerOid, spnego_oid());
  der_put(inner, der_context(0), der_wrap(detail::kDerSequence, body));
  return der_wrap(detail::kDerApplication0, inner);
}

wire::Bytes encode(const NegTokenResp& t) {
  wire::Bytes body;
  if (t.neg_state) {
    const std::uint8_t v = static_cast<std::uint8_t>(*t.neg_state);
    der_put(body, der_context(0), der_wrap(detail::kDerEnumerated, wire::ByteView(&v, 1)));
  }
  if (t.supported_mech) der_put(body, der_context(1), der_wrap(detail::kDerOid, *t.supported_mech));
  if (t.response_token) der_put(body, der_context(2), der_wrap(detail::kDerOctetString, *t.response_token));
  if (t.mech_list_mic) der_put(body, der_context(3), der_wrap(detail::kDerOctetString, *t.mech_list_mic));
  return der_wrap(der_context(1), der_wrap(detail::kDerSequence, body));
}

namespace {

// Reads exactly one element with `tag` filling the whole of `in`.
Result<Tlv> single(wire::ByteView in, std::uint8_t tag) {
  DerReader r(in);
  auto t = r.expect(tag);
  if (!t) return t.error();
  if (!r.empty()) return errc::bad_asn1;
  return t;
}

Result<wire::Bytes> octets(wire::ByteView explicit_contents) {
  auto t = single(explicit_contents, detail::kDerOctetString);
  if (!t) return t.error();
  return wire::Bytes(t->value.begin(), t->value.end());
}

// An OID's contents: non-empty and the last subidentifier octet terminates (bit 8 clear).
Result<Oid> oid(const Tlv& t) {
  if (t.value.empty() || (t.value.back() & 0x80) != 0) return errc::bad_asn1;
  return Oid(t.value.begin(), t.value.end());
}

Result<std::vector<Oid>> mech_type_list(wire::ByteView seq_contents) {
  std::vector<Oid> out;
  DerReader r(seq_contents);
  while (!r.empty()) {
    auto t = r.expect(detail::kDerOid);
    if (!t) return t.error();
    auto o = oid(*t);
    if (!o) return o.error();
    out.push_back(std::move(*o));
  }
  if (out.empty()) return errc::bad_asn1;  // RFC 4178: MechTypeList ::= SEQUENCE OF MechType, at least one
  return out;
}

}  // namespace

Result<NegTokenInit> decode_neg_token_init(wire::ByteView token) {
  auto app = single(token, detail::kDerApplication0);
  if (!app) return app.error();
  DerReader outer(app->value);
  auto mech = outer.expect(detail::kDerOid);
  if (!mech) return mech.error();
  if (!std::equal(mech->value.begin(), mech->value.end(), spnego_oid().begin(), spnego_oid().end()))
    return errc::bad_asn1;
  auto choice = outer.expect(der_context(0));
  if (!choice) return choice.error();
  if (!outer.empty()) return errc::bad_asn1;
  auto seq = single(choice->value, detail::kDerSequence);
  if (!seq) return seq.error();

  NegTokenInit out;
  bool have_mechs = false;
  int last = -1;
  DerReader r(seq->value);
  while (!r.empty()) {
    auto f = r.next();
    if (!f) return f.error();
    if ((f->tag & 0xE0) != 0xA0) return errc::bad_asn1;  // context-specific, constructed
    const int n = f->tag & 0x1F;
    if (n <= last) return errc::bad_asn1;  // SEQUENCE fields appear once, in order
    last = n;
    switch (n) {
      case 0: {
        auto list = single(f->value, detail::kDerSequence);
        if (!list) return list.error();
        auto mechs = mech_type_list(list->value);
        if (!mechs) return mechs.error();
        out.mech_types = std::move(*mechs);
        out.mech_types_der.assign(list->whole.begin(), list->whole.end());
        have_mechs = true;
        break;
      }
      case 1: {
        auto bits = single(f->value, detail::kDerBitString);
        if (!bits) return bits.error();
        out.req_flags = wire::Bytes(bits->value.begin(), bits->value.end());
        break;
      }
      case 2: {
        auto o = octets(f->value);
        if (!o) return o.error();
        out.mech_token = std::move(*o);
        break;
      }
      case 3: {
        // RFC 4178 puts mechListMIC (OCTET STRING) here; NegTokenInit2 puts negHints (SEQUENCE).
        DerReader peek(f->value);
        if (peek.peek_tag() == detail::kDerOctetString) {
          auto o = octets(f->value);
          if (!o) return o.error();
          out.mech_list_mic = std::move(*o);
        } else {
          auto hints = single(f->value, detail::kDerSequence);
          if (!hints) return hints.error();
          DerReader h(hints->value);
          while (!h.empty()) {
            auto e = h.next();
            if (!e) return e.error();
            if (e->tag == der_context(0)) {
              auto s = single(e->value, detail::kDerGeneralString);
              if (!s) return s.error();
              out.hint_name = std::string(s->value.begin(), s->value.end());
            } else if (e->tag != der_context(1)) {
              return errc::bad_asn1;
            }
          }
        }
        break;
      }
      case 4: {
        auto o = octets(f->value);
        if (!o) return o.error();
        out.mech_list_mic = std::move(*o);
        break;
      }
      default:
        return errc::bad_asn1;
    }
  }
  if (!have_mechs) return errc::bad_asn1;  // mechTypes is not OPTIONAL
  return out;
}

Result<NegTokenResp> decode_neg_token_resp(wire::ByteView token) {
  auto choice = single(token, der_context(1));
  if (!choice) return choice.error();
  auto seq = single(choice->value, detail::kDerSequence);
  if (!seq) return seq.error();
  NegTokenResp out;
  int last = -1;
  DerReader r(seq->value);
  while (!r.empty()) {
    auto f = r.next();
    if (!f) return f.error();
    if ((f->tag & 0xE0) != 0xA0) return errc::bad_asn1;
    const int n = f->tag & 0x1F;
    if (n <= last) return errc::bad_asn1;
    last = n;
    switch (n) {
      case 0: {
        auto e = single(f->value, detail::kDerEnumerated);
        if (!e) return e.error();
        if (e->value.size() != 1 || e->value[0] > 3) return errc::bad_asn1;
        out.neg_state = static_cast<NegState>(e->value[0]);
        break;
      }
      case 1: {
        auto o = single(f->value, detail::kDerOid);
        if (!o) return o.error();
        auto v = oid(*o);
        if (!v) return v.error();
        out.supported_mech = std::move(*v);
        break;
      }
      case 2: {
        auto o = octets(f->value);
        if (!o) return o.error();
        out.response_token = std::move(*o);
        break;
      }
      case 3: {
        auto o = octets(f->value);
        if (!o) return o.error();
        out.mech_list_mic = std::move(*o);
        break;
      }
      default:
        return errc::bad_asn1;
    }
  }
  return out;
}

}  // namespace smb::security
