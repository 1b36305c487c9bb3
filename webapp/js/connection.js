// A WebSocket that comes back: it reconnects after a lost connection with exponential back-off and jitter, waits
// while the browser says it is offline, and stops for good on close codes that a retry cannot fix. Used by the
// editor (subprotocol coedit.v1), the start page's lobby and the admin page.

/** Close codes after which reconnecting would only repeat the failure (docs/protocol.md §6). */
const FINAL_CODES = new Set([1002, 1003, 1007, 1009]);

/** How the server's close reason starts when the token ran out: fetch a fresh one and come back at once. */
export const TOKEN_EXPIRED = /^the token expired/;

/**
 * How the reason of a 1011 close starts when the document's stored data is corrupt: the server refuses it for good,
 * so reconnecting would only repeat the refusal. Other 1011 closes (a failed send) are retried.
 */
export const CORRUPT_DOCUMENT = /^corrupt document /;

/** The address of a channel of this application: relative to the page, ws: or wss: as the page's scheme. */
export function channelUrl(path, base = globalThis.location.href) {
  const url = new URL(path, base);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.hash = '';
  url.search = '';
  return url.href;
}

/** Delay before attempt k (1, 2, ...): base doubling up to max, with "equal jitter" (between half and all of it). */
export function backoff(attempt, { base = 100, max = 5000, random = Math.random } = {}) {
  const ceiling = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * ceiling / 2);
}

/**
 * Status, as told to `onStatus`:
 *   {state: 'connecting', attempt}           a connection is being opened (attempt 0 is the first one)
 *   {state: 'open'}                          connected
 *   {state: 'waiting', attempt, until}       lost; the next attempt is at time `until` (ms since the epoch)
 *   {state: 'offline', held}                 the browser is offline (or a test holds the connection down)
 *   {state: 'closed', code, reason}          closed for good: a retry cannot help (or stop() was called)
 *
 * A connection that delivers nothing within `answerTimeout` ms of opening is closed (4003) and retried.
 *
 * `protocols` is a list, or a function ({fresh}) returning a promise of one: it is asked before every attempt, and
 * with fresh=true after the server closed because the token expired (such a close is retried at once).
 */
export class ReconnectingSocket {
  constructor({ url, protocols = [], onOpen = () => {}, onMessage = () => {}, onClose = () => {},
    onStatus = () => {}, base = 100, max = 5000, answerTimeout = 15000, WebSocketClass = globalThis.WebSocket,
    isFinal = (code, reason) => FINAL_CODES.has(code)
      || (code === 1008 && !/^rate limit/i.test(reason) && !TOKEN_EXPIRED.test(reason))
      || (code === 1011 && CORRUPT_DOCUMENT.test(reason ?? '')) }) {
    Object.assign(this, { url, protocols, onOpen, onMessage, onClose, onStatus, base, max, answerTimeout,
      WebSocketClass, isFinal });
    this.answerTimer = null;
    this.socket = null;
    this.attempt = 0; // failed attempts in a row
    this.timer = null;
    this.heldUntil = 0;
    this.stopped = false;
    this.status = null;
    this.freshToken = false;
    this.connecting = false; // waiting for the subprotocols (a token) before the socket exists
    this.onOnline = () => this.#online();
    this.onOffline = () => this.#offline();
    globalThis.addEventListener?.('online', this.onOnline);
    globalThis.addEventListener?.('offline', this.onOffline);
  }

  start() {
    this.stopped = false;
    this.#connect();
  }

  /** Sends a message as JSON; false when not connected (callers keep their state and resend after a reconnect). */
  send(message) {
    if (this.socket?.readyState !== 1) {
      return false;
    }
    this.socket.send(JSON.stringify(message));
    return true;
  }

  get isOpen() {
    return this.socket?.readyState === 1;
  }

  /** The connection works (the server answered): the next loss starts the back-off from the beginning. */
  healthy() {
    this.attempt = 0;
  }

  /** Closes and connects again at once: after the user changed their name, so the others see the new one. */
  restart() {
    this.#drop(1000, 'reconnecting');
    this.attempt = 0;
    this.#connect();
  }

  /** Closes for good. */
  stop(code = 1000, reason = 'closed') {
    this.stopped = true;
    clearTimeout(this.timer);
    this.#drop(code, reason);
    globalThis.removeEventListener?.('online', this.onOnline);
    globalThis.removeEventListener?.('offline', this.onOffline);
    this.#status({ state: 'closed', code, reason });
  }

