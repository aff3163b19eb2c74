import { BadRequestException, BadGatewayException } from '@nestjs/common';

/** LiteLLM's whole list is a few megabytes; anything far beyond is not a price list. */
const MAX_BYTES = 32 * 1024 * 1024;
const TIMEOUT_MS = 30_000;

export interface FetchedPriceList {
  bytes: Buffer;
  /** Origin and path only: a query or credentials in the URL never reach the log. */
  location: string;
}

/**
 * The allowed hosts as `host` or `host:port` (lower case); the URL must name one exactly. Only HTTPS,
 * or plain HTTP to a host an operator listed with its port (a local mirror).
 */
export function checkedPriceListUrl(raw: string, allowedHosts: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new BadRequestException('url is not a valid URL');
  }
  if (url.username !== '' || url.password !== '')
    throw new BadRequestException('url must not carry credentials');
  const allowed = allowedHosts
    .split(',')
    .map((host) => host.trim().toLowerCase())
    .filter((host) => host !== '');
  const listed = allowed.includes(url.host.toLowerCase());
  const schemeOk = url.protocol === 'https:' || (url.protocol === 'http:' && url.port !== '');
  if (!listed || !schemeOk) {
    throw new BadRequestException(
      `url must be https on a host in LLM_PRICE_IMPORT_HOSTS (${allowed.join(', ') || 'none'})`,
    );
  }
  return url;
}

/** Fetches a price list without following redirects (a redirect could leave the allowed hosts). */
export async function fetchPriceList(url: URL): Promise<FetchedPriceList> {
  const location = `${url.origin}${url.pathname}`;
  let response: Response;
  try {
    response = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch {
    throw new BadGatewayException(`the price list at ${location} could not be fetched`);
  }
  if (!response.ok) {
    throw new BadGatewayException(`the price list at ${location} answered HTTP ${response.status}`);
  }
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > MAX_BYTES) throw new BadGatewayException(`the price list at ${location} is too large`);
  const pieces: Buffer[] = [];
  let size = 0;
  for await (const piece of response.body ?? []) {
    size += piece.length;
    if (size > MAX_BYTES) throw new BadGatewayException(`the price list at ${location} is too large`);
    pieces.push(Buffer.from(piece));
  }
  return { bytes: Buffer.concat(pieces), location };
}
