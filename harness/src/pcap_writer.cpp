// pcap writer: synthesizes Ethernet/IPv4/TCP around each captured SMB frame so dissectors see a port-445 stream.
#include "smbharness/pcap_writer.hpp"

#include <pcap/pcap.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>

namespace smb::harness {
namespace {

constexpr std::uint16_t kServerPort = 445;     // MS-SMB2 2.1: Direct TCP transport
constexpr std::size_t kMaxSegment = 65000;     // IPv4 total length is 16 bits
constexpr std::uint8_t kFin = 0x01, kSyn = 0x02, kPsh = 0x08, kAck = 0x10;

struct Stream {
  std::uint16_t client_port = 0;
  std::uint32_t client_seq = 0, server_seq = 0;  // next sequence number of each side
};

void put16(std::vector<std::uint8_t>& b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<std::uint8_t>(v >> 8);
  b[at + 1] = static_cast<std::uint8_t>(v);
}
void put32(std::vector<std::uint8_t>& b, std::size_t at, std::uint32_t v) {
  put16(b, at, static_cast<std::uint16_t>(v >> 16));
  put16(b, at + 2, static_cast<std::uint16_t>(v));
}

std::uint16_t checksum(const std::uint8_t* p, std::size_t n, std::uint32_t sum = 0) {
  for (std::size_t i = 0; i + 1 < n; i += 2) sum += (static_cast<std::uint32_t>(p[i]) << 8) | p[i + 1];
  if (n & 1) sum += static_cast<std::uint32_t>(p[n - 1]) << 8;
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

/**
 * The initial sequence number of one side of one connection: FNV-1a over the capture's file name, the connection's
 * name and its place in the capture, and the side. The same run writes the same bytes, and two captures (or two
 * connections of one) do not share ISNs: Wireshark takes a SYN that repeats an earlier connection's ports and ISN
 * for a retransmission of it, so captures merged with `mergecap -a` whose client ports happen to repeat (ephemeral
 * ports do) would otherwise show the later connection's SMB frames as TCP retransmissions, not SMB.
 */
std::uint32_t initial_seq(const std::string& file, const std::string& connection, std::size_t index, bool client) {
  std::uint32_t h = 2166136261u;
  auto mix = [&h](unsigned char c) {
    h ^= c;
    h *= 16777619u;
  };
  for (unsigned char c : file) mix(c);
  mix(0);
  for (unsigned char c : connection) mix(c);
  mix(0);
  for (int k = 0; k < 8; ++k) mix(static_cast<unsigned char>(index >> (8 * k)));
  mix(client ? 'c' : 's');
  return h;
}

/** One Ethernet/IPv4/TCP packet from `from_client`'s side. */
std::vector<std::uint8_t> packet(const Stream& s, bool from_client, std::uint8_t flags, std::uint32_t seq, std::uint32_t ack,
                                 const std::uint8_t* data, std::size_t len, std::uint16_t ip_id) {
  std::vector<std::uint8_t> b(14 + 20 + 20 + len, 0);
  // Ethernet II: locally administered MACs, one per side; EtherType IPv4.
  const std::uint8_t client_mac[6] = {0x02, 0, 0, 0, 0, 0x01}, server_mac[6] = {0x02, 0, 0, 0, 0, 0x02};
  std::copy_n(from_client ? server_mac : client_mac, 6, b.begin());
  std::copy_n(from_client ? client_mac : server_mac, 6, b.begin() + 6);
  put16(b, 12, 0x0800);
  // IPv4 (RFC 791): 127.0.0.1 (client) <-> 127.0.0.2 (server) so the two ends are distinguishable.
  std::size_t ip = 14;
  b[ip] = 0x45;
  put16(b, ip + 2, static_cast<std::uint16_t>(20 + 20 + len));
  put16(b, ip + 4, ip_id);
  put16(b, ip + 6, 0x4000);  // DF
  b[ip + 8] = 64;
  b[ip + 9] = 6;             // TCP
  std::uint32_t client_ip = 0x7F000001, server_ip = 0x7F000002;
  put32(b, ip + 12, from_client ? client_ip : server_ip);
  put32(b, ip + 16, from_client ? server_ip : client_ip);
  put16(b, ip + 10, checksum(&b[ip], 20));
  // TCP (RFC 793).
  std::size_t tcp = ip + 20;
  put16(b, tcp, from_client ? s.client_port : kServerPort);
  put16(b, tcp + 2, from_client ? kServerPort : s.client_port);
  put32(b, tcp + 4, seq);
  put32(b, tcp + 8, (flags & kAck) ? ack : 0);
  b[tcp + 12] = 5 << 4;
  b[tcp + 13] = flags;
  put16(b, tcp + 14, 65535);
  if (len) std::copy_n(data, len, b.begin() + static_cast<std::ptrdiff_t>(tcp + 20));
  // Checksum over the pseudo-header (addresses, protocol, TCP length) and the segment.
  std::uint32_t sum = 0;
  for (std::size_t i = 12; i < 20; i += 2) sum += (static_cast<std::uint32_t>(b[ip + i]) << 8) | b[ip + i + 1];
  sum += 6 + static_cast<std::uint32_t>(20 + len);
  put16(b, tcp + 16, checksum(&b[tcp], 20 + len, sum));
  return b;
}

}  // namespace

std::string pcap_file_name(const std::string& scenario_id) {
  std::string out;
  for (char c : scenario_id) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-') ? c : '_';
  return out + ".pcap";
}

std::optional<PcapSummary> write_pcap(const std::filesystem::path& file, const std::vector<CaptureRecord>& records,
                                      std::string& error) {
  std::unique_ptr<pcap_t, void (*)(pcap_t*)> p(pcap_open_dead(DLT_EN10MB, 262144), pcap_close);
  if (!p) {
    error = "pcap_open_dead failed";
    return std::nullopt;
  }
  std::unique_ptr<pcap_dumper_t, void (*)(pcap_dumper_t*)> d(pcap_dump_open(p.get(), file.c_str()), pcap_dump_close);
  if (!d) {
    error = file.string() + ": " + pcap_geterr(p.get());
    return std::nullopt;
  }
  PcapSummary sum;
  std::uint16_t ip_id = 1;
  std::chrono::system_clock::time_point last{};
  auto dump = [&](const std::vector<std::uint8_t>& pkt, std::chrono::system_clock::time_point t) {
    last = std::max(last, t);
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
    pcap_pkthdr h{};
    h.ts.tv_sec = static_cast<time_t>(us / 1000000);
    h.ts.tv_usec = static_cast<suseconds_t>(us % 1000000);
    h.caplen = h.len = static_cast<bpf_u_int32>(pkt.size());
    pcap_dump(reinterpret_cast<u_char*>(d.get()), &h, pkt.data());
    ++sum.frames;
    ++ip_id;
  };
  // Streams in order of first appearance; a reconnect (same name, new client port) is a new stream.
  std::map<std::pair<std::string, std::uint16_t>, Stream> streams;
  std::vector<std::pair<std::string, std::uint16_t>> order;
  for (const auto& r : records) {
    auto key = std::make_pair(r.connection, r.local_port);
    auto it = streams.find(key);
    if (it == streams.end()) {
      Stream s;
      s.client_port = r.local_port != 0 ? r.local_port : static_cast<std::uint16_t>(40000 + streams.size());
      // The SYN carries ISN - 1 (below): the first data byte is at the ISN.
      s.client_seq = initial_seq(file.filename().string(), r.connection, streams.size(), true);
      s.server_seq = initial_seq(file.filename().string(), r.connection, streams.size(), false);
      it = streams.emplace(key, s).first;
      order.push_back(key);
      Stream& st = it->second;
      dump(packet(st, true, kSyn, st.client_seq - 1, 0, nullptr, 0, ip_id), r.time);
      dump(packet(st, false, kSyn | kAck, st.server_seq - 1, st.client_seq, nullptr, 0, ip_id), r.time);
      dump(packet(st, true, kAck, st.client_seq, st.server_seq, nullptr, 0, ip_id), r.time);
    }
    Stream& st = it->second;
    bool from_client = r.direction == CaptureRecord::Direction::sent;
    std::vector<std::uint8_t> bytes;
    if (!r.wire_exact) {
      // MS-SMB2 2.1: a zero byte and a 3-byte big-endian length before every message.
      auto n = static_cast<std::uint32_t>(r.payload.size());
      bytes = {0, static_cast<std::uint8_t>(n >> 16), static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)};
    }
    bytes.insert(bytes.end(), r.payload.begin(), r.payload.end());
    for (std::size_t off = 0; off < bytes.size(); off += kMaxSegment) {
      std::size_t len = std::min(kMaxSegment, bytes.size() - off);
      std::uint32_t& seq = from_client ? st.client_seq : st.server_seq;
      std::uint32_t ack = from_client ? st.server_seq : st.client_seq;
      dump(packet(st, from_client, kPsh | kAck, seq, ack, bytes.data() + off, len, ip_id), r.time);
      if (r.malformed) sum.malformed_frames.push_back(sum.frames);
      seq += static_cast<std::uint32_t>(len);
    }
  }
  for (const auto& key : order) {
    Stream& st = streams[key];
    dump(packet(st, true, kFin | kAck, st.client_seq, st.server_seq, nullptr, 0, ip_id), last);
    ++st.client_seq;
    dump(packet(st, false, kFin | kAck, st.server_seq, st.client_seq, nullptr, 0, ip_id), last);
    ++st.server_seq;
    dump(packet(st, true, kAck, st.client_seq, st.server_seq, nullptr, 0, ip_id), last);
  }
  sum.connections = order.size();
  return sum;
}

}  // namespace smb::harness
