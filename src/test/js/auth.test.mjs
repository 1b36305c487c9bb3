// Tokens in the browser (webapp/js/auth.js and the token handling of connection.js): where the token endpoint comes
// from, caching until shortly before exp, a fresh token after the server said the old one expired.
import { test, describe, beforeEach, afterEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import { webappModule } from './support.mjs';

const { TokenSource, expiry, tokenUrl, withTokenUrl, protocolsForPage, TOKEN_PREFIX } =
  await import(webappModule('auth.js'));
const { ReconnectingSocket } = await import(webappModule('connection.js'));

/** An unsigned JWT with this exp: the browser never checks signatures, the server does. */
function jwt(exp, sub = 'ann') {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'HS256' })}.${b64({ sub, exp })}.c2ln`;
}

function endpoint(tokens) {
  const calls = [];
  const fetchImpl = async (url, options) => {
    calls.push({ url, options });
    const next = tokens.shift();
    if (next instanceof Error) {
      return { ok: false, status: 401, text: async () => 'no' };
    }
    return { ok: true, status: 200, text: async () => next };
  };
  return { calls, fetchImpl };
}

describe('the token endpoint of a page', () => {
  test('is a path on this origin, never another host', () => {
    assert.equal(tokenUrl('https://a.example/coedit/edit.html?doc=x&token-url=/auth/token'), '/auth/token');
    assert.equal(tokenUrl('https://a.example/coedit/edit.html?doc=x&token-url=//evil.example/t'), null);
    assert.equal(tokenUrl('https://a.example/coedit/edit.html?doc=x&token-url=https://evil.example/t'), null);
    assert.equal(tokenUrl('https://a.example/coedit/edit.html?doc=x'), null);
  });

  test('is kept in links to the other pages', () => {
    const page = 'https://a.example/coedit/?token-url=/auth/token';
    assert.equal(withTokenUrl('edit.html?doc=notes', page), '/coedit/edit.html?doc=notes&token-url=%2Fauth%2Ftoken');
    assert.equal(withTokenUrl('edit.html?doc=notes', 'https://a.example/coedit/'), 'edit.html?doc=notes');
  });

  test('without one, pages connect with the plain subprotocol', () => {
    assert.deepEqual(protocolsForPage('https://a.example/coedit/edit.html?doc=x'), ['coedit.v1']);
    assert.equal(typeof protocolsForPage('https://a.example/coedit/edit.html?doc=x&token-url=/t'), 'function');
  });
});

describe('a token source', () => {
  test('reads exp from the token', () => {
    assert.equal(expiry(jwt(1234)), 1234);
    assert.equal(expiry('not a token'), null);
  });

  test('fetches once with cookies, keeps the token until shortly before exp, and fetches anew when told', async () => {
    let now = 1_000_000;
    const first = jwt(1_000 + 60);
    const second = jwt(1_000 + 120);
    const third = jwt(1_000 + 180);
    const { calls, fetchImpl } = endpoint([JSON.stringify({ token: first }), second, third]);
    const source = new TokenSource('/auth/token', { fetchImpl, now: () => now });
    assert.deepEqual(await source.protocols(), ['coedit.v1', TOKEN_PREFIX + first]);
    assert.deepEqual(await source.protocols(), ['coedit.v1', TOKEN_PREFIX + first], 'cached');
    assert.equal(calls.length, 1);
    assert.equal(calls[0].options.credentials, 'same-origin');
    now = (1_000 + 56) * 1000; // 4 s before exp: inside the margin
    assert.deepEqual(await source.protocols(), ['coedit.v1', TOKEN_PREFIX + second], 'plain-text answer');
    assert.deepEqual(await source.protocols({ fresh: true }), ['coedit.v1', TOKEN_PREFIX + third]);
    assert.equal(calls.length, 3);
  });

  test('an endpoint that refuses or sends garbage is an error naming it', async () => {
    const refusing = new TokenSource('/auth/token', endpoint([new Error()]));
    await assert.rejects(refusing.protocols(), /\/auth\/token answered 401/);
    const garbage = new TokenSource('/auth/token', endpoint(['{"token": "<script>"}']));
    await assert.rejects(garbage.protocols(), /sent no token/);
  });
});

describe('the reconnecting socket with tokens', () => {
  class FakeSocket {
    static all = [];

    constructor(url, protocols) {
      Object.assign(this, { url, protocols, readyState: 0 });
      FakeSocket.all.push(this);
    }

    open() {
      this.readyState = 1;
      this.onopen?.();
    }

    close(code = 1000, reason = '') {
      this.readyState = 3;
      this.onclose?.({ code, reason });
    }
  }

  beforeEach(() => {
    FakeSocket.all = [];
    mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  });

  afterEach(() => mock.timers.reset());

  const settle = () => new Promise((resolve) => setImmediate(resolve));

  test('asks for a fresh token and reconnects at once when the server says the token expired', async () => {
    const asked = [];
    const statuses = [];
    const s = new ReconnectingSocket({
      url: 'ws://h/coedit/docs/a', WebSocketClass: FakeSocket, onStatus: (st) => statuses.push(st),
      protocols: async ({ fresh }) => {
        asked.push(fresh);
        return ['coedit.v1', TOKEN_PREFIX + 't' + asked.length];
      },
    });
    s.start();
    await settle();
    assert.deepEqual(FakeSocket.all[0].protocols, ['coedit.v1', 'coedit.token.t1']);
    FakeSocket.all[0].open();
    s.healthy();
    FakeSocket.all[0].close(1008, 'the token expired at 2026-11-25T10:00:00Z; get a fresh token and reconnect');
    await settle();
    assert.equal(FakeSocket.all.length, 2, 'reconnected without waiting');
    assert.deepEqual(asked, [false, true]);
    assert.deepEqual(FakeSocket.all[1].protocols, ['coedit.v1', 'coedit.token.t2']);
    assert.notEqual(statuses.at(-1).state, 'closed');

    // A second expiry in a row (the endpoint hands out stale tokens) backs off instead of spinning.
    FakeSocket.all[1].close(1008, 'the token expired at 2026-11-25T10:00:00Z; get a fresh token and reconnect');
    await settle();
    assert.equal(FakeSocket.all.length, 2);
    assert.equal(statuses.at(-1).state, 'waiting');
    mock.timers.tick(statuses.at(-1).until - Date.now());
    await settle();
    assert.equal(FakeSocket.all.length, 3);
    assert.equal(asked.at(-1), true, 'still a fresh token');
  });

  test('gives up on a refused sign-in, and reports an endpoint that gives no token', async () => {
    const statuses = [];
    const s = new ReconnectingSocket({
      url: 'ws://h/coedit/docs/a', WebSocketClass: FakeSocket, onStatus: (st) => statuses.push(st),
      protocols: async () => ['coedit.v1', TOKEN_PREFIX + 'x'],
    });
    s.start();
    await settle();
    FakeSocket.all[0].close(1008, "the token's signature does not verify");
    assert.equal(statuses.at(-1).state, 'closed');

    const failing = new ReconnectingSocket({
      url: 'ws://h/coedit/docs/a', WebSocketClass: FakeSocket, onStatus: (st) => statuses.push(st),
      protocols: async () => { throw new Error('the token endpoint /t answered 401'); },
    });
    failing.start();
    await settle();
    assert.equal(statuses.at(-1).state, 'waiting', 'retried later: the person may sign in meanwhile');
    failing.stop();
  });
});
