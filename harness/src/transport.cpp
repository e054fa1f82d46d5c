// Poll-based Direct TCP transport: non-blocking socket, every wait bounded by the caller's deadline.
#include "smbharness/transport.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "smbharness/error.hpp"
#include "smbproto/framing.hpp"

namespace smb::harness {
namespace {

int ms_left(Deadline d) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(d - Clock::now()).count();
  if (left <= 0) return 0;
  return left > 60'000 ? 60'000 : static_cast<int>(left);
}

}  // namespace

TcpTransport::~TcpTransport() { close(); }

TcpTransport::TcpTransport(TcpTransport&& o) noexcept { *this = std::move(o); }

TcpTransport& TcpTransport::operator=(TcpTransport&& o) noexcept {
  if (this != &o) {
    close();
    fd_ = o.fd_;
    o.fd_ = -1;
    buffer_ = std::move(o.buffer_);
    capture_ = o.capture_;
    connection_ = std::move(o.connection_);
    local_port_ = o.local_port_;
    remote_port_ = o.remote_port_;
    bytes_sent_ = o.bytes_sent_;
    bytes_received_ = o.bytes_received_;
  }
  return *this;
}

void TcpTransport::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  buffer_.clear();
}

Result<TcpTransport> TcpTransport::connect(const std::string& host, std::uint16_t port, Deadline deadline) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  std::string port_s = std::to_string(port);
  if (::getaddrinfo(host.c_str(), port_s.c_str(), &hints, &res) != 0 || res == nullptr)
    return errc::connect_failed;
  std::error_code last = make_error_code(errc::connect_failed);
  for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    int rc = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      int n;
      do {
        n = ::poll(&p, 1, ms_left(deadline));
      } while (n < 0 && errno == EINTR);
      if (n == 0) {
        ::close(fd);
        last = make_error_code(errc::timeout);
        continue;
      }
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      rc = (n > 0 && err == 0) ? 0 : -1;
    }
    if (rc != 0) {
      ::close(fd);
      continue;
    }
    TcpTransport t;
    t.fd_ = fd;
    sockaddr_storage ss{};
    socklen_t sl = sizeof ss;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &sl) == 0) {
      if (ss.ss_family == AF_INET) t.local_port_ = ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
      if (ss.ss_family == AF_INET6) t.local_port_ = ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
    }
    t.remote_port_ = port;
    ::freeaddrinfo(res);
    return t;
  }
  ::freeaddrinfo(res);
  return last;
}

void TcpTransport::record(CaptureRecord::Direction dir, wire::ByteView payload) {
  if (capture_ == nullptr) return;
  capture_->add(CaptureRecord{std::chrono::system_clock::now(), dir, connection_, local_port_, remote_port_,
                              wire::Bytes(payload.begin(), payload.end())});
}

Result<void> TcpTransport::write_all(wire::ByteView bytes, Deadline deadline) {
  if (fd_ < 0) return errc::not_connected;
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
      bytes_sent_ += static_cast<std::uint64_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{fd_, POLLOUT, 0};
      int r = ::poll(&p, 1, ms_left(deadline));
      if (r == 0) return errc::timeout;
      continue;
    }
    if (n < 0 && (errno == EPIPE || errno == ECONNRESET)) return errc::closed;
    return errc::io_error;
  }
  return {};
}

Result<void> TcpTransport::send_message(wire::ByteView message, Deadline deadline) {
  wire::Bytes framed;
  proto::append_frame(framed, message);
  record(CaptureRecord::Direction::sent, message);
  return write_all(framed, deadline);
}

Result<void> TcpTransport::send_bytes(wire::ByteView bytes, Deadline deadline) {
  // Record the payload as a capture tool would see it: strip a well-formed stream header if present.
  wire::ByteView payload;
  auto consumed = proto::parse_frame(bytes, payload);
  if (consumed && *consumed == bytes.size()) {
    record(CaptureRecord::Direction::sent, payload);
  } else {
    record(CaptureRecord::Direction::sent, bytes);
    if (capture_ != nullptr) capture_->mark_last_sent_wire_exact(connection_);
  }
  return write_all(bytes, deadline);
}

Result<wire::Bytes> TcpTransport::receive_message(Deadline deadline) {
  if (fd_ < 0) return errc::not_connected;
  // The deadline is absolute: a peer that keeps sending (a byte at a time, or a 16 MB frame slower than the step
  // allows) must not keep us here. A frame already complete in the buffer is returned even past the deadline; an
  // incomplete one is a timeout once the deadline has passed, whether or not bytes are still arriving (one
  // non-blocking read is still made, so bytes that are already waiting are not lost to an expired deadline).
  bool late = false;
  for (;;) {
    wire::ByteView payload;
    auto consumed = proto::parse_frame(buffer_, payload);
    if (consumed) {
      wire::Bytes out(payload.begin(), payload.end());
      buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(*consumed));
      record(CaptureRecord::Direction::received, out);
      return out;
    }
    if (consumed.error() != proto::errc::need_more) return errc::bad_frame;
    if (late) return errc::timeout;
    std::uint8_t tmp[65536];
    ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n > 0) {
      buffer_.insert(buffer_.end(), tmp, tmp + n);
      bytes_received_ += static_cast<std::uint64_t>(n);
      late = Clock::now() >= deadline;
      continue;
    }
    if (n == 0) return errc::closed;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      int left = ms_left(deadline);
      if (left == 0) return errc::timeout;
      pollfd p{fd_, POLLIN, 0};
      int r = ::poll(&p, 1, left);
      if (r == 0) return errc::timeout;
      continue;
    }
    if (errno == ECONNRESET) return errc::closed;
    return errc::io_error;
  }
}

bool TcpTransport::wait_closed(Deadline deadline, bool& got_data) {
  got_data = !buffer_.empty();
  if (got_data || fd_ < 0) return fd_ < 0;
  for (;;) {
    std::uint8_t tmp[4096];
    ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n > 0) {
      buffer_.insert(buffer_.end(), tmp, tmp + n);
      bytes_received_ += static_cast<std::uint64_t>(n);
      got_data = true;
      return false;
    }
    if (n == 0) return true;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      int left = ms_left(deadline);
      if (left == 0) return false;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, left) == 0) return false;
      continue;
    }
    return true;  // ECONNRESET and friends: the peer is gone
  }
}

}  // namespace smb::harness
