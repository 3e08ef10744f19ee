#!/usr/bin/env python3
"""Write the seed corpus of the fuzz targets into corpus/<target>/.

caps: the config spaces captured from QEMU (test/unit/data) with their
BARs; vring: short driver/device operation streams in the input format
fuzz_vring.c documents; devargs: valid and invalid devargs strings.
"""
import os
import struct
import sys

here = os.path.dirname(os.path.abspath(__file__))
data = os.path.join(here, '..', 'unit', 'data')


def write(target, name, blob):
    d = os.path.join(here, 'corpus', target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(blob)


def bar_tail(resource):
    tail = b''
    for line in open(resource).read().splitlines()[:6]:
        start, end, flags = (int(x, 16) for x in line.split())
        kind = 0 if end == 0 else (1 if flags & 0x100 else 2)
        tail += bytes([kind]) + struct.pack('<Q', end - start + 1 if end else 0)
    return tail + b'\0'


for f in sorted(os.listdir(data)):
    if f.endswith('.bin'):
        name = f[:-4]
        cfg = open(os.path.join(data, f), 'rb').read()[:256]
        write('caps', name, cfg + bar_tail(os.path.join(data, name + '.resource')))

# vring opcodes: 0 post, 1 publish, 2 used entry (slot u8, id u32, len u32),
# 3 used idx (u16), 4 device completes oldest (len u16), 5 consume,
# 6 scribble (off u16, byte), 7 reset, 8 arm then disarm interrupts,
# 9 in-order batch.
# Mode: bit0 rx, bit1 event idx, >>2 log2 size, bit5 packed. Packed: op 2
# takes the flags (u16) after len, op 3 the device event flags (u8) and
# off_wrap (u16).
RX, TX, EVT, PACKED = 1, 0, 2, 0x20
def mode(rx, evt, log2, layout=0):
    return bytes([rx | evt | (log2 << 2) | layout])
def used(slot, id_, len_):
    return bytes([2, slot]) + id_.to_bytes(4, 'big') + len_.to_bytes(4, 'big')

traffic = b''.join(b'\0' for _ in range(8)) + b'\1' + b''.join(b'\4\0\x40' for _ in range(8)) + b'\5'
write('vring', 'rx-traffic', mode(RX, EVT, 3) + traffic * 4 + b'\7')
write('vring', 'tx-chains', mode(TX, 0, 4) + b''.join(b'\0\4' for _ in range(5)) + b'\1' +
      b'\4\0\0' * 5 + b'\5' + b'\7')
write('vring', 'rx-runt', mode(RX, 0, 2) + b'\0\1\4\0\x05\5')
write('vring', 'rx-bad-id', mode(RX, EVT, 3) + b'\0\1' + used(0, 1000, 64) + b'\3\0\1\5\7')
write('vring', 'rx-bad-len', mode(RX, EVT, 3) + b'\0\1' + used(0, 0, 99999) + b'\3\0\1\5\7')
write('vring', 'idx-jump', mode(TX, 0, 3) + b'\0\1\3\x80\0\5\7')
write('vring', 'double-use', mode(RX, 0, 3) + b'\0\1' + used(0, 0, 64) + used(1, 0, 64) +
      b'\3\0\2\5\7')
# Mergeable rx (mode bit 6; 0x4d: rx, 2**((0x4d >> 2) % 7) = 32 entries):
# op 4 takes num_buffers (u8) after len; op 2 a u16 after len.
MRG = bytes([0x4d])
write('vring', 'mrg-traffic', MRG + b'\0' * 8 + b'\1' + b'\4\x08\x0c\3\4\x08\x0c\0'
      b'\4\x03\x10\0' + b'\4\0\x4c\1' + b'\5' + b'\4\0\x4c\0\4\0\x4c\x21\5\7')
write('vring', 'mrg-split', MRG + b'\0' * 4 + b'\1' + b'\4\x08\x0c\2\5\4\0\0\0\5\7')
write('vring', 'scribble-next', mode(TX, 0, 3) + b'\6\0\x0e\xff\6\0\x1e\xff\0\3\0\3\5')

PK = PACKED
write('vring', 'packed-rx-traffic', mode(RX, EVT, 3, PK) + traffic * 4 + b'\7')
write('vring', 'packed-tx-chains', mode(TX, 0, 2, PK) + b''.join(b'\0\4' for _ in range(3)) +
      b'\1' + b'\4\0\0' * 3 + b'\5' + b''.join(b'\0\2' for _ in range(3)) + b'\1\4\0\0\5\7')
write('vring', 'packed-bad-id', mode(RX, EVT, 3, PK) + b'\0\1' + used(0, 1000, 64) + b'\x80\x80\5\7')
write('vring', 'packed-half-flags', mode(RX, 0, 3, PK) + b'\0\1' + used(0, 0, 64) + b'\0\x80\5' +
      used(0, 0, 64) + b'\x80\0\5\7')
write('vring', 'packed-kick', mode(TX, EVT, 3, PK) + b'\3\2\x80\3' + b'\0\1' * 6 + b'\x08\7')
write('vring', 'packed-mrg', bytes([0x4d | PK]) + b'\0' * 4 + b'\1' + b'\4\x08\x0c\2\5\4\0\0\0\5\7')
# In-order (mode bit 7): op 9 completes up to 4 buffers (count u8, len u16)
# with one used entry naming the last.
IO = 0x80
write('vring', 'in-order-split-batch', bytes([RX | (3 << 2) | IO]) +
      b'\0' * 6 + b'\1' + b'\x09\2\0\x40' + b'\x09\0\0\x40' + b'\5\7')
write('vring', 'in-order-packed-tx', bytes([TX | (3 << 2) | PK | IO]) + b'\0\1' * 5 + b'\1' +
      b'\x09\3\0\0' + b'\5' + b'\x09\0\0\0\5\7')

for i, s in enumerate([b'force_legacy=1', b'event_idx=0,speed=10000', b'speed=400000',
                       b'force_legasy=1', b'event_idx=yes', b'speed=-5', b'speed=',
                       b'a=b=c', b',,,', b'speed=1,speed=2', b'legacy_io=vfio,force_legacy=1',
                       b'legacy_io=Port']):
    write('devargs', 'seed%02d' % i, s)
