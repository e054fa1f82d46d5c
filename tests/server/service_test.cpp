// The running service over real loopback sockets: TCP listener, control channel, start errors.
#include "smbserver/service.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "server_fixture.hpp"

#define BOOST_ASIO_DISABLE_SERIAL_PORT 1
#include <boost/asio.hpp>

namespace smb::server::test {
namespace {

namespace asio = boost::asio;

ServerConfig config_for(const TempDir& d) {
  ServerConfig c;
  c.listen_port = 0;
  ShareConfig s;
  s.name = "share";
  s.root = d.path;
  c.shares.push_back(s);
  c.users["alice"] = "pass";
  ControlEndpoint ce;
  ce.path = (d.path / "ctl.sock").string();
  c.control = ce;
  return c;
}

TEST(Service, AnswersNegotiateOverTcpAndControlOverUnixSocket) {
  TempDir d;
  auto made = Service::create(config_for(d));
  ASSERT_TRUE(std::holds_alternative<std::unique_ptr<Service>>(made)) << std::get<StartError>(made).message;
  auto& svc = *std::get<0>(made);
  ASSERT_NE(svc.port(), 0);
  std::thread t([&] { svc.run(); });

  asio::io_context io;
  asio::ip::tcp::socket sock(io);
  sock.connect({asio::ip::make_address("127.0.0.1"), svc.port()});
  proto::Header h;
  h.command = 0;
  proto::NegotiateRequest n;
  n.dialects = {0x0202, 0x0210};
  wire::Bytes framed;
  proto::append_frame(framed, proto::encode_message(h, proto::RequestBody(n)));
  asio::write(sock, asio::buffer(framed));
  std::uint8_t hdr[4];
  asio::read(sock, asio::buffer(hdr, 4));
  std::size_t len = (std::size_t{hdr[1]} << 16) | (std::size_t{hdr[2]} << 8) | hdr[3];
  wire::Bytes msg(len);
  asio::read(sock, asio::buffer(msg));
  auto resp = proto::decode_response(msg);
  ASSERT_TRUE(resp.has_value());
  EXPECT_EQ(resp->header.nt_status(), status::STATUS_SUCCESS);
  EXPECT_EQ(std::get<proto::NegotiateResponse>(resp->body).dialect_revision, 0x0210);

  asio::local::stream_protocol::socket ctl(io);
  ctl.connect(asio::local::stream_protocol::endpoint(svc.control_endpoint()));
  std::string req = "{\"op\":\"state\"}\n";
  asio::write(ctl, asio::buffer(req));
  asio::streambuf buf;
  asio::read_until(ctl, buf, '\n');
  std::string line(asio::buffers_begin(buf.data()), asio::buffers_end(buf.data()));
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["ok"], true);
  ASSERT_EQ(j["connections"].size(), 1u);
  EXPECT_EQ(j["connections"][0]["dialect"], "2.1");
  std::string bad = "not json\n";
  asio::write(ctl, asio::buffer(bad));
  asio::streambuf buf2;
  asio::read_until(ctl, buf2, '\n');
  std::string line2(asio::buffers_begin(buf2.data()), asio::buffers_end(buf2.data()));
  EXPECT_EQ(nlohmann::json::parse(line2)["ok"], false);

  svc.stop();
  t.join();
}

TEST(Service, TakenPortIsARuntimeError) {
  TempDir d;
  asio::io_context io;
  asio::ip::tcp::acceptor busy(io, {asio::ip::make_address("127.0.0.1"), 0});
  auto cfg = config_for(d);
  cfg.control.reset();
  cfg.listen_port = busy.local_endpoint().port();
  auto made = Service::create(cfg);
  ASSERT_TRUE(std::holds_alternative<StartError>(made));
  EXPECT_EQ(std::get<StartError>(made).exit_code, 1);
}

TEST(Service, MissingShareDirectoryIsAConfigError) {
  TempDir d;
  auto cfg = config_for(d);
  cfg.control.reset();
  cfg.shares[0].root = d.path / "does-not-exist";
  auto made = Service::create(cfg);
  ASSERT_TRUE(std::holds_alternative<StartError>(made));
  EXPECT_EQ(std::get<StartError>(made).exit_code, 2);
}

}  // namespace
}  // namespace smb::server::test
