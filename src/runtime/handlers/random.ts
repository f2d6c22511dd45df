// wasi:random@0.2.3 (random, insecure, insecure-seed). A `seed` makes the whole stream deterministic
// (ChaCha20 keystream), so a seeded run records the same chain every time.
import * as crypto from 'node:crypto';
import { t } from '../wit/types';
import type { HandlerDefinition, HostFunction } from './types';

const bytes = t.list(t.u8);

export const randomHandler: HandlerDefinition = {
  type: 'random',
  summary: 'Random numbers and bytes: wasi:random/random, insecure and insecure-seed @0.2.3.',
  doc:
    'Serves `wasi:random` to the actor. Without `seed` the bytes come from the OS (crypto-secure); with `seed` ' +
    'they come from a ChaCha20 stream keyed by the seed, so every run records an identical chain.',
  exports: [],
  config: [
    { name: 'seed', type: 'integer', doc: 'Makes the random stream deterministic (u64). Absent: OS entropy.', minimum: 0 },
    {
      name: 'max_bytes',
      type: 'integer',
      doc: 'Largest request of random bytes; a larger request traps the actor.',
      default: 1048576,
      minimum: 0,
    },
    {
      name: 'max_int',
      type: 'integer',
      doc: 'Upper bound for random integers (Theater `random-range`; kept for manifest compatibility).',
      default: 9223372036854775807n,
      minimum: 0,
    },
    {
      name: 'allow_crypto_secure',
      type: 'boolean',
      doc: 'Theater permission flag; accepted for compatibility (wasi:random is always served).',
      default: false,
    },
  ],
  interfaces: [
    {
      name: 'wasi:random/random',
      version: '0.2.3',
      resources: [],
      doc: 'Cryptographically secure random bytes and integers.',
      functions: [
        { name: 'get-random-bytes', params: [['len', t.u64]], result: bytes, doc: 'Returns `len` random bytes.' },
        { name: 'get-random-u64', params: [], result: t.u64, doc: 'Returns a random u64.' },
      ],
    },
    {
      name: 'wasi:random/insecure',
      version: '0.2.3',
      resources: [],
      doc: 'Fast, non-cryptographic random bytes and integers.',
      functions: [
        { name: 'get-insecure-random-bytes', params: [['len', t.u64]], result: bytes, doc: 'Returns `len` insecure random bytes.' },
        { name: 'get-insecure-random-u64', params: [], result: t.u64, doc: 'Returns an insecure random u64.' },
      ],
    },
    {
      name: 'wasi:random/insecure-seed',
      version: '0.2.3',
      resources: [],
      doc: 'A seed for hash-map DoS protection.',
      functions: [{ name: 'insecure-seed', params: [], result: t.tuple(t.u64, t.u64), doc: 'Returns a 128-bit seed as two u64.' }],
    },
  ],
  create(_ctx, config) {
    const maxBytes = BigInt(config.max_bytes as number | bigint);
    const source =
      config.seed === undefined ? pooled((b) => crypto.randomFillSync(b)) : seededSource(BigInt(config.seed as number | bigint));
    const take = (len: bigint | number): Uint8Array => {
      const n = BigInt(len);
      if (n > maxBytes) {
        throw new Error(
          `the actor asked for ${n} random bytes, more than the random handler's max_bytes (${maxBytes}); raise max_bytes in the manifest`,
        );
      }
      return source.bytes(Number(n));
    };
    const u64 = (): bigint => source.u64();
    const fns: Record<string, Record<string, HostFunction>> = {
      'wasi:random/random': { 'get-random-bytes': take, 'get-random-u64': u64 },
      'wasi:random/insecure': { 'get-insecure-random-bytes': take, 'get-insecure-random-u64': u64 },
      'wasi:random/insecure-seed': { 'insecure-seed': () => [u64(), u64()] },
    };
    return { functions: (name) => fns[name] ?? {} };
  },
};

interface RandomSource {
  bytes(n: number): Uint8Array;
  u64(): bigint;
}

/**
 * Hands out bytes from a pool that `refill` fills 4 KiB at a time (a u64 is read in place: it is the
 * hot call of most actors). Both sources draw from it in order, so a seeded run's values are the
 * keystream in order, as before.
 */
function pooled(refill: (b: Buffer) => void): RandomSource {
  let pool = Buffer.alloc(0);
  let at = 0;
  const ensure = (n: number): void => {
    if (at + n <= pool.length) return;
    const rest = pool.subarray(at);
    const next = Buffer.allocUnsafe(Math.max(4096, n + rest.length));
    rest.copy(next, 0);
    refill(next.subarray(rest.length));
    pool = next;
    at = 0;
  };
  return {
    bytes(n) {
      ensure(n);
      const out = new Uint8Array(pool.subarray(at, at + n));
      at += n;
      return out;
    },
    u64() {
      ensure(8);
      const v = pool.readBigUInt64LE(at);
      at += 8;
      return v;
    },
  };
}

/** ChaCha20 keystream keyed by SHA-256 of the seed. */
function seededSource(seed: bigint): RandomSource {
  const key = crypto.createHash('sha256').update(`theater-random-seed:${seed}`).digest();
  const cipher = crypto.createCipheriv('chacha20', key, Buffer.alloc(16));
  return pooled((b) => {
    const ks = cipher.update(Buffer.alloc(b.length));
    ks.copy(b, 0);
  });
}
