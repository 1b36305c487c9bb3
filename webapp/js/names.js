// Names, colours and identities: what the pages need to name documents and people. No DOM.

const ADJECTIVES = ['amber', 'brave', 'bright', 'calm', 'clever', 'cosy', 'curious', 'daring', 'eager', 'fuzzy',
  'gentle', 'golden', 'happy', 'jolly', 'kind', 'lively', 'lucky', 'merry', 'mighty', 'nimble', 'plucky', 'proud',
  'quick', 'quiet', 'rapid', 'sunny', 'swift', 'tidy', 'witty', 'zesty'];
const ANIMALS = ['badger', 'beaver', 'bison', 'crane', 'dolphin', 'eagle', 'falcon', 'ferret', 'fox', 'gecko',
  'heron', 'ibis', 'koala', 'lemur', 'lynx', 'marten', 'moose', 'newt', 'otter', 'owl', 'panda', 'puffin', 'quokka',
  'raven', 'seal', 'stoat', 'tapir', 'walrus', 'wombat', 'yak'];

/** Caret colours that read well on white, as #rrggbb. */
export const PALETTE = ['#e11d48', '#ea580c', '#ca8a04', '#16a34a', '#0d9488', '#2563eb', '#7c3aed', '#c026d3'];

function pick(list, random) {
  return list[Math.floor(random() * list.length)];
}

/** A readable random document name like "brave-otter-42". */
export function randomDocumentId(random = Math.random) {
  return `${pick(ADJECTIVES, random)}-${pick(ANIMALS, random)}-${10 + Math.floor(random() * 90)}`;
}

/** A friendly default display name like "Brave Otter". */
export function randomDisplayName(random = Math.random) {
  const cap = (s) => s[0].toUpperCase() + s.slice(1);
  return `${cap(pick(ADJECTIVES, random))} ${cap(pick(ANIMALS, random))}`;
}

export function randomColor(random = Math.random) {
  return pick(PALETTE, random);
}

export const MAX_DOCUMENT_ID = 64;
export const MAX_NAME = 64;

/**
 * What is wrong with a document id, or null when it is fine: the server's rules and words
 * (dev.coedit.editing.control.DocumentIds), so the start page refuses what the server would.
 */
export function documentIdProblem(id) {
  if (id == null || id.length === 0) {
    return 'document id is empty';
  }
  if (id.length > MAX_DOCUMENT_ID) {
    return `document id is ${id.length} characters long; the limit is ${MAX_DOCUMENT_ID}`;
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(id)) {
    return `document id "${id}" may use only letters, digits, '.', '_' and '-', and must start with a letter or `
        + 'digit';
  }
  return null;
}

/** A display name as the server takes it: trimmed, at most 64 code points; null when blank. */
export function cleanName(name) {
  const trimmed = (name ?? '').trim();
  if (trimmed.length === 0) {
    return null;
  }
  return [...trimmed].slice(0, MAX_NAME).join('');
}

export function isColor(color) {
  return /^#[0-9a-fA-F]{6}$/.test(color ?? '');
}

const IDENTITY_KEY = 'coedit.identity';

/** The name and colour this person chose, remembered in localStorage; null before they chose. */
export function loadIdentity(storage = globalThis.localStorage) {
  try {
    const saved = JSON.parse(storage.getItem(IDENTITY_KEY));
    const name = cleanName(saved?.name);
    if (name != null && isColor(saved.color)) {
      return { name, color: saved.color };
    }
  } catch (e) {
    // Nothing saved, or something unreadable: ask again.
  }
  return null;
}

export function saveIdentity(identity, storage = globalThis.localStorage) {
  storage.setItem(IDENTITY_KEY, JSON.stringify({ name: identity.name, color: identity.color }));
}

/** A new client id: 20 random letters and digits (the protocol allows 1-64 of letters, digits, '-', '_'). */
export function newClientId(random = Math.random) {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let id = '';
  const bytes = globalThis.crypto?.getRandomValues?.(new Uint8Array(20));
  for (let i = 0; i < 20; i++) {
    id += alphabet[(bytes ? bytes[i] : Math.floor(random() * 256)) % alphabet.length];
  }
  return id;
}
