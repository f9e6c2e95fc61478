/**
 * Secrets the run knows about (Admin API tokens, Postgres passwords, credential keys it
 * created) are replaced by `[redacted]` in every line the harness writes or prints. Values are
 * matched literally and also in their JSON-escaped form, since most output is JSON.
 */
export class Redactor {
  private readonly secrets = new Set<string>();
  private pattern: RegExp | undefined;

  add(...secrets: (string | undefined)[]): this {
    for (const s of secrets) {
      // very short values would redact ordinary words; nothing the harness generates is that short
      if (s && s.length >= 4) {
        this.secrets.add(s);
        this.secrets.add(JSON.stringify(s).slice(1, -1));
      }
    }
    this.pattern = this.secrets.size === 0 ? undefined : new RegExp([...this.secrets].sort((a, b) => b.length - a.length).map(escape).join('|'), 'g');
    return this;
  }

  apply(text: string): string {
    return this.pattern ? text.replace(this.pattern, '[redacted]') : text;
  }
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
