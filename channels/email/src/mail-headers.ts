/** Raw header access (unfolded, undecoded): enough for the ASCII headers loop and bounce detection rely on. */
export class HeaderReader {
  private readonly values = new Map<string, string[]>();

  constructor(lines: ReadonlyArray<{ key: string; line: string }>) {
    for (const { key, line } of lines) {
      const colon = line.indexOf(':');
      const value = (colon >= 0 ? line.slice(colon + 1) : '').replace(/\r?\n[ \t]+/g, ' ').trim();
      const k = key.toLowerCase();
      const list = this.values.get(k) ?? [];
      list.push(value);
      this.values.set(k, list);
    }
  }

  has(name: string): boolean {
    return this.values.has(name.toLowerCase());
  }

  /** First occurrence. */
  get(name: string): string | undefined {
    return this.values.get(name.toLowerCase())?.[0];
  }

  all(name: string): string[] {
    return this.values.get(name.toLowerCase()) ?? [];
  }
}