  /**
   * Goes offline on purpose for `ms` milliseconds (Infinity: until resume()): closes the socket and makes no attempt
   * meanwhile. For tests and for a person who wants to see what happens; the server sees an ordinary close.
   */
  hold(ms = Infinity) {
    this.heldUntil = ms === Infinity ? Infinity : Date.now() + ms;
    clearTimeout(this.timer);
    this.#drop(4000, 'offline on purpose');
    this.#status({ state: 'offline', held: true });
    if (ms !== Infinity) {
      this.timer = setTimeout(() => this.resume(), ms);
    }
  }

  /** Ends a hold and connects now. */
  resume() {
    this.heldUntil = 0;
    this.attempt = 0;
    clearTimeout(this.timer);
    if (!this.stopped && this.socket == null) {
      this.#connect();
    }
  }

  #held() {
    return this.heldUntil > Date.now();
  }

  #connect() {
    clearTimeout(this.timer);
    this.timer = null;
    if (this.stopped || this.socket != null || this.connecting) {
      return;
    }
    if (this.#held() || globalThis.navigator?.onLine === false) {
      this.#status({ state: 'offline', held: this.#held() });
      return;
    }
    this.#status({ state: 'connecting', attempt: this.attempt });
    if (typeof this.protocols !== 'function') {
      this.#open(this.protocols);
      return;
    }
    const fresh = this.freshToken;
    this.freshToken = false;
    this.connecting = true;
    Promise.resolve()
      .then(() => this.protocols({ fresh }))
      .then((protocols) => {
        this.connecting = false;
        if (!this.stopped && this.socket == null && !this.#held()) {
          this.#open(protocols);
        }
      }, (e) => {
        this.connecting = false;
        this.#closed(4002, `no token: ${e.message ?? e}`);
      });
  }

  #open(protocols) {
    let socket;
    try {
      socket = new this.WebSocketClass(this.url, protocols);
    } catch (e) {
      this.#closed(1006, String(e.message ?? e));
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) {
        return;
      }
      this.#status({ state: 'open' });
      // Every channel speaks first or answers the hello at once. An upgraded connection that stays silent (a
      // container has been seen to leave one so under churn; a proxy may lose one) is replaced, rather than left
      // "connecting" until the server's idle timeout.
      clearTimeout(this.answerTimer);
      this.answerTimer = setTimeout(() => {
        if (this.socket === socket) {
          const reason = `no answer within ${this.answerTimeout} ms`;
          this.#drop(4003, reason);
          this.#closed(4003, reason);
        }
      }, this.answerTimeout);
      this.onOpen();
    };
    socket.onmessage = (event) => {
      if (this.socket === socket) {
        clearTimeout(this.answerTimer);
        this.onMessage(event.data);
      }
    };
    socket.onclose = (event) => {
      if (this.socket === socket) {
        clearTimeout(this.answerTimer);
        this.socket = null;
        this.onClose(event.code, event.reason);
        this.#closed(event.code, event.reason);
      }
    };
    socket.onerror = () => {
      // A close event follows, with the code; nothing to do here.
    };
  }

  #closed(code, reason) {
    if (this.stopped) {
      return;
    }
    if (this.isFinal(code, reason)) {
      this.stopped = true;
      this.#status({ state: 'closed', code, reason });
      return;
    }
    if (code === 1008 && TOKEN_EXPIRED.test(reason ?? '')) {
      this.freshToken = true;
      if (this.attempt === 0) { // at once, but only once in a row: an endpoint that hands out stale tokens backs off
        this.attempt = 1;
        this.#connect();
        return;
      }
    }
    if (this.#held() || globalThis.navigator?.onLine === false) {
      this.#status({ state: 'offline', held: this.#held() });
      return;
    }
    this.attempt++;
    const delay = backoff(this.attempt, { base: this.base, max: this.max });
    this.#status({ state: 'waiting', attempt: this.attempt, until: Date.now() + delay });
    this.timer = setTimeout(() => this.#connect(), delay);
  }

  /** Closes the current socket without waiting for its close event, and tells the owner at once. */
  #drop(code, reason) {
    clearTimeout(this.answerTimer);
    const socket = this.socket;
    if (socket == null) {
      return;
    }
    this.socket = null;
    try {
      socket.close(code, reason);
    } catch (e) {
      // Already closing.
    }
    this.onClose(code, reason);
  }

  #online() {
    if (!this.stopped && this.socket == null && !this.#held()) {
      this.attempt = 0;
      this.#connect();
    }
  }

  #offline() {
    // The socket may linger until the OS gives up on it; it is closed now, so that the page says so at once.
    if (!this.stopped && this.socket != null) {
      this.#drop(4001, 'the browser went offline');
    }
    if (!this.stopped) {
      clearTimeout(this.timer);
      this.#status({ state: 'offline', held: false });
    }
  }

  #status(status) {
    this.status = status;
    this.onStatus(status);
  }
}
