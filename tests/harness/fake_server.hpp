// Test-only scripted SMB2 peers on 127.0.0.1: a server that answers via a callback, and one that accepts and stays silent.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <optional>
#include <thread>
#include <vector>

#include "smbproto/framing.hpp"
#include "smbproto/messages.hpp"

namespace smb::harness::testing {

/** Listens on 127.0.0.1:0; for each request calls `handler`, which returns the response to send (or nothing). */
class FakeServer {
 public:
  using Handler = std::function<std::optional<proto::Response>(const proto::Request&)>;
  /** What a scripted peer does with one request: send these messages (in order), then maybe close the connection. */
  struct Reply {
    std::vector<proto::Response> responses;
    bool close = false;
  };
  using Script = std::function<Reply(const proto::Request&)>;
  /** silent = accept connections and never read or answer. */
  explicit FakeServer(Handler handler, bool silent = false)
      : FakeServer(handler ? Script([h = std::move(handler)](const proto::Request& r) {
                     Reply out;
                     if (auto resp = h(r)) out.responses.push_back(std::move(*resp));
                     return out;
                   })
                           : Script(),
                   silent) {}
  explicit FakeServer(Script script, bool silent = false) : script_(std::move(script)), silent_(silent) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(listen_fd_, 16);
    socklen_t len = sizeof a;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { accept_loop(); });
  }
  ~FakeServer() {
    stop_ = true;
    thread_.join();
    for (auto& t : workers_) t.join();
    for (int fd : conns_) ::close(fd);
    ::close(listen_fd_);
  }
  std::uint16_t port() const { return port_; }
  int accepted() const { return accepted_; }

  /** A NEGOTIATE response choosing 2.0.2 (MS-SMB2 2.2.4), no security buffer. */
  static proto::Response negotiate_response(const proto::Request& req) {
    proto::NegotiateResponse n;
    n.security_mode = 0x01;
    n.dialect_revision = 0x0202;
    n.max_transact_size = n.max_read_size = n.max_write_size = 65536;
    return reply(req, n, 0);
  }
  /** A response header for `req` (SERVER_TO_REDIR, same command and MessageId) with `body`. */
  static proto::Response reply(const proto::Request& req, proto::ResponseBody body, std::uint32_t status) {
    proto::Response r{req.header, std::move(body)};
    r.header.flags = proto::SMB2_FLAGS_SERVER_TO_REDIR;
    r.header.status = status;
    r.header.credit_request_response = 1;
    r.header.next_command = 0;
    return r;
  }

 private:
  void accept_loop() {
    while (!stop_) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) continue;
      ++accepted_;
      conns_.push_back(fd);
      if (!silent_) workers_.emplace_back([this, fd] { serve(fd); });
    }
  }
  void serve(int fd) {
    wire::Bytes buf;
    while (!stop_) {
      wire::ByteView payload;
      auto consumed = proto::parse_frame(buf, payload);
      if (consumed) {
        wire::Bytes msg(payload.begin(), payload.end());
        buf.erase(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*consumed));
        auto req = proto::decode_request(msg);
        if (!req) {
          // Undecodable (e.g. an undefined Command code): the raw header still tells the script what came in.
          wire::Reader rd(msg);
          auto h = proto::decode_header(rd);
          if (!h) continue;
          req = proto::Request{*h, proto::EchoRequest{}};
        }
        Reply reply = script_(*req);
        for (const auto& resp : reply.responses) {
          wire::Bytes out;
          proto::append_frame(out, proto::encode_message(resp.header, resp.body));
          ::send(fd, out.data(), out.size(), MSG_NOSIGNAL);
        }
        if (reply.close) {
          ::shutdown(fd, SHUT_RDWR);
          return;
        }
        continue;
      }
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      std::uint8_t tmp[4096];
      ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
      if (n <= 0) return;
      buf.insert(buf.end(), tmp, tmp + n);
    }
  }

  Script script_;
  bool silent_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  std::thread thread_;
  std::vector<std::thread> workers_;
  std::vector<int> conns_;
};

}  // namespace smb::harness::testing
