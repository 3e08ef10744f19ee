"""Frames with TCP/UDP checksums, and the checksum checks, for rxpath.py's
checksum scenario (stdlib only): pcap files written for the host's net_pcap
port to send, and read back from what it received.

  write_pcap(path, frames); frames = read_pcap(path)
  bad = check_frame(frame)   # [] when every checksum in it is right
"""
import struct

ETH_IPV4, ETH_IPV6 = 0x0800, 0x86dd
TCP, UDP = 6, 17
BOGUS = 0xbeef   # non-zero: testpmd's csum engine recomputes only non-zero UDP sums


def _sum16(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def csum(data):
    return ~_sum16(data) & 0xffff


def _pseudo(ver, src, dst, proto, length):
    if ver == 4:
        return src + dst + struct.pack('!BBH', 0, proto, length)
    return src + dst + struct.pack('!IxxxB', length, proto)


def frame(ver, proto, size, seq):
    """An Ethernet frame of size bytes: IPv4 or IPv6, TCP or UDP, with wrong
    IPv4 header and L4 checksums (the guest must put right ones in)."""
    eth = b'\x02\0\0\0\0\x01' + b'\x02\0\0\0\0\x02' + struct.pack('!H', ETH_IPV4 if ver == 4
                                                              else ETH_IPV6)
    l3len = 20 if ver == 4 else 40
    l4len = 20 if proto == TCP else 8
    pay = bytes((seq + i) & 0xff for i in range(size - 14 - l3len - l4len))
    l4tot = l4len + len(pay)
    if proto == TCP:
        l4 = struct.pack('!HHIIBBHHH', 1024 + seq, 80, seq, 0, 5 << 4, 0x18, 8192, BOGUS, 0)
    else:
        l4 = struct.pack('!HHHH', 1024 + seq, 53, l4tot, BOGUS)
    if ver == 4:
        l3 = struct.pack('!BBHHHBBH4s4s', 0x45, 0, l3len + l4tot, seq, 0, 64, proto, BOGUS,
                         bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    else:
        l3 = struct.pack('!IHBB16s16s', 6 << 28, l4tot, proto, 64,
                         b'\xfd' + b'\0' * 14 + b'\1', b'\xfd' + b'\0' * 14 + b'\2')
    return eth + l3 + l4 + pay


def frames(count_per_kind=3, sizes=(64, 200, 1400)):
    out = []
    n = 0
    for _ in range(count_per_kind):
        for ver in (4, 6):
            for proto in (UDP, TCP):
                for size in sizes:
                    out.append(frame(ver, proto, max(size, 14 + 40 + 20 + 2), n))
                    n += 1
    return out


def kind(fr):
    et = struct.unpack('!H', fr[12:14])[0]
    ver = 4 if et == ETH_IPV4 else 6 if et == ETH_IPV6 else None
    proto = fr[14 + 9] if ver == 4 else fr[14 + 6] if ver == 6 else None
    return ver, proto


def check_frame(fr, tso=False):
    """What is wrong with the frame's IPv4 header and TCP/UDP checksums. tso:
    a frame sent for segmentation, whose TCP checksum covers a pseudo-header
    without the length (the segments get theirs; DPDK's TSO convention)."""
    bad = []
    ver, proto = kind(fr)
    if ver == 4:
        ihl = (fr[14] & 0xf) * 4
        ip = fr[14:14 + ihl]
        if _sum16(ip) != 0xffff:
            bad.append('IPv4 header checksum 0x%04x' % struct.unpack('!H', ip[10:12]))
        tot = struct.unpack('!H', ip[2:4])[0]
        l4 = fr[14 + ihl:14 + tot]
        ph = _pseudo(4, ip[12:16], ip[16:20], proto, 0 if tso else len(l4))
    elif ver == 6:
        plen = struct.unpack('!H', fr[18:20])[0]
        l4 = fr[54:54 + plen]
        ph = _pseudo(6, fr[22:38], fr[38:54], proto, 0 if tso else len(l4))
    else:
        return ['not IP (ethertype 0x%04x)' % struct.unpack('!H', fr[12:14])]
    if proto not in (TCP, UDP):
        return bad + ['not TCP/UDP (protocol %s)' % proto]
    off = 16 if proto == TCP else 6
    field = struct.unpack('!H', l4[off:off + 2])[0]
    if _sum16(ph + l4) != 0xffff:
        bad.append('%s/IPv%d checksum 0x%04x, want 0x%04x' % (
            'TCP' if proto == TCP else 'UDP', ver, field,
            csum(ph + l4[:off] + b'\0\0' + l4[off + 2:])))
    return bad


def write_pcap(path, frs):
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frs):
            f.write(struct.pack('<IIII', i, 0, len(fr), len(fr)) + fr)


def read_pcap(path):
    data = open(path, 'rb').read()
    if len(data) < 24:
        return []
    magic = struct.unpack('<I', data[:4])[0]
    end = '<' if magic in (0xa1b2c3d4, 0xa1b23c4d) else '>'
    out, off = [], 24
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(end + 'IIII', data[off:off + 16])
        out.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return out
