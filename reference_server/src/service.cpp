// The running server: Asio listener, per-connection TCP transport, control channel and clock timer.
//
// Threading: everything runs on the thread that calls Service::run(); all protocol state is
// touched only from handlers on that thread.
#include "smbserver/service.hpp"

#include <deque>
#include <filesystem>
#include <iostream>
#include <memory>

// Our headers first: <termios.h> (pulled in by Asio's serial ports) defines a macro ECHO that
// would clash with proto::Command::ECHO; serial ports are not used, so keep termios out.
#include "smbserver/connection.hpp"
#include "smbserver/control.hpp"
#include "smbserver/log.hpp"

#define BOOST_ASIO_DISABLE_SERIAL_PORT 1
#include <boost/asio.hpp>

namespace smb::server {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using local = asio::local::stream_protocol;

struct Service::Impl {
  asio::io_context io{1};  // concurrency hint: one thread runs it (Service::run)
  std::unique_ptr<Server> server;
  tcp::acceptor acceptor{io};
  std::optional<tcp::acceptor> control_tcp;
  std::optional<local::acceptor> control_local;
  std::string control_name;
  asio::steady_timer clock_timer{io};
  asio::signal_set signals{io};

  void accept();
  template <class Acceptor>
  void accept_control(Acceptor& a);
  void rearm_clock();
  void after_event() { rearm_clock(); }
};

namespace {

/** TCP transport of one connection; owns the socket and the write queue. */
class TcpTransport : public Transport, public std::enable_shared_from_this<TcpTransport> {
 public:
  TcpTransport(Service::Impl& impl, tcp::socket sock) : impl_(impl), sock_(std::move(sock)) {
    boost::system::error_code ec;
    auto ep = sock_.remote_endpoint(ec);
    peer_ = ec ? "?" : ep.address().to_string() + ":" + std::to_string(ep.port());
    sock_.set_option(tcp::no_delay(true), ec);
  }
  void start(std::uint64_t connection_id) {
    id_ = connection_id;
    read();
  }
  void send(wire::Bytes frame) override {
    if (closed_) return;
    queued_ += frame.size();
    queue_.push_back(std::move(frame));
    if (queue_.size() == 1) write();
  }
  void close() override {
    if (closed_) return;
    closed_ = true;
    boost::system::error_code ec;
    sock_.shutdown(tcp::socket::shutdown_both, ec);
    sock_.close(ec);
  }
  std::string peer() const override { return peer_; }
  std::uint64_t bytes_queued() const override { return queued_; }
  std::uint64_t bytes_written() const override { return written_; }

 private:
  // Receive buffer, sized lazily (an idle connection holds kInitialRead bytes, not a frame's worth): it grows to
  // the rest of a partial frame announced by its Direct TCP header (MS-SMB2 2.1), or doubles when a read filled
  // it, up to kMaxRead per read. Frames longer than the server accepts are refused by receive() (3.3.5.2) from
  // their header, before their bytes are buffered, so the announced length never sizes anything beyond kMaxRead.
  static constexpr std::size_t kInitialRead = 4 * 1024;
  static constexpr std::size_t kMaxRead = 256 * 1024;

  std::size_t next_read_size(const Connection& c, std::size_t last_n) const {
    std::size_t want = std::max(kInitialRead, buf_size_);
    if (last_n == buf_size_) want = std::min(buf_size_ * 2, kMaxRead);  // filled: more is likely queued
    if (c.rx.size() >= 4 && c.rx[0] == 0) {
      std::size_t frame = 4 + ((std::size_t{c.rx[1]} << 16) | (std::size_t{c.rx[2]} << 8) | c.rx[3]);
      if (frame > c.rx.size()) want = std::max(want, std::min(frame - c.rx.size(), kMaxRead));
    }
    return want;
  }
  void reserve_read(std::size_t want) {
    if (want <= buf_size_) return;
    buf_ = std::make_unique_for_overwrite<std::uint8_t[]>(want);  // no zero fill: only read bytes are used
    buf_size_ = want;
  }

