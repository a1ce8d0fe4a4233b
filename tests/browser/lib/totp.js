// The current code of an authenticator app (RFC 6238: HMAC-SHA1, 6 digits, 30 seconds), so the
// suite can enrol and use a second factor as a person with a phone would.
import { createHmac } from 'node:crypto';

function base32(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of text.replace(/=+$/, '').toUpperCase()) {
    const v = alphabet.indexOf(ch);
    if (v < 0) throw new Error(`not base32: ${ch}`);
    bits += v.toString(2).padStart(5, '0');
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** The current 30-second step. */
export const step = () => Math.floor(Date.now() / 30000);

/**
 * The code for `secret` in a step after `usedStep`, waiting for that step if need be: the
 * server takes each code once (a code of a step already used, or an earlier one, is refused).
 */
export async function freshTotp(secret, usedStep) {
  while (usedStep !== undefined && step() <= usedStep) {
    await new Promise((resolve) => setTimeout(resolve, 30000 - (Date.now() % 30000) + 200));
  }
  return totp(secret);
}

/** The code for `secret` (base32) now. */
export function totp(secret) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30000)));
  const mac = createHmac('sha1', base32(secret)).update(counter).digest();
  const at = mac[mac.length - 1] & 0xf;
  const n = (mac.readUInt32BE(at) & 0x7fffffff) % 1000000;
  return String(n).padStart(6, '0');
}
