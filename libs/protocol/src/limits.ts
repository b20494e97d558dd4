/**
 * Sizes Pharos keeps of what machines send (docs/protocols/limits.md): every stored string has
 * one, and every count that lands in an `integer` column fits it.
 */

/** PostgreSQL `integer`: process, TCP and UDP counts are stored in such columns. */
export const INT32_MAX = 2_147_483_647;
export const INT32_MIN = -2_147_483_648;

/** A Lightd update's `data` (error details): longer text is cut to this many characters, not refused — Lightd never retries. */
export const LIGHTD_UPDATE_DATA_MAX_LENGTH = 8192;
/** A Lightd update's `error` (Lightd sends `failed`): cut likewise. */
export const LIGHTD_UPDATE_ERROR_MAX_LENGTH = 256;

/**
 * A Lightd event of a kind Pharos does not know, kept as it came up to this size (its JSON);
 * a larger one is kept as its `event`, `server` and how large it was.
 */
export const LIGHTD_OTHER_EVENT_MAX_LENGTH = 16_384;

/** An agent's mount point, device or interface name; an element with a longer one is skipped. */
export const AGENT_ENTITY_NAME_MAX_LENGTH = 255;

/** An Ithiltir node's names and paths (mounts, devices, interfaces): a longer one is refused (400, naming it). */
export const NODE_KEY_MAX_LENGTH = 1024;
/** Any other text of an Ithiltir report or static facts (models, versions, statuses). */
export const NODE_TEXT_MAX_LENGTH = 4096;

/** The marker ending text cut by `truncateText`. */
export function truncationMarker(dropped: number): string {
  return `… [${dropped} characters cut]`;
}

/**
 * The first `max` UTF-16 units of `text`, one fewer when the last would be the first half of a
 * surrogate pair: half of one is text PostgreSQL cannot store (`unstorable-text.ts`), and a
 * stored text cut that way would fail its write — and, before the batch split, its batch.
 */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  const last = text.charCodeAt(max - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}

/** `text` cut to at most `max` characters (`cutText`), ending with a marker that says how much was dropped. */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  // The count of what is cut has as many digits as the whole length, or fewer.
  let keep = max - truncationMarker(text.length).length;
  keep = max - truncationMarker(text.length - keep).length;
  const kept = cutText(text, keep);
  return kept + truncationMarker(text.length - kept.length);
}