  void read() {
    if (!buf_) reserve_read(kInitialRead);
    auto self = shared_from_this();
    sock_.async_read_some(asio::buffer(buf_.get(), buf_size_), [this, self](boost::system::error_code ec, std::size_t n) {
      Server& s = *impl_.server;
      auto it = s.connections.find(id_);
      if (it == s.connections.end()) return;
      Connection& c = *it->second;
      if (ec) {
        if (ec != asio::error::operation_aborted) log(LogLevel::info, "connection ", id_, ": ", ec.message());
        remove_connection(s, id_);
        impl_.after_event();
        return;
      }
      receive(s, c, wire::ByteView(buf_.get(), n));
      if (c.closed) {
        // Let queued responses go out before the socket closes only if the engine did not close it.
        remove_connection(s, id_);
      } else {
        reserve_read(next_read_size(c, n));
        read();
      }
      impl_.after_event();
    });
  }
  void write() {
    auto self = shared_from_this();
    asio::async_write(sock_, asio::buffer(queue_.front()), [this, self](boost::system::error_code ec, std::size_t n) {
      written_ += n;
      if (ec) {
        queue_.clear();
        return;
      }
      queue_.pop_front();
      if (!queue_.empty() && !closed_) write();
    });
  }

  Service::Impl& impl_;
  tcp::socket sock_;
  std::uint64_t id_ = 0;
  std::string peer_;
  std::unique_ptr<std::uint8_t[]> buf_;
  std::size_t buf_size_ = 0;
  std::deque<wire::Bytes> queue_;
  std::uint64_t queued_ = 0, written_ = 0;
  bool closed_ = false;
};

/** One control-channel client: newline-delimited JSON in, one JSON line out per request. */
template <class Socket>
class ControlSession : public std::enable_shared_from_this<ControlSession<Socket>> {
 public:
  ControlSession(Service::Impl& impl, Socket sock) : impl_(impl), sock_(std::move(sock)) {}
  void start() { read(); }

 private:
  void read() {
    auto self = this->shared_from_this();
    asio::async_read_until(sock_, in_, '\n', [this, self](boost::system::error_code ec, std::size_t n) {
      if (ec) return;
      std::string line(asio::buffers_begin(in_.data()), asio::buffers_begin(in_.data()) + static_cast<std::ptrdiff_t>(n));
      in_.consume(n);
      while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
      out_ = handle_control(*impl_.server, line).dump() + "\n";
      impl_.after_event();
      asio::async_write(sock_, asio::buffer(out_), [this, self](boost::system::error_code wec, std::size_t) {
        if (!wec) read();
      });
    });
  }
  Service::Impl& impl_;
  Socket sock_;
  asio::streambuf in_{1 << 20};
  std::string out_;
};

}  // namespace

void Service::Impl::accept() {
  acceptor.async_accept([this](boost::system::error_code ec, tcp::socket sock) {
    if (ec) {
      if (ec != asio::error::operation_aborted) accept();
      return;
    }
    auto t = std::make_shared<TcpTransport>(*this, std::move(sock));
    Connection& c = add_connection(*server, t);
    log(LogLevel::info, "connection ", c.id, " from ", t->peer());
    t->start(c.id);
    accept();
  });
}

template <class Acceptor>
void Service::Impl::accept_control(Acceptor& a) {
  a.async_accept([this, &a](boost::system::error_code ec, typename Acceptor::protocol_type::socket sock) {
    if (ec) {
      if (ec != asio::error::operation_aborted) accept_control(a);
      return;
    }
    std::make_shared<ControlSession<typename Acceptor::protocol_type::socket>>(*this, std::move(sock))->start();
    accept_control(a);
  });
}

void Service::Impl::rearm_clock() {
  auto left = server->clock.time_until_next();
  if (!left) {
    clock_timer.cancel();
    return;
  }
  clock_timer.expires_after(*left);
  clock_timer.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    server->clock.fire_due();
    rearm_clock();
  });
}

