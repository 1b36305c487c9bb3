// Signed tokens for servers that require them (docs/security.md). Browsers cannot set headers on a WebSocket, so the
// token travels as a second subprotocol entry, `coedit.token.<jwt>`, beside `coedit.v1`; the server never selects
// it. Where tokens come from is the page's `token-url` parameter: a path on this same origin (the page's
// Content-Security-Policy allows no other) that answers a GET, with the browser's cookies, with the token as JSON
// `{"token": "..."}` or as plain text. Without the parameter the pages connect without a token (open mode, or the
// application server's own sign-in).

/** The subprotocol prefix that carries a token. */
export const TOKEN_PREFIX = 'coedit.token.';

/** Seconds before a token's exp at which a cached token is no longer used. */
const MARGIN_SECONDS = 5;

/** The token endpoint named by the page address, or null; only a path on this origin is taken. */
export function tokenUrl(href = globalThis.location.href) {
  const value = new URL(href).searchParams.get('token-url');
  if (value == null || !value.startsWith('/') || value.startsWith('//')) {
    return null;
  }
  return value;
}

/** A link to another page of Coedit that keeps the token endpoint of this one. */
export function withTokenUrl(target, href = globalThis.location.href) {
  const endpoint = tokenUrl(href);
  if (endpoint == null) {
    return target;
  }
  const url = new URL(target, href);
  url.searchParams.set('token-url', endpoint);
  return url.pathname + url.search + url.hash;
}

/** The `exp` claim of a JWT in seconds, or null; the signature is the server's business. */
export function expiry(token) {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const json = JSON.parse(atob(payload + '='.repeat((4 - payload.length % 4) % 4)));
    return typeof json.exp === 'number' ? json.exp : null;
  } catch (e) {
    return null;
  }
}

/**
 * Fetches tokens from `url` and keeps the last one until shortly before it expires. `protocols({fresh})` gives the
 * subprotocol list for the next connection; `fresh` throws the cached token away (the server said it expired).
 */
export class TokenSource {
  constructor(url, { fetchImpl = (...args) => globalThis.fetch(...args), now = () => Date.now() } = {}) {
    Object.assign(this, { url, fetchImpl, now });
    this.token = null;
  }

  async token0(fresh) {
    const exp = this.token == null ? null : expiry(this.token);
    const stale = exp != null && exp - MARGIN_SECONDS <= this.now() / 1000;
    if (this.token == null || fresh || stale) {
      const response = await this.fetchImpl(this.url, { credentials: 'same-origin', cache: 'no-store' });
      if (!response.ok) {
        throw new Error(`the token endpoint ${this.url} answered ${response.status}`);
      }
      const body = (await response.text()).trim();
      let token = body;
      if (body.startsWith('{')) {
        token = JSON.parse(body).token;
      }
      if (typeof token !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(token)) {
        throw new Error(`the token endpoint ${this.url} sent no token`);
      }
      this.token = token;
    }
    return this.token;
  }

  async protocols({ fresh = false } = {}) {
    return ['coedit.v1', TOKEN_PREFIX + await this.token0(fresh)];
  }
}

/** The subprotocols for this page's connections: a function when tokens are needed, else a plain list. */
export function protocolsForPage(href = globalThis.location.href) {
  const url = tokenUrl(href);
  if (url == null) {
    return ['coedit.v1'];
  }
  const source = new TokenSource(url);
  return (options) => source.protocols(options);
}
