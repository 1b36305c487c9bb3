// The reconnecting socket (webapp/js/connection.js) with a fake WebSocket and fake timers: back-off with jitter,
// holding the connection down, and the close codes after which it gives up.
import { test, describe, beforeEach, afterEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import { webappModule } from './support.mjs';

const { ReconnectingSocket, backoff, channelUrl } = await import(webappModule('connection.js'));

class FakeSocket {
  static all = [];

  constructor(url, protocols) {
    this.url = url;
    this.protocols = protocols;
    this.readyState = 0;
    this.sent = [];
    FakeSocket.all.push(this);
  }

  open() {
    this.readyState = 1;
    this.onopen?.();
  }

  send(data) {
    this.sent.push(data);
  }

  close(code = 1000, reason = '') {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }

  /** The server or the network closes it. */
  lost(code = 1006, reason = '') {
    this.close(code, reason);
  }
}

describe('the reconnecting socket', () => {
  let statuses;
  let events;

  beforeEach(() => {
    FakeSocket.all = [];
    statuses = [];
    events = [];
    mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  });

  afterEach(() => mock.timers.reset());

  function socket(options = {}) {
    const s = new ReconnectingSocket({
      url: 'ws://host/coedit/docs/a', protocols: ['coedit.v1'], WebSocketClass: FakeSocket,
      onOpen: () => events.push('open'), onClose: (code) => events.push('close ' + code),
      onMessage: (data) => events.push('message ' + data), onStatus: (st) => statuses.push(st), ...options,
    });
    s.start();
    return s;
  }

  test('offers the subprotocol and sends JSON once open', () => {
    const s = socket();
    assert.deepEqual(FakeSocket.all[0].protocols, ['coedit.v1']);
    assert.equal(s.send({ type: 'hello' }), false, 'not before it is open');
    FakeSocket.all[0].open();
    assert.equal(s.send({ type: 'hello' }), true);
    assert.deepEqual(FakeSocket.all[0].sent, ['{"type":"hello"}']);
    assert.deepEqual(events, ['open']);
  });

  test('a lost connection is retried after a growing, jittered delay, reset once the server answers', () => {
    const s = socket({ base: 100, max: 800 });
    const delays = [];
    for (let attempt = 1; attempt <= 5; attempt++) {
      FakeSocket.all.at(-1).lost();
      const waiting = statuses.at(-1);
      assert.equal(waiting.state, 'waiting');
      assert.equal(waiting.attempt, attempt);
      delays.push(waiting.until - Date.now());
      mock.timers.tick(waiting.until - Date.now());
      assert.equal(FakeSocket.all.length, attempt + 1, 'a new attempt after the delay');
    }
    const ceilings = [100, 200, 400, 800, 800];
    delays.forEach((d, i) => assert.ok(d >= ceilings[i] / 2 && d <= ceilings[i], `delay ${d} for attempt ${i + 1}`));
    FakeSocket.all.at(-1).open();
    s.healthy();
    FakeSocket.all.at(-1).lost();
    assert.equal(statuses.at(-1).attempt, 1, 'back to the first delay');
  });

  test('an upgraded connection that says nothing within the answer timeout is replaced; one that answers is kept', () => {
    socket({ answerTimeout: 1000, base: 100, max: 100 });
    FakeSocket.all[0].open();
    mock.timers.tick(999);
    assert.equal(FakeSocket.all[0].readyState, 1, 'still waiting');
    mock.timers.tick(1);
    assert.equal(FakeSocket.all[0].readyState, 3, 'given up');
    assert.deepEqual(events, ['open', 'close 4003']);
    assert.equal(statuses.at(-1).state, 'waiting');
    mock.timers.tick(100);
    assert.equal(FakeSocket.all.length, 2, 'a new attempt');
    FakeSocket.all[1].open();
    FakeSocket.all[1].onmessage({ data: '{"type":"snapshot"}' });
    mock.timers.tick(5000);
    assert.equal(FakeSocket.all[1].readyState, 1, 'a connection that answered stays, however quiet after');
    assert.equal(FakeSocket.all.length, 2);
  });

  test('backoff doubles from the base to the maximum, with equal jitter', () => {
    assert.equal(backoff(1, { base: 100, max: 5000, random: () => 1 }), 100);
    assert.equal(backoff(1, { base: 100, max: 5000, random: () => 0 }), 50);
    assert.equal(backoff(4, { base: 100, max: 5000, random: () => 1 }), 800);
    assert.equal(backoff(30, { base: 100, max: 5000, random: () => 1 }), 5000);
  });

  test('a hold closes the socket and makes no attempt until it ends', () => {
    const s = socket();
    FakeSocket.all[0].open();
    s.hold(10_000);
    assert.deepEqual(events, ['open', 'close 4000']);
    assert.deepEqual(statuses.at(-1), { state: 'offline', held: true });
    mock.timers.tick(9_000);
    assert.equal(FakeSocket.all.length, 1, 'no attempt while held');
    mock.timers.tick(1_000);
    assert.equal(FakeSocket.all.length, 2, 'connects when the hold ends');
    s.hold();
    s.resume();
    assert.equal(FakeSocket.all.length, 3, 'resume connects at once');
  });

  test('gives up on close codes a retry cannot fix, but not on the rate limit', () => {
    socket();
    FakeSocket.all[0].lost(1008, 'document id "x y" may use only letters');
    assert.equal(statuses.at(-1).state, 'closed');
    mock.timers.tick(60_000);
    assert.equal(FakeSocket.all.length, 1);

    socket();
    FakeSocket.all[1].lost(1008, 'rate limit: more than 100 messages per second (burst 200)');
    assert.equal(statuses.at(-1).state, 'waiting');
    FakeSocket.all.length = 0;
    socket();
    FakeSocket.all[0].lost(1002, 'no common subprotocol');
    assert.equal(statuses.at(-1).state, 'closed');
  });

  test('gives up on a corrupt document (1011 "corrupt document ..."), but retries other 1011 closes', () => {
    socket();
    const reason = 'corrupt document notes: the op of version 4 does not parse: Unexpected char 44 at (line no=1, '
      + 'column no=3, offset=2)';
    FakeSocket.all[0].lost(1011, reason);
    assert.deepEqual(statuses.at(-1), { state: 'closed', code: 1011, reason });
    assert.deepEqual(events, ['close 1011']);
    mock.timers.tick(60_000);
    assert.equal(FakeSocket.all.length, 1, 'no attempt after the refusal');

    socket();
    FakeSocket.all[1].lost(1011, 'send failed');
    assert.equal(statuses.at(-1).state, 'waiting', 'an unexpected server failure is retried');
    mock.timers.tick(60_000);
    assert.equal(FakeSocket.all.length, 3);
  });

  test('the token-expiry close (1008) is still retried at once', () => {
    socket();
    FakeSocket.all[0].open();
    FakeSocket.all[0].lost(1008, 'the token expired at 2026-11-25T10:00:00Z; get a fresh token and reconnect');
    assert.equal(FakeSocket.all.length, 2, 'a new attempt without waiting');
  });

  test('restart closes and connects at once', () => {
    const s = socket();
    FakeSocket.all[0].open();
    s.restart();
    assert.deepEqual(events, ['open', 'close 1000']);
    assert.equal(FakeSocket.all.length, 2);
  });
});

describe('channel addresses', () => {
  test('are relative to the page, ws: for http: and wss: for https:', () => {
    assert.equal(channelUrl('docs/notes', 'http://h:8080/coedit/edit.html?doc=notes'), 'ws://h:8080/coedit/docs/notes');
    assert.equal(channelUrl('lobby', 'https://example.org/app/'), 'wss://example.org/app/lobby');
  });
});