Service::Service() : impl_(std::make_unique<Impl>()) {}
Service::~Service() {
  if (impl_ && impl_->control_local && !impl_->control_name.empty()) {
    std::error_code ec;
    std::filesystem::remove(impl_->control_name, ec);
  }
}

std::variant<std::unique_ptr<Service>, StartError> Service::create(ServerConfig config) {
  std::unique_ptr<Service> svc(new Service());
  Impl& m = *svc->impl_;
  auto srv = make_server(std::move(config));
  if (auto* err = std::get_if<std::string>(&srv)) return StartError{*err, 2};
  m.server = std::move(std::get<0>(srv));
  const ServerConfig& c = m.server->config;
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(c.listen_address, ec);
  if (ec) return StartError{"bad listen address '" + c.listen_address + "'", 2};
  tcp::endpoint ep(addr, c.listen_port);
  m.acceptor.open(ep.protocol(), ec);
  if (!ec) m.acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) m.acceptor.bind(ep, ec);
  if (!ec) m.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return StartError{"cannot listen on " + c.listen_address + ":" + std::to_string(c.listen_port) + ": " + ec.message(), 1};
  if (c.control) {
    if (c.control->is_tcp) {
      auto caddr = asio::ip::make_address(c.control->address, ec);
      if (ec) return StartError{"bad control address '" + c.control->address + "'", 2};
      tcp::endpoint cep(caddr, c.control->port);
      m.control_tcp.emplace(m.io);
      m.control_tcp->open(cep.protocol(), ec);
      if (!ec) m.control_tcp->set_option(tcp::acceptor::reuse_address(true), ec);
      if (!ec) m.control_tcp->bind(cep, ec);
      if (!ec) m.control_tcp->listen(16, ec);
      if (ec) return StartError{"cannot listen on control " + c.control->address + ": " + ec.message(), 1};
      m.control_name = c.control->address + ":" + std::to_string(m.control_tcp->local_endpoint().port());
    } else {
      std::error_code fec;
      if (std::filesystem::is_socket(c.control->path, fec)) std::filesystem::remove(c.control->path, fec);
      m.control_local.emplace(m.io);
      local::endpoint lep(c.control->path);
      m.control_local->open(lep.protocol(), ec);
      if (!ec) m.control_local->bind(lep, ec);
      if (!ec) m.control_local->listen(16, ec);
      if (ec) return StartError{"cannot listen on control socket " + c.control->path + ": " + ec.message(), 1};
      m.control_name = c.control->path;
    }
  }
  m.accept();
  if (m.control_tcp) m.accept_control(*m.control_tcp);
  if (m.control_local) m.accept_control(*m.control_local);
  return svc;
}

std::uint16_t Service::port() const {
  boost::system::error_code ec;
  auto ep = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : ep.port();
}
std::string Service::control_endpoint() const { return impl_->control_name; }
Server& Service::server() { return *impl_->server; }

void Service::run() {
  impl_->rearm_clock();
  impl_->io.run();
}

void Service::stop() {
  asio::post(impl_->io, [this] {
    boost::system::error_code ec;
    impl_->acceptor.close(ec);
    if (impl_->control_tcp) impl_->control_tcp->close(ec);
    if (impl_->control_local) impl_->control_local->close(ec);
    impl_->clock_timer.cancel();
    impl_->signals.cancel(ec);
    std::vector<std::uint64_t> ids;
    for (auto& [id, c] : impl_->server->connections) ids.push_back(id);
    for (auto id : ids) remove_connection(*impl_->server, id);
    impl_->io.stop();
  });
}

void Service::handle_signals() {
  impl_->signals.add(SIGINT);
  impl_->signals.add(SIGTERM);
  impl_->signals.async_wait([this](boost::system::error_code ec, int) {
    if (!ec) stop();
  });
}

}  // namespace smb::server
