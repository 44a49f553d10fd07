// SPDX-License-Identifier: MIT
// The XDP frame below 4 GiB and the kernel's rules for moving its head, tail and metadata
// (bpf_xdp_adjust_head/tail/meta of net/core/filter.c, with BPF_PROG_TEST_RUN's frame layout).
#include "driver/xdp_buff.h"

#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "compiler/error.h"

namespace bpfnic {

namespace {

constexpr uint32_t kEthHlen = 14;
constexpr uint32_t kPage = 4096;
/// Bytes mapped once per buffer: the largest frame a jumbo packet needs, rounded to pages.
constexpr uint32_t kAllocSize =
    (XdpBuff::kHeadroom + XdpBuff::kMaxPacket + XdpBuff::kTailroom + kPage - 1) / kPage * kPage;
constexpr uint64_t k4GiB = uint64_t{1} << 32;

uint8_t* ptr(uint32_t a) { return reinterpret_cast<uint8_t*>(static_cast<uintptr_t>(a)); }
uint32_t addr(const uint8_t* p) { return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(p)); }

}  // namespace

XdpBuff::XdpBuff() {
    void* p = mmap(nullptr, kAllocSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
    if (p == MAP_FAILED)
        throw Error(ErrorKind::Internal, std::string("XdpBuff: mmap(MAP_32BIT) of the frame failed: ") + strerror(errno));
    if (reinterpret_cast<uintptr_t>(p) + kAllocSize > k4GiB) {
        munmap(p, kAllocSize);
        throw Error(ErrorKind::Internal, "XdpBuff: the frame was mapped above 4 GiB; xdp_md cannot address it");
    }
    frame_ = static_cast<uint8_t*>(p);
    frame_size_ = kMinFrame;
    reset({});
}

XdpBuff::~XdpBuff() {
    if (frame_) munmap(frame_, kAllocSize);
}

void XdpBuff::reset(std::span<const uint8_t> packet, uint32_t ingress_ifindex, uint32_t rx_queue_index) {
    if (packet.size() > kMaxPacket)
        throw Error(ErrorKind::BadInput, "packet of " + std::to_string(packet.size()) + " bytes exceeds the " +
                                             std::to_string(kMaxPacket) + "-byte maximum");
    // The kernel's test run uses a one-page frame; a jumbo packet (carried in fragments by the
    // kernel) gets a linear frame of whole pages here.
    const uint32_t need = kHeadroom + static_cast<uint32_t>(packet.size()) + kTailroom;
    const uint32_t old_size = frame_size_;
    frame_size_ = need <= kMinFrame ? kMinFrame : (need + kPage - 1) / kPage * kPage;
    std::memset(frame_, 0, std::max(old_size, frame_size_));
    if (!packet.empty()) std::memcpy(frame_ + kHeadroom, packet.data(), packet.size());
    md_ = {};
    md_.data = addr(frame_ + kHeadroom);
    md_.data_end = md_.data + static_cast<uint32_t>(packet.size());
    md_.data_meta = md_.data;
    md_.ingress_ifindex = ingress_ifindex;
    md_.rx_queue_index = rx_queue_index;
}

uint8_t* XdpBuff::data() const { return ptr(md_.data); }
uint8_t* XdpBuff::data_end() const { return ptr(md_.data_end); }
uint8_t* XdpBuff::data_meta() const { return ptr(md_.data_meta); }

std::vector<uint8_t> XdpBuff::packet() const { return {data(), data_end()}; }
std::vector<uint8_t> XdpBuff::meta() const { return {data_meta(), data()}; }

// bpf_xdp_adjust_head: the new data may not go below the reserved frame head plus the current
// metadata, and at least ETH_HLEN bytes must remain; the metadata moves with data.
int XdpBuff::adjust_head(int64_t delta) {
    const int64_t offset = static_cast<int32_t>(delta);  // the helper's argument is an int
    const int64_t metalen = md_.data - md_.data_meta;
    const int64_t data_start = addr(frame_) + int64_t{kFrameReserve} + metalen;
    const int64_t data = int64_t{md_.data} + offset;
    if (data < data_start || data > int64_t{md_.data_end} - kEthHlen) return -EINVAL;
    if (metalen) std::memmove(data_meta() + offset, data_meta(), metalen);
    md_.data_meta = static_cast<uint32_t>(md_.data_meta + offset);
    md_.data = static_cast<uint32_t>(data);
    return 0;
}

// bpf_xdp_adjust_tail: data_end stays within [data + ETH_HLEN, hard_end]; grown bytes are zeroed.
int XdpBuff::adjust_tail(int64_t delta) {
    const int64_t offset = static_cast<int32_t>(delta);
    const int64_t data_end = int64_t{md_.data_end} + offset;
    if (data_end > int64_t{addr(hard_end())}) return -EINVAL;
    if (data_end < int64_t{md_.data} + kEthHlen) return -EINVAL;
    if (offset > 0) std::memset(this->data_end(), 0, offset);
    md_.data_end = static_cast<uint32_t>(data_end);
    return 0;
}

// bpf_xdp_adjust_meta: data_meta stays within [hard_start + kFrameReserve, data]; -EACCES when
// the resulting metadata length is not a multiple of 4 or exceeds kMaxMeta (as the kernel).
int XdpBuff::adjust_meta(int64_t delta) {
    const int64_t offset = static_cast<int32_t>(delta);
    const int64_t meta = int64_t{md_.data_meta} + offset;
    if (meta < int64_t{addr(frame_)} + kFrameReserve || meta > int64_t{md_.data}) return -EINVAL;
    const int64_t metalen = int64_t{md_.data} - meta;
    if ((metalen & 3) != 0 || metalen > kMaxMeta) return -EACCES;
    md_.data_meta = static_cast<uint32_t>(meta);
    return 0;
}

bool XdpBuff::in_packet(uint64_t p, uint64_t n) const {
    const uint64_t lo = md_.data_meta, hi = md_.data_end;
    return p >= lo && p <= hi && n <= hi - p;
}

}  // namespace bpfnic
