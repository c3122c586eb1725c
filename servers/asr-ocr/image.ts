// Recognizes the image formats the OCR route takes by their first bytes, not by what the client claims.
import { HttpError } from '../core/http/http-error.js';

const SIGNATURES: [string, number[]][] = [
  ['png', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  ['jpeg', [0xff, 0xd8, 0xff]],
];

/** Returns the image type, or throws a 415 that says what is accepted. */
export function sniffImage(buf: Buffer): 'png' | 'jpeg' {
  if (buf.length === 0) throw new HttpError(400, 'the image is empty');
  for (const [type, magic] of SIGNATURES) {
    if (magic.every((b, i) => buf[i] === b)) return type as 'png' | 'jpeg';
  }
  throw new HttpError(415, 'file is not a PNG or JPEG image', 'unsupported_media_type');
}
