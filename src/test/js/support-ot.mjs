// The browser's ot.js, for test helpers that need it statically.
export * from '../../../webapp/js/ot.js';
