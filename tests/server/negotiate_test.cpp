// NEGOTIATE handling of the reference server (MS-SMB2 3.3.5.4, 3.3.5.2.2, 3.3.5.2.4, 3.3.5.3.1).
#include "smbserver/handlers.hpp"

#include "server_fixture.hpp"

namespace smb::server::test {
namespace {

TEST(Negotiate, DialectCountZeroIsInvalidParameter) {
  Fixture f;
  // SMB2-COMMON-21(a), 3.3.5.4: DialectCount 0 -> STATUS_INVALID_PARAMETER.
  EXPECT_EQ(f.negotiate({}).status(), status::STATUS_INVALID_PARAMETER);
}

TEST(Negotiate, OnlyUnknownDialectsIsNotSupported) {
  Fixture f;
  // SMB2-COMMON-21(b), 3.3.5.4: no common dialect -> STATUS_NOT_SUPPORTED.
  EXPECT_EQ(f.negotiate({0x0222, 0x0401}).status(), status::STATUS_NOT_SUPPORTED);
}

TEST(Negotiate, Smb311WithoutPreauthContextIsInvalidParameter) {
  Fixture f;
  proto::NegotiateRequest n;
  n.dialects = {0x0311};
  proto::SigningCapabilities sc;
  sc.signing_algorithms = {1};
  n.negotiate_contexts.push_back(proto::make_context(sc));
  // SMB2-COMMON-21(c), 3.3.5.4: not exactly one PREAUTH_INTEGRITY_CAPABILITIES -> INVALID_PARAMETER.
  EXPECT_EQ(f.request(proto::Command::NEGOTIATE, n).status(), status::STATUS_INVALID_PARAMETER);
}

TEST(Negotiate, SignedFlagOnNegotiateIsInvalidParameter) {
  Fixture f;
  proto::NegotiateRequest n;
  n.dialects = {0x0202};
  auto h = f.header(proto::Command::NEGOTIATE);
  h.flags |= proto::SMB2_FLAGS_SIGNED;
  // SMB2-COMMON-21(d), 3.3.5.2.4: NEGOTIATE with SMB2_FLAGS_SIGNED -> STATUS_INVALID_PARAMETER.
  EXPECT_EQ(f.request(h, proto::RequestBody(n)).status(), status::STATUS_INVALID_PARAMETER);
}

TEST(Negotiate, Smb311ResponseCarriesOnePreauthHashAnd32ByteSaltAndCmac) {
  Fixture f;
  Reply r = f.negotiate({0x0202, 0x0311});
  ASSERT_EQ(r.status(), status::STATUS_SUCCESS);
  const auto& resp = r.as<proto::NegotiateResponse>();
  EXPECT_EQ(resp.dialect_revision, 0x0311);
  // 2.2.4: SecurityMode has SIGNING_ENABLED.
  EXPECT_TRUE(resp.security_mode & 0x0001);
  const auto* pc = proto::find_context(resp.negotiate_contexts, proto::SMB2_PREAUTH_INTEGRITY_CAPABILITIES);
  ASSERT_NE(pc, nullptr);
  proto::PreauthIntegrityCapabilities p;
  ASSERT_TRUE(proto::parse_context(pc->data, p));
  // 2.2.4.1.1 / 3.3.5.4: exactly one algorithm (SHA-512); <287> 32-byte salt.
  EXPECT_EQ(p.hash_algorithms, std::vector<std::uint16_t>{0x0001});
  EXPECT_EQ(p.salt.size(), 32u);
  // No encryption support: no ENCRYPTION_CAPABILITIES context in the response.
  EXPECT_EQ(proto::find_context(resp.negotiate_contexts, proto::SMB2_ENCRYPTION_CAPABILITIES), nullptr);
  const auto* sc = proto::find_context(resp.negotiate_contexts, proto::SMB2_SIGNING_CAPABILITIES);
  ASSERT_NE(sc, nullptr);
  proto::SigningCapabilities s;
  ASSERT_TRUE(proto::parse_context(sc->data, s));
  EXPECT_EQ(s.signing_algorithms, std::vector<std::uint16_t>{0x0001});  // AES-CMAC preferred over GMAC
}

TEST(Negotiate, CapabilitiesFollowDialect) {
  Fixture f202;
  Reply r = f202.negotiate({0x0202});
  ASSERT_EQ(r.status(), status::STATUS_SUCCESS);
  // 2.2.4: LARGE_MTU is not valid for 2.0.2; multichannel only when configured.
  EXPECT_EQ(r.as<proto::NegotiateResponse>().capabilities & 0x4, 0u);
  Fixture f21;
  r = f21.negotiate({0x0202, 0x0210});
  ASSERT_EQ(r.status(), status::STATUS_SUCCESS);
  EXPECT_EQ(r.as<proto::NegotiateResponse>().dialect_revision, 0x0210);
  EXPECT_NE(r.as<proto::NegotiateResponse>().capabilities & 0x4, 0u);
  EXPECT_EQ(r.as<proto::NegotiateResponse>().capabilities & 0x8, 0u);
}

TEST(Negotiate, SigningRequiredServerSetsRequiredBit) {
  Fixture f({.signing_required = true});
  Reply r = f.negotiate();
  ASSERT_EQ(r.status(), status::STATUS_SUCCESS);
  EXPECT_EQ(r.as<proto::NegotiateResponse>().security_mode & 0x3, 0x3);
}

TEST(Negotiate, SecondNegotiateDisconnectsWithoutReply) {
  Fixture f;
  ASSERT_EQ(f.negotiate().status(), status::STATUS_SUCCESS);
  // SMB2-COMMON-22, 3.3.5.4: a second NEGOTIATE -> disconnect, no reply.
  proto::NegotiateRequest n;
  n.dialects = {0x0202};
  EXPECT_TRUE(f.send_raw(f.encode(f.header(proto::Command::NEGOTIATE), proto::RequestBody(n))).empty());
  EXPECT_TRUE(f.transport->closed);
}

TEST(Negotiate, RequestBeforeNegotiateDisconnectsWithoutReply) {
  Fixture f;
  // SMB2-COMMON-16(a), 3.3.5.2.2: anything but NEGOTIATE first -> disconnect, no reply.
  EXPECT_TRUE(f.send_raw(f.encode(f.header(proto::Command::ECHO), proto::RequestBody(proto::EchoRequest{}))).empty());
  EXPECT_TRUE(f.transport->closed);
}

TEST(Negotiate, Smb1NegotiateWithWildcardGets02FF) {
  Fixture f;
  // MS-CIFS 2.2.4.52.1 SMB_COM_NEGOTIATE with dialects "NT LM 0.12", "SMB 2.002", "SMB 2.???".
  wire::Bytes m = {0xFF, 'S', 'M', 'B', 0x72, 0, 0, 0, 0, 0x18, 0x43, 0xC8};
  m.resize(32, 0);
  m.push_back(0);  // WordCount
  std::string dialects;
  for (const char* d : {"NT LM 0.12", "SMB 2.002", "SMB 2.???"}) dialects += std::string("\x02") + d + '\0';
  m.push_back(static_cast<std::uint8_t>(dialects.size()));
  m.push_back(static_cast<std::uint8_t>(dialects.size() >> 8));
  m.insert(m.end(), dialects.begin(), dialects.end());
  auto replies = f.send_raw(m);
  ASSERT_EQ(replies.size(), 1u);
  // 3.3.5.3.1: an SMB2 NEGOTIATE response with DialectRevision 0x02FF.
  EXPECT_EQ(replies[0].header.command, 0);
  EXPECT_EQ(replies[0].as<proto::NegotiateResponse>().dialect_revision, 0x02FF);
  // The client then negotiates with MessageId 1 (the SMB1 message counted as 0, 3.3.5.2.3).
  f.next_message_id = 1;
  Reply r = f.negotiate({0x0210, 0x0300});
  ASSERT_EQ(r.status(), status::STATUS_SUCCESS);
  EXPECT_EQ(r.as<proto::NegotiateResponse>().dialect_revision, 0x0300);
}

TEST(Negotiate, OtherSmb1TrafficDisconnects) {
  Fixture f;
  wire::Bytes m = {0xFF, 'S', 'M', 'B', 0x72, 0, 0, 0, 0, 0x18, 0x43, 0xC8};
  m.resize(32, 0);
  std::string d = std::string("\x02") + "NT LM 0.12" + '\0';
  m.push_back(0);
  m.push_back(static_cast<std::uint8_t>(d.size()));
  m.push_back(0);
  m.insert(m.end(), d.begin(), d.end());
  // 3.3.5.3.1: no SMB2 dialect offered and SMB1 not enabled -> the connection is closed.
  EXPECT_TRUE(f.send_raw(m).empty());
  EXPECT_TRUE(f.transport->closed);
}

}  // namespace
}  // namespace smb::server::test
