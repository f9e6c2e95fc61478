/**
 * The human message inside one log line, whatever wraps it: KIC's JSON (zap) lines, its
 * console format, logrus (`time=… level=error msg="…" error="…"`), klog
 * (`E1016 17:48:00.868987 5 controller.go:130] ...`) or an nginx error-log line, pasted as is or
 * through chat and forum software. The result is normalised (see normaliseText), so that a
 * pattern written against the plain message (`constraint "plugins_cache_key_key"`) matches every
 * wrapping of it.
 */
export function logMessage(line: string): string {
  const trimmed = unifyQuotes(line).trimStart();
  if (trimmed.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (parsed && typeof parsed === 'object') return normaliseText(jsonMessage(parsed as Record<string, unknown>));
    } catch {
      // not JSON after all: fall through and treat it as text
    }
  }
  return normaliseText(trimmed);
}

/**
 * The one normal form every match sees. Go's `%q` and zap's console encoder, logrus's quoted
 * fields and klog's `err="…"` all leave JSON-style escapes in the text (`Service \"x\" not found`,
 * `1 errors occurred:\n\twhile processing event`), nested once per layer of quoting (`\\\"`);
 * pasted text has typographic quotes. Quotes become plain, and line breaks and tabs (escaped or
 * real, as a parsed JSON message holds them) become one space, so that `.*` spans the message.
 */
export function normaliseText(text: string): string {
  return unifyQuotes(text)
    .replace(/\\+"/g, '"')
    .replace(/\\+'/g, "'")
    .replace(/(?:\\+[nrt])+/g, ' ')
    .replace(/[\r\n\t]+/g, ' ');
}

/** “ ” „ ‟ ″ « » and ‘ ’ ‚ ‛ ′ as typed by chat, forum and word-processor software. */
function unifyQuotes(text: string): string {
  return text.replace(/[\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb]/g, '"').replace(/[\u2018\u2019\u201a\u201b\u2032]/g, "'");
}

const MESSAGE_KEYS = ['msg', 'message', 'error', 'err', 'reason'];

function jsonMessage(record: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const key of MESSAGE_KEYS) {
    const value = record[key];
    if (typeof value === 'string' && value !== '') parts.push(value);
  }
  for (const [key, value] of Object.entries(record)) {
    if (MESSAGE_KEYS.includes(key)) continue;
    if (typeof value === 'string' || typeof value === 'number') parts.push(`${key}=${value}`);
    // a nested error (KIC's `raw_error`: Kong's flattened entity error) keeps its own JSON
    else if (typeof value === 'object' && value !== null) parts.push(`${key}=${JSON.stringify(value)}`);
  }
  return parts.join(' ');
}
