/** `1 case`, `2 cases`, `1 entry`, `3 entries`: a count and its noun, in the number the count needs. */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}
