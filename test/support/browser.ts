import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Flags that keep Chromium from reaching any network service of its own, so a test sees only the page's requests. */
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Debian's Chromium with a fresh profile that is removed on close. A missing Chromium is an
 * error, never a skip: the component tests need it (scripts/system-deps.sh installs it).
 */
export async function launchChromium(executablePath = CHROMIUM): Promise<Browser> {
  if (!existsSync(executablePath)) throw new Error(`Chromium is missing at ${executablePath}: install Debian's chromium package (apt-get install chromium, or scripts/system-deps.sh as root)`);
  const profile = mkdtempSync(join(tmpdir(), 'kong-chaos-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args: ARGS, viewport: { width: 1100, height: 900 } });
    return {
      context,
      async close() {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}

/** A laptop screen: the width a person opens a report at. */
export const LAPTOP = { width: 1280, height: 800 };

/** By how many CSS pixels the page, or any element that scrolls, is wider than what shows of it: 0 when nothing scrolls sideways. */
export function sidewaysOverflow(page: Page): Promise<{ what: string; by: number }[]> {
  return page.locator('html').evaluate((html) => {
    const all = [html, ...html.querySelectorAll('body *')];
    return all
      .filter((e) => e === html || ['auto', 'scroll'].includes(e.ownerDocument.defaultView.getComputedStyle(e).overflowX))
      .map((e) => ({ what: e === html ? 'the page' : `${e.tagName.toLowerCase()}.${e.className}`, by: e.scrollWidth - e.clientWidth }))
      .filter((o) => o.by > 0);
  });
}

/**
 * Pairs of things drawn on top of each other in an SVG: a text label against another label, a
 * marker line, or a bar (selectors in `bars`). Boxes are the rendered ones
 * (getBoundingClientRect); a touch of under half a pixel is not an overlap.
 */
export function svgOverlaps(svg: Locator, bars: string, lines: string): Promise<string[]> {
  // no named functions inside: tsx would wrap them in a helper the page does not have
  return svg.evaluate(
    (root, sel) => {
      const texts = [...root.querySelectorAll('text')];
      const items = [...texts, ...root.querySelectorAll(sel.bars), ...root.querySelectorAll(sel.lines)].map((e) => ({
        box: e.getBoundingClientRect() as { left: number; right: number; top: number; bottom: number; width: number },
        name: e.tagName === 'text' ? `"${e.textContent}"` : `${e.tagName} of ${e.parentNode.getAttribute('class') ?? 'svg'}`,
      }));
      const hits: string[] = [];
      for (let i = 0; i < texts.length; i++) {
        const a = items[i]!.box;
        if (a.width === 0) continue;
        for (let j = i + 1; j < items.length; j++) {
          const b = items[j]!.box;
          const across = Math.min(a.right, b.right) - Math.max(a.left, b.left);
          const down = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
          // a vertical line has no width: it crosses a label when its x lies inside the label's
          const crosses = b.width === 0 ? b.left > a.left + 0.5 && b.left < a.right - 0.5 : across > 0.5;
          if (crosses && down > 0.5) hits.push(`${items[i]!.name} overlaps ${items[j]!.name}`);
        }
      }
      return hits;
    },
    { bars, lines },
  );
}
