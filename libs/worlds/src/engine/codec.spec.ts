import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteWriter, DecodeError, MessageType, decodeBinary, encodeChecksumBinary } from './codec.js';

describe(ByteWriter.name, () => {
  it('round-trips varints, zigzags and u32 through decodeBinary-compatible framing', () => {
    fc.assert(
      fc.property(fc.nat({ max: 2 ** 50 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }), (tick, value) => {
        const sut = new ByteWriter(1);
        const bytes = encodeChecksumBinary(sut, tick, value);
        expect(decodeBinary(bytes)).toEqual({ type: 'checksum', tick, value });
      }),
    );
  });

  it('spends one byte on small values of either sign', () => {
    const sut = new ByteWriter();
    sut.zigzag(-64);
    sut.zigzag(63);
    sut.varint(127);
    expect(sut.length).toBe(3);
    sut.varint(128);
    expect(sut.length).toBe(5);
  });

  it('grows past its initial capacity', () => {
    const sut = new ByteWriter(2);
    sut.reserve(100);
    for (let i = 0; i < 100; i++) sut.u8(i);
    expect(Array.from(sut.finish().subarray(95))).toEqual([95, 96, 97, 98, 99]);
  });
});

describe(decodeBinary.name, () => {
  it('rejects unknown types, truncated messages and trailing bytes', () => {
    expect(() => decodeBinary(Uint8Array.of(99))).toThrow(DecodeError);
    expect(() => decodeBinary(Uint8Array.of(MessageType.Checksum, 1, 0))).toThrow(DecodeError);
    expect(() => decodeBinary(Uint8Array.of(MessageType.Checksum, 1, 0, 0, 0, 0, 9))).toThrow(DecodeError);
    expect(() => decodeBinary(new Uint8Array(0))).toThrow(DecodeError);
  });
});
