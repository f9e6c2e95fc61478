/**
 * The human message inside one log line, whatever wraps it: KIC's JSON (zap) lines, its
 * console format, klog (`E1016 17:48:00.868987 5 controller.go:130] ...`) or an nginx
 * error-log line. JSON string escaping is undone so that a pattern written against the plain
 * message (`constraint "plugins_cache_key_key"`) also matches `constraint \"plugins_cache_key_key\"`.
 */
export function logMessage(line: string): string {
  const trimmed = line.trimStart();
  if (trimmed.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (parsed && typeof parsed === 'object') return jsonMessage(parsed as Record<string, unknown>);
    } catch {
      // not JSON after all: fall through and treat it as text
    }
  }
  return trimmed;
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
  }
  return parts.join(' ');
}
