/*
 * Which image URLs the gateway forwards. A provider (or a self-hosted vLLM/Ollama inside our own
 * network) fetches an `https:` image itself, so a URL naming a private address turns the gateway into a
 * way to reach internal services, the cloud metadata endpoint first. Deny by default: only `https:` to a
 * public host name or a public address literal, and inline `data:` images of a known type and bounded
 * size. The URL forwarded is the parsed and re-serialised one, so a provider whose URL parser differs
 * from WHATWG's (backslashes, `@` tricks, odd IPv4 notations) reads the very host that was checked.
 *
 * A name that resolves to a private address is beyond a pure policy: see the README's image section.
 */

import type { ChatMessageLike, ContentPart } from './chat-message';

/** Longest `https:` image URL accepted. */
export const MAX_IMAGE_HTTPS_URL_LENGTH = 2_048;

/**
 * The inline formats every vision provider here accepts (Anthropic's list is the narrowest): the
 * media type, then the base64 data. Provider translations read inline images with it too.
 */
export const DATA_IMAGE_URL = /^data:(image\/(?:png|jpeg|gif|webp));base64,([A-Za-z0-9+/]*={0,2})$/;

/** Names that always mean this machine or its local network, whatever DNS says. */
const LOCAL_NAMES = new Set(['localhost', 'localhost.localdomain', 'ip6-localhost', 'ip6-loopback']);
/** Suffixes reserved for local or internal use (RFC 6761, RFC 6762, RFC 8375, cloud internal zones). */
const LOCAL_SUFFIXES = [
  '.localhost',
  '.local',
  '.localdomain',
  '.internal',
  '.intranet',
  '.lan',
  '.home',
  '.corp',
  '.arpa',
  '.test',
  '.invalid',
  '.example',
];

export interface ImageUrlLimits {
  /** Longest `data:` URL accepted, in bytes (its characters: a data URL is ASCII). */
  readonly maxDataUrlBytes: number;
}

export type ImageUrlVerdict = { readonly url: string } | { readonly problem: string };

/** The URL to forward for an image part, or why it may not be forwarded. */
export function vetImageUrl(raw: string, limits: ImageUrlLimits): ImageUrlVerdict {
  if (raw.startsWith('data:')) return vetDataUrl(raw, limits);
  if (raw.length > MAX_IMAGE_HTTPS_URL_LENGTH) {
    return { problem: `must be at most ${MAX_IMAGE_HTTPS_URL_LENGTH} characters` };
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { problem: 'is not a valid URL' };
  }
  if (url.protocol !== 'https:') return { problem: 'must be an https: or a data:image/…;base64 URL' };
  if (url.username !== '' || url.password !== '') return { problem: 'must not carry credentials' };
  const hostProblem = publicHostProblem(url.hostname);
  if (hostProblem) return { problem: hostProblem };
  return { url: url.href };
}

function vetDataUrl(raw: string, limits: ImageUrlLimits): ImageUrlVerdict {
  if (raw.length > limits.maxDataUrlBytes) {
    return { problem: `data: URL must be at most ${limits.maxDataUrlBytes} bytes` };
  }
  const match = DATA_IMAGE_URL.exec(raw);
  if (!match || match[2].length % 4 !== 0 || match[2].length === 0) {
    return { problem: 'data: URL must be data:image/(png|jpeg|gif|webp);base64,<base64>' };
  }
  return { url: raw };
}

/** Why a WHATWG-parsed host name is not a public host, or null when it is. */
export function publicHostProblem(hostname: string): string | null {
  if (hostname.startsWith('[')) {
    const address = parseIpv6(hostname.slice(1, -1));
    if (!address) return 'has a malformed IPv6 address';
    return isPublicIpv6(address) ? null : 'must not name a loopback, private or link-local address';
  }
  const ipv4 = parseDottedIpv4(hostname);
  if (ipv4 !== null) {
    return isPublicIpv4(ipv4) ? null : 'must not name a loopback, private or link-local address';
  }
  const name = hostname.toLowerCase().replace(/\.$/, '');
  // A single label (`metadata`, `kubernetes`) is completed by the resolver's search domains: internal.
  if (
    !name.includes('.') ||
    LOCAL_NAMES.has(name) ||
    LOCAL_SUFFIXES.some((suffix) => name.endsWith(suffix))
  ) {
    return 'must name a public host';
  }
  return null;
}

