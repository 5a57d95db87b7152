import { describe, expect, it } from 'vitest';
import { decodeUtf8 } from './body';

/** What the ingestion path decoded with before: a fatal TextDecoder that drops a leading BOM. */
const reference = (buf: Buffer): string | null => {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(buf);
  } catch {
    return null;
  }
};

describe('decodeUtf8', () => {
  const samples: [string, Buffer][] = [
    ['ascii', Buffer.from('{"reports":[]}')],
    ['multi-byte', Buffer.from('{"titleId":"Café – 東京 🎬"}')],
    ['leading BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}')])],
    ['BOM only', Buffer.from([0xef, 0xbb, 0xbf])],
    ['BOM later is kept', Buffer.from('a\ufeffb')],
    ['empty', Buffer.alloc(0)],
    ['lone continuation byte', Buffer.from([0x7b, 0x80, 0x7d])],
    ['truncated sequence', Buffer.from([0x22, 0xe2, 0x82])],
    ['overlong slash', Buffer.from([0xc0, 0xaf])],
    ['encoded surrogate', Buffer.from([0xed, 0xa0, 0x80])],
    ['above U+10FFFF', Buffer.from([0xf4, 0x90, 0x80, 0x80])],
    ['latin-1 byte', Buffer.from([0x63, 0x61, 0x66, 0xe9])],
  ];
  for (const [name, buf] of samples) {
    it(`matches a fatal TextDecoder: ${name}`, () => {
      expect(decodeUtf8(buf)).toBe(reference(buf));
    });
  }

  it('matches it on random bytes and random text', () => {
    let seed = 7;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) & 0xff;
    for (let n = 0; n < 2000; n++) {
      const len = rand() % 24;
      const bytes = Buffer.from(Array.from({ length: len }, rand));
      expect(decodeUtf8(bytes)).toBe(reference(bytes));
      const text = Buffer.from(String.fromCodePoint(...Array.from({ length: len }, () => (rand() << 8) | rand())));
      expect(decodeUtf8(text)).toBe(reference(text));
    }
  });
});
