import { describe, expect, it } from 'vitest';
import { ApiError, describe as describeError, firstPart } from './api';

const encode = (s: string) => new TextEncoder().encode(s);

describe('multipart/related', () => {
  it('gives the first part\'s body, bytes as they are (a frame of floats may hold CR LF)', () => {
    const floats = new Uint8Array(new Float32Array([1.5, 0, 0.25]).buffer);
    const body = new Uint8Array([
      ...encode('--b1\r\nContent-Type: application/octet-stream\r\nContent-Location: /x/frames/1\r\n\r\n'),
      ...floats, 13, 10,
      ...encode('\r\n--b1--\r\n'),
    ]);
    const part = new Uint8Array(firstPart(body, 'multipart/related; type="application/octet-stream"; boundary="b1"'));
    expect(Array.from(part)).toEqual([...floats, 13, 10]);
  });

  it('refuses an answer without a boundary or cut short', () => {
    expect(() => firstPart(encode('x'), 'multipart/related')).toThrow(ApiError);
    expect(() => firstPart(encode('--b\r\n\r\nabc'), 'multipart/related; boundary=b')).toThrow(/incomplete/);
  });
});

describe('error words', () => {
  it('puts what failed before the server\'s words, and says "cannot be reached" alone', () => {
    expect(describeError(new ApiError('Not Found: no study 1.2', 404), 'The study could not be opened'))
      .toBe('The study could not be opened: Not Found: no study 1.2');
    expect(describeError(new ApiError('The Glassbox server cannot be reached.', null), 'x')).toBe('The Glassbox server cannot be reached.');
  });
});