/**
 * WHATWG's parser already turned every IPv4 notation (decimal `2852039166`, octal `0251.0376.…`, hex
 * `0xa9.0xfe.…`, short `127.1`) into four decimal parts; a name that merely looks numeric stays a name.
 */
function parseDottedIpv4(hostname: string): number | null {
  const parts = hostname.split('.');
  if (parts.length !== 4 || !parts.every((part) => /^(0|[1-9]\d{0,2})$/.test(part))) return null;
  const octets = parts.map(Number);
  if (octets.some((octet) => octet > 255)) return null;
  return ((octets[0] << 24) >>> 0) + (octets[1] << 16) + (octets[2] << 8) + octets[3];
}

/** [first address, prefix length] of every IPv4 block that is not globally reachable (IANA special-purpose). */
const NON_PUBLIC_IPV4: ReadonlyArray<readonly [string, number]> = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.31.196.0', 24],
  ['192.52.193.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['192.175.48.0', 24],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];

const NON_PUBLIC_IPV4_BLOCKS = NON_PUBLIC_IPV4.map(([first, bits]) => ({
  base: parseDottedIpv4(first) as number,
  mask: bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0,
}));

export function isPublicIpv4(address: number): boolean {
  return !NON_PUBLIC_IPV4_BLOCKS.some(({ base, mask }) => (address & mask) >>> 0 === base);
}

/** Eight 16-bit groups, or null; WHATWG serialises IPv6 compressed and lowercase, dotted tails included. */
function parseIpv6(text: string): number[] | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groupsOf = (half: string): number[] | null => {
    if (half === '') return [];
    const groups: number[] = [];
    for (const piece of half.split(':')) {
      if (piece.includes('.')) {
        const ipv4 = parseDottedIpv4(piece);
        if (ipv4 === null) return null;
        groups.push(ipv4 >>> 16, ipv4 & 0xffff);
      } else if (/^[0-9a-f]{1,4}$/i.test(piece)) {
        groups.push(parseInt(piece, 16));
      } else {
        return null;
      }
    }
    return groups;
  };
  const head = groupsOf(halves[0]);
  const tail = halves.length === 2 ? groupsOf(halves[1]) : [];
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  return [...head, ...Array<number>(missing).fill(0), ...tail];
}

function embeddedIpv4(groups: readonly number[]): number {
  return ((groups[6] << 16) >>> 0) + groups[7];
}

/**
 * Only global unicast (2000::/3) is public, less the documentation, Teredo and 6to4 blocks (which carry
 * an arbitrary IPv4 address inside); an IPv4-mapped or NAT64 address is judged by the IPv4 it embeds.
 */
export function isPublicIpv6(groups: readonly number[]): boolean {
  const zeroHead = groups.slice(0, 5).every((group) => group === 0);
  if (zeroHead && groups[5] === 0xffff) return isPublicIpv4(embeddedIpv4(groups));
  if (groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((group) => group === 0)) {
    return isPublicIpv4(embeddedIpv4(groups));
  }
  if ((groups[0] & 0xe000) !== 0x2000) return false;
  if (groups[0] === 0x2001 && (groups[1] === 0x0db8 || groups[1] === 0)) return false;
  if (groups[0] === 0x2002) return false;
  if ((groups[0] & 0xfff0) === 0x3ff0) return false;
  return true;
}

export type MessageImagesVerdict<M> =
  { readonly messages: M[]; readonly images: number } | { readonly problem: string; readonly field: string };

/** Vets every image part of the messages: the messages to forward (URLs normalised) and the image count. */
export function vetMessageImages<M extends Pick<Partial<ChatMessageLike>, 'content'>>(
  messages: readonly M[],
  limits: ImageUrlLimits,
): MessageImagesVerdict<M> {
  let images = 0;
  const vetted: M[] = [];
  for (const [index, message] of messages.entries()) {
    if (!Array.isArray(message.content)) {
      vetted.push(message);
      continue;
    }
    const parts: ContentPart[] = [];
    for (const [partIndex, part] of (message.content as readonly ContentPart[]).entries()) {
      if (part.image_url === undefined) {
        parts.push(part);
        continue;
      }
      images++;
      const verdict = vetImageUrl(part.image_url.url, limits);
      if ('problem' in verdict) {
        return { problem: verdict.problem, field: `messages[${index}].content[${partIndex}].image_url.url` };
      }
      parts.push({ ...part, image_url: { ...part.image_url, url: verdict.url } });
    }
    vetted.push({ ...message, content: parts });
  }
  return { messages: vetted, images };
}
