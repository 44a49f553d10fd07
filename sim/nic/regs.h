// SPDX-License-Identifier: MIT
// The BAR0 register map of the bpfnic NIC, the DMA descriptor layout and the mailbox commands
// (docs/register-map.md is the prose version of this file; keep the two in step).
#pragma once

#include <cstdint>

namespace bpfnic::sim::nic {

namespace reg {
inline constexpr uint32_t kBarBytes = 0x2000;        ///< BAR0 size

// Identification and capabilities (read only).
inline constexpr uint32_t kId = 0x0000;              ///< kIdMagic
inline constexpr uint32_t kVersion = 0x0004;         ///< major << 16 | minor
inline constexpr uint32_t kCaps = 0x0008;            ///< lanes [7:0], ports [15:8], mailbox [16]
inline constexpr uint32_t kImemDepth = 0x000C;       ///< bundles of instruction memory

// Control and status.
inline constexpr uint32_t kCtrl = 0x0010;            ///< kCtrl* bits
inline constexpr uint32_t kStatus = 0x0014;          ///< kStatus* bits (read only)
inline constexpr uint32_t kIrqStatus = 0x0018;       ///< kIrq* bits, write 1 to clear
inline constexpr uint32_t kIrqMask = 0x001C;         ///< kIrq* bits that raise the interrupt line

// Program image and run control.
inline constexpr uint32_t kProgAddrLo = 0x0020;      ///< host address of the image (slots)
inline constexpr uint32_t kProgAddrHi = 0x0024;
inline constexpr uint32_t kProgBundles = 0x0028;     ///< bundles in the image
inline constexpr uint32_t kEntryPc = 0x002C;         ///< first bundle of every run
inline constexpr uint32_t kRunTimeout = 0x0030;      ///< cycle budget per packet (0: no budget)
inline constexpr uint32_t kPktHeadroom = 0x0034;     ///< bytes before the frame (read only)
inline constexpr uint32_t kIfindexBase = 0x0038;     ///< ingress_ifindex of port p = base + p
inline constexpr uint32_t kLoadedBundles = 0x003C;   ///< bundles of the running image (read only)

// Descriptor rings: RX at kRxRing, TX at kTxRing, each with these offsets.
inline constexpr uint32_t kRxRing = 0x0100;
inline constexpr uint32_t kTxRing = 0x0140;
inline constexpr uint32_t kRingBaseLo = 0x00;
inline constexpr uint32_t kRingBaseHi = 0x04;
inline constexpr uint32_t kRingSize = 0x08;          ///< entries: 0 (off) or a power of two <= 4096
inline constexpr uint32_t kRingHead = 0x0C;          ///< next entry the NIC takes (read only)
inline constexpr uint32_t kRingTail = 0x10;          ///< one past the last entry the host posted

// Mailbox: command (a write rings the doorbell), status, arguments and a data window.
inline constexpr uint32_t kMboxCmd = 0x0200;
inline constexpr uint32_t kMboxStatus = 0x0204;      ///< kMbox* state [1:0], result code [31:16]
inline constexpr uint32_t kMboxSeq = 0x0208;         ///< commands completed (read only)
inline constexpr uint32_t kMboxArgs = 0x0240;        ///< kMboxArgCount 32-bit words, in and out
inline constexpr uint32_t kMboxArgCount = 16;
inline constexpr uint32_t kMboxData = 0x1000;        ///< kMboxDataBytes of command data
inline constexpr uint32_t kMboxDataBytes = 0x1000;

// 64-bit counters (two 32-bit words each, or one 64-bit access).
inline constexpr uint32_t kCoreCounters = 0x0400;    ///< CoreCounter order, 8 bytes each
inline constexpr uint32_t kNicCounters = 0x0480;     ///< NicCounter order, 8 bytes each
}  // namespace reg

inline constexpr uint32_t kIdMagic = 0x4250464E;     ///< "BPFN"
inline constexpr uint32_t kVersion = 0x00010000;     ///< 1.0

inline constexpr uint32_t kCtrlEnable = 1u << 0;     ///< take frames from the Ethernet ports
inline constexpr uint32_t kCtrlLoad = 1u << 1;       ///< load the image (self-clearing)
inline constexpr uint32_t kCtrlReset = 1u << 2;      ///< reset core, rings and counters (self-clearing)

inline constexpr uint32_t kStatusEnabled = 1u << 0;
inline constexpr uint32_t kStatusBusy = 1u << 1;      ///< a packet is in the core
inline constexpr uint32_t kStatusLoaded = 1u << 2;    ///< an image is loaded
inline constexpr uint32_t kStatusLoadError = 1u << 3; ///< the last load failed (size or DMA)
inline constexpr uint32_t kStatusLoading = 1u << 4;   ///< a load is in progress

inline constexpr uint32_t kIrqRx = 1u << 0;          ///< an RX descriptor completed
inline constexpr uint32_t kIrqTx = 1u << 1;          ///< a TX descriptor completed
inline constexpr uint32_t kIrqMbox = 1u << 2;        ///< a mailbox command completed
inline constexpr uint32_t kIrqError = 1u << 3;       ///< a load failed or a frame was dropped for lack of descriptors

inline constexpr uint32_t kMboxIdle = 0;
inline constexpr uint32_t kMboxBusy = 1;
inline constexpr uint32_t kMboxDone = 2;

/// Mailbox result codes (bits [31:16] of kMboxStatus).
inline constexpr uint32_t kMboxOk = 0;
inline constexpr uint32_t kMboxUnsupported = 1;      ///< no firmware handles this command
inline constexpr uint32_t kMboxBadArgs = 2;
inline constexpr uint32_t kMboxFailed = 3;

/// Mailbox commands. The NIC itself answers kCmdCaps, kCmdStart, kCmdStop, kCmdCounters and
/// kCmdReset; the rest go to the firmware (a MailboxHandler).
enum MboxCmd : uint32_t {
    kCmdCaps = 0x01,       ///< out: args[0] caps, [1] imem depth, [2] version, [3] ports
    kCmdLoadImage = 0x02,  ///< in: args[0..1] host address, [2] bundles, [3] entry
    kCmdStart = 0x03,
    kCmdStop = 0x04,
    kCmdSwap = 0x05,       ///< in: args[0..1] host address, [2] bundles: replace the image between packets
    kCmdMapLookup = 0x10,  ///< in: args[0] map, data key; out: data value
    kCmdMapUpdate = 0x11,  ///< in: args[0] map, args[1] flags, data key then value
    kCmdMapDelete = 0x12,  ///< in: args[0] map, data key
    kCmdMapNextKey = 0x13, ///< in: args[0] map, args[1] 1 if a key is given, data key; out: data next key
    kCmdCounters = 0x20,   ///< out: data = core then NIC counters (64-bit each)
    kCmdReset = 0x30,
};

/// The core's counters in BAR order (bpfnic_core cnt_*_o).
enum CoreCounter : uint32_t {
    kCntCycles, kCntBundles, kCntInsns, kCntStallLoadUse, kCntStallDiv, kCntStallHelper, kCntStallExt,
    kCntStallAtomic, kCntFlushes, kCntScrub, kCntPackets, kCntErrors, kCoreCounterCount
};

/// The NIC's own counters in BAR order.
enum NicCounter : uint32_t {
    kCntRxFrames,       ///< frames taken from the Ethernet ports
    kCntRxBytes,
    kCntAborted,        ///< verdicts (a trap or a timeout counts as aborted)
    kCntDrop,
    kCntPass,
    kCntTx,
    kCntRedirect,
    kCntRxNoDesc,       ///< passed frames dropped: no RX descriptor posted
    kCntRxTooBig,       ///< frames longer than the packet buffer or the descriptor's buffer
    kCntHostRx,         ///< frames delivered to the host through the RX ring
    kCntHostTx,         ///< frames sent from the TX ring
    kCntWireTxFrames,   ///< frames leaving on any Ethernet port
    kCntWireTxBytes,
    kCntDmaReads,
    kCntDmaWrites,
    kCntCoreRunCycles,  ///< core cycles spent on packets, program loads included
    kNicCounterCount
};

/// One descriptor of the RX or TX ring: 16 bytes, little-endian, in host memory.
namespace desc {
inline constexpr uint32_t kBytes = 16;
inline constexpr uint32_t kAddr = 0;      ///< u64 buffer address (host writes)
inline constexpr uint32_t kBufLen = 8;    ///< u16 buffer size (RX: host writes)
inline constexpr uint32_t kPktLen = 10;   ///< u16 frame length (RX: NIC writes; TX: host writes)
inline constexpr uint32_t kFlags = 12;    ///< u16 kFlag* (NIC writes)
inline constexpr uint32_t kPort = 14;     ///< u8 Ethernet port (RX: NIC writes; TX: host writes)
inline constexpr uint16_t kFlagDone = 1u << 0;
inline constexpr uint16_t kFlagError = 1u << 1;  ///< TX: bad port or length; RX: never set
}  // namespace desc

}  // namespace bpfnic::sim::nic
