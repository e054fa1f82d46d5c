// Writes the built-in part of the fuzz seed corpora: one encoded message per SMB2/SMB1 command and direction, real
// NTLMSSP/SPNEGO tokens from an Initiator <-> Acceptor exchange, and logged-on server traffic.
// scripts/fuzz.sh adds the checked-in captures (captures/golden), the scenario files and the messages of a
// scenario run against the reference server.
//
//   make_seeds OUT_DIR      -> OUT_DIR/<target>/<name>.bin
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "smbproto/framing.hpp"
#include "smbproto/messages.hpp"
#include "smbproto/security/gss.hpp"
#include "smbproto/security/ntlmssp.hpp"
#include "smbproto/smb1/messages.hpp"

namespace {

using smb::wire::Bytes;
namespace proto = smb::proto;
namespace fs = std::filesystem;

fs::path g_out;
int g_written = 0;

void write(const std::string& target, const std::string& name, const Bytes& b) {
  fs::create_directories(g_out / target);
  std::ofstream(g_out / target / (name + ".bin"), std::ios::binary)
      .write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
  ++g_written;
}

Bytes with_prefix(std::initializer_list<std::uint8_t> prefix, const Bytes& b) {
  Bytes out(prefix);
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

/** The NTLMSSP message inside a SPNEGO token (it is the last element, so from its signature to the end). */
Bytes inner_ntlmssp(const Bytes& token) {
  static const std::uint8_t sig[8] = {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0};
  auto it = std::search(token.begin(), token.end(), std::begin(sig), std::end(sig));
  return Bytes(it, token.end());
}

void smb2_seeds() {
  Bytes dispatch_records;  // server seed: every request, logged on, MessageIds patched by the target
  auto add_record = [&](const Bytes& msg) {
    dispatch_records.push_back(static_cast<std::uint8_t>(msg.size()));
    dispatch_records.push_back(static_cast<std::uint8_t>(msg.size() >> 8));
    dispatch_records.insert(dispatch_records.end(), msg.begin(), msg.end());
  };
#define SMB_X(name, code, Req, Resp)                                                         \
  {                                                                                          \
    proto::Header h;                                                                         \
    h.command = code;                                                                        \
    h.credit_request_response = 1;                                                           \
    Bytes req = proto::encode_message(h, proto::RequestBody(proto::Req{}));                  \
    write("smb2_request", #name, req);                                                       \
    write("server_dispatch", "one_" #name, with_prefix({0x09}, [&] {                         \
            Bytes r{static_cast<std::uint8_t>(req.size()), static_cast<std::uint8_t>(req.size() >> 8)}; \
            r.insert(r.end(), req.begin(), req.end());                                       \
            return r;                                                                        \
          }()));                                                                             \
    add_record(req);                                                                         \
    if constexpr (!std::is_same_v<proto::Resp, proto::NoResponse>) {                         \
      h.flags = proto::SMB2_FLAGS_SERVER_TO_REDIR;                                           \
      write("smb2_response", #name, proto::encode_message(h, proto::ResponseBody(proto::Resp{}))); \
      h.status = 0xC0000022;                                                                 \
      write("smb2_response", #name "_error", proto::encode_message(h, proto::ResponseBody(proto::ErrorResponse{}))); \
    }                                                                                        \
  }
  SMB2_COMMAND_LIST(SMB_X)
#undef SMB_X
  write("server_dispatch", "all_commands_logged_on", with_prefix({0x09}, dispatch_records));
  write("server_dispatch", "all_commands_logged_on_311", with_prefix({0x0B}, dispatch_records));
  // Raw stream: one framed NEGOTIATE, no prologue.
  proto::NegotiateRequest n;
  n.dialects = {0x0202, 0x0210, 0x0300, 0x0302, 0x0311};
  n.security_mode = 1;
  proto::PreauthIntegrityCapabilities p;
  p.hash_algorithms = {0x0001};
  p.salt = Bytes(32, 0x11);
  n.negotiate_contexts.push_back(proto::make_context(p));
  Bytes framed;
  proto::append_frame(framed, proto::encode_message(proto::Header{}, proto::RequestBody(n)));
  write("server_dispatch", "raw_negotiate", with_prefix({0x00, 0x00, 0x00}, framed));
  write("smb2_request", "negotiate_311", proto::encode_message(proto::Header{}, proto::RequestBody(n)));
}

void smb1_seeds() {
  namespace s1 = proto::smb1;
  s1::Header h;
#define SMB1_X(name, code, Req, Resp)                                                                    \
  {                                                                                                      \
    h.command = code;                                                                                    \
    h.flags = 0;                                                                                         \
    Bytes req = s1::encode_message(h, std::vector<s1::RequestBody>{s1::RequestBody(s1::Req{})});       \
    write("smb1_request", #name, req);                                                                   \
    Bytes framed;                                                                                        \
    proto::append_frame(framed, req);                                                                    \
    write("server_dispatch", "smb1_" #name, with_prefix({0x00, 0x00, 0x00}, framed));                   \
    h.flags = 0x80; /* SMB_FLAGS_REPLY */                                                                \
    write("smb1_response", #name, s1::encode_message(h, std::vector<s1::ResponseBody>{s1::ResponseBody(s1::Resp{})})); \
  }
  SMB1_COMMAND_LIST(SMB1_X)
#undef SMB1_X
}

void security_seeds() {
  smb::security::AcceptorConfig cfg;
  cfg.users["alice"] = "secret";
  cfg.fixed_server_challenge = std::array<std::uint8_t, 8>{1, 2, 3, 4, 5, 6, 7, 8};
  smb::security::Acceptor acc(cfg);
  smb::security::Initiator ini(smb::security::Credentials{"alice", "secret", "", "FUZZ"});
  Bytes t1 = ini.initial_token();
  auto s1 = acc.step(t1);
  auto t2 = ini.step(s1.out_token);
  if (!t2) {
    std::fprintf(stderr, "make_seeds: the Initiator rejected the Acceptor's challenge\n");
    return;
  }
  auto s2 = acc.step(*t2);
  write("ntlmssp", "negotiate", inner_ntlmssp(t1));
  write("ntlmssp", "challenge", inner_ntlmssp(s1.out_token));
  write("ntlmssp", "authenticate", inner_ntlmssp(*t2));
  write("spnego", "decode_init", with_prefix({0}, t1));
  write("spnego", "decode_resp", with_prefix({0}, s1.out_token));
  write("spnego", "decode_resp_final", with_prefix({0}, s2.out_token));
  write("spnego", "decode_hint", with_prefix({0}, smb::security::negotiate_response_token()));
  write("spnego", "acceptor_leg1", with_prefix({1}, t1));
  write("spnego", "acceptor_leg1_raw", with_prefix({1}, inner_ntlmssp(t1)));
  write("spnego", "acceptor_leg2", with_prefix({2}, *t2));
  write("spnego", "acceptor_leg2_raw", with_prefix({2}, inner_ntlmssp(*t2)));
  write("spnego", "initiator", with_prefix({3}, s1.out_token));
  write("spnego", "initiator_raw", with_prefix({3}, inner_ntlmssp(s1.out_token)));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_seeds OUT_DIR\n");
    return 2;
  }
  g_out = argv[1];
  smb2_seeds();
  smb1_seeds();
  security_seeds();
  std::printf("make_seeds: %d seeds in %s\n", g_written, g_out.c_str());
  return 0;
}
