import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startHub, type Hub } from '../fixtures/hub';
import { makeWorkspace } from '../fixtures/workspace';

/**
 * The agent console in real Chromium against the built hub: login, live list, reply, note with a mention,
 * supervisor reassignment seen live by both agents, collision warnings, and the virtual list under load.
 */

const ARTIFACTS = path.resolve(__dirname, '../../test-artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PASSWORD = 'password-123';
const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };

let hub: Hub;
let w: Awaited<ReturnType<typeof makeWorkspace>>;
let browser: Browser;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];

const email = (name: string) => `${name}-${w.tag}@t.parley`;

async function openConsole(name: string, viewport = DESKTOP, live = true): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'en-US' });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(`${name}: ${e.message}`));
  await page.goto(`${hub.url}/`);
  await page.fill('input[name=email]', email(name));
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForSelector('.topbar');
  if (live) await page.waitForSelector('html[data-live=connected]', { timeout: 15_000 });
  // a marker that only survives if the page is never reloaded
  await page.evaluate(() => { (window as unknown as { __noReload: number }).__noReload = 1; });
  return page;
}

const notReloaded = (page: Page) => page.evaluate(() => (window as unknown as { __noReload?: number }).__noReload === 1);
const row = (page: Page, text: string) => page.locator('[data-testid=conversation-row]', { hasText: text });
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });

async function view(page: Page, which: 'Mine' | 'Unassigned' | 'All') {
  await page.locator('.tabs [role=tab]', { hasText: which }).click();
  await page.locator('.tabs [role=tab][aria-selected=true]', { hasText: which }).waitFor();
  await page.locator('[data-testid=list][aria-busy=false]').waitFor();
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  hub = await startHub();
  w = await makeWorkspace(hub);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await hub?.dispose();
});

describe('agent console', () => {
  let agentA: Page;
  let agentB: Page;
  let sup: Page;
  let convId: string;

  it('logs in and shows a message pushed through the API channel without a reload', async () => {
    agentA = await openConsole('agenta');
    await expect(agentA.locator('.tabs [role=tab][aria-selected=true]').textContent()).resolves.toBe('All');
    const r = await w.incoming('console-1', 'cust-live', 'Hello from the API channel');
    expect(r.status).toBe(200);
    convId = r.body.conversationId;
    const item = row(agentA, 'Customer cust-live');
    await item.waitFor({ timeout: 10_000 });
    await expect(item.textContent()).resolves.toContain('Hello from the API channel');
    expect(await notReloaded(agentA)).toBe(true);
    await shot(agentA, 'console-inbox-desktop');
  });

  it('opens the conversation and replies; the reply is stored once', async () => {
    await row(agentA, 'Customer cust-live').click();
    const box = agentA.locator('[data-testid=composer] textarea');
    await box.waitFor();
    await agentA.locator('[data-testid=conversation-title]', { hasText: 'Customer cust-live' }).waitFor();
    await box.fill('Thanks, we are looking into it');
    await box.press('Enter');
    await agentA.locator('[data-kind=message]', { hasText: 'Thanks, we are looking into it' }).waitFor();
    await expect.poll(() => box.inputValue()).toBe('');
    const msgs = (await w.a.api.get(`/api/v1/conversations/${convId}/messages`)).body.items as Array<{ text: string; direction: string; kind: string }>;
    expect(msgs.filter((m) => m.text === 'Thanks, we are looking into it' && m.direction === 'out' && m.kind === 'message')).toHaveLength(1);
  });

  it('a note mentioning @agentb notifies agentb live', async () => {
    agentB = await openConsole('agentb');
    await expect(agentB.locator('[data-testid=bell-count]').count()).resolves.toBe(0);
    await agentA.click('[data-testid=note-tab]');
    const box = agentA.locator('[data-testid=composer] textarea');
    await box.type('@agentb');
    await agentA.locator('.suggest .opt', { hasText: 'agentb' }).waitFor();
    await box.press('Enter');
    await expect(box.inputValue()).resolves.toBe('@agentb ');
    await box.type('can you check the refund?');
    await box.press('Enter');
    await agentA.locator('[data-kind=note]', { hasText: 'can you check the refund?' }).waitFor();
    // the socket echo can beat the HTTP answer that clears the composer
    await expect.poll(() => box.inputValue()).toBe('');
    const msgs = (await w.a.api.get(`/api/v1/conversations/${convId}/messages`)).body.items as Array<{ kind: string; text: string; mentions?: string[] }>;
    const note = msgs.find((m) => m.kind === 'note' && m.text.includes('can you check the refund?'));
    expect(note?.mentions).toEqual([w.b.id]);

    await agentB.locator('[data-testid=bell-count]').waitFor({ timeout: 10_000 });
    await expect(agentB.locator('[data-testid=bell-count]').textContent()).resolves.toBe('1');
    await expect(agentB.title()).resolves.toMatch(/^\(1\) /);
    await agentB.click('button[aria-label=Notifications]');
    await agentB.locator('.pop .item', { hasText: 'mentioned' }).waitFor();
    expect(await notReloaded(agentB)).toBe(true);
    await agentB.keyboard.press('Escape');
    await shot(agentA, 'console-conversation-desktop');
  });

  it('a supervisor reassigns from agenta to agentb: it leaves one Mine view and enters the other, live', async () => {
    const taken = await w.supervisor.api.post(`/api/v1/conversations/${convId}/assignment`, { assigneeId: w.a.id });
    expect(taken.status).toBe(200);
    await agentA.goto(`${hub.url}/#/inbox`);
    await view(agentA, 'Mine');
    await row(agentA, 'Customer cust-live').waitFor();
    await view(agentB, 'Mine');
    await expect(row(agentB, 'Customer cust-live').count()).resolves.toBe(0);

    sup = await openConsole('sup');
    await sup.goto(`${hub.url}/#/floor`);
    await sup.locator('.tab', { hasText: 'All open' }).click();
    const floorRow = sup.locator(`[data-testid=floor-row][data-id="${convId}"]`);
    await floorRow.waitFor();
    await floorRow.locator('[data-testid=row-assign]').selectOption(w.b.id);

    await row(agentA, 'Customer cust-live').waitFor({ state: 'detached', timeout: 10_000 });
    await row(agentB, 'Customer cust-live').waitFor({ timeout: 10_000 });
    expect(await notReloaded(agentA)).toBe(true);
    expect(await notReloaded(agentB)).toBe(true);
    const conv = (await w.supervisor.api.get(`/api/v1/conversations/${convId}`)).body;
    expect(conv.assigneeId).toBe(w.b.id);
  });

  it('bulk-assigns the unassigned queue in one action', async () => {
    const ids: string[] = [];
    for (const n of [1, 2]) ids.push((await w.incoming(`console-bulk-${n}`, `cust-bulk-${n}`, `Bulk question ${n}`)).body.conversationId);
    await sup.locator('.tab', { hasText: 'Unassigned queue' }).click();
    for (const id of ids) await sup.locator(`[data-testid=floor-row][data-id="${id}"] input[type=checkbox]`).check();
    await sup.locator('[data-testid=bulk-target]').selectOption(w.a.id);
    await sup.click('[data-testid=bulk-assign]');
    for (const id of ids) await sup.locator(`[data-testid=floor-row][data-id="${id}"]`).waitFor({ state: 'detached' });
    for (const id of ids) expect((await w.supervisor.api.get(`/api/v1/conversations/${id}`)).body.assigneeId).toBe(w.a.id);
    await row(agentA, 'Customer cust-bulk-1').waitFor();
    await shot(sup, 'console-floor-desktop');
  });

  it('two agents on the same conversation see each other in the collision banner', async () => {
    await agentA.goto(`${hub.url}/#/conversations/${convId}`);
    await agentB.goto(`${hub.url}/#/conversations/${convId}`);
    await agentA.locator('[data-testid=collision-banner]', { hasText: 'agentb' }).waitFor({ timeout: 10_000 });
    await agentB.locator('[data-testid=collision-banner]', { hasText: 'agenta' }).waitFor({ timeout: 10_000 });
    await agentB.locator('[data-testid=composer] textarea').type('On it');
    await agentA.locator('[data-testid=collision-banner]', { hasText: 'agentb is typing a reply' }).waitFor({ timeout: 10_000 });
  });

  it('fits a 390 px phone: list and conversation as separate screens', async () => {
    const phone = await openConsole('agenta', PHONE);
    await phone.goto(`${hub.url}/#/inbox`);
    await row(phone, 'Customer cust-bulk-1').waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await shot(phone, 'console-inbox-phone');
    await row(phone, 'Customer cust-bulk-1').click();
    await phone.locator('[data-testid=conversation-title]', { hasText: 'Customer cust-bulk-1' }).waitFor();
    await phone.locator('[data-kind=message]', { hasText: 'Bulk question 1' }).waitFor();
    await expect(phone.locator('.pane').isVisible()).resolves.toBe(false);
    await shot(phone, 'console-conversation-phone');
    await phone.locator('button[aria-label=Back]').first().click();
    await row(phone, 'Customer cust-bulk-1').waitFor();
    const supPhone = await openConsole('sup', PHONE);
    await supPhone.goto(`${hub.url}/#/floor`);
    await supPhone.locator('[data-testid=count-open]').waitFor();
    await shot(supPhone, 'console-floor-phone');
  });

  it('keeps fewer than 100 rows in the DOM with 10,000 conversations loaded', async () => {
    const page = await openConsole('agentc', DESKTOP, false);
    const fake = (i: number) => ({
      id: `fake-${i}`, inboxId: w.inboxId, channel: 'api', status: 'open', priority: 'none', assigneeId: null, teamId: null, labels: [],
      contact: { id: `k-${i}`, name: `Load test ${i}` }, subject: null,
      lastMessage: { text: `message ${i}`, at: new Date(Date.now() - i * 1000).toISOString(), direction: 'in' },
      unreadCount: 0, createdAt: new Date(Date.now() - i * 1000).toISOString(), updatedAt: new Date(Date.now() - i * 1000).toISOString(),
    });
    // Cursor pages served by the browser itself: page one has 50, the next the other 9,950.
    await page.route(/\/api\/v1\/conversations\?/, async (route) => {
      const url = new URL(route.request().url());
      const second = url.searchParams.get('cursor') === 'p2';
      const items = second ? Array.from({ length: 9_950 }, (_, i) => fake(i + 50)) : Array.from({ length: 50 }, (_, i) => fake(i));
      await route.fulfill({ json: { items, nextCursor: second ? null : 'p2' } });
    });
    await page.goto(`${hub.url}/#/inbox`);
    await page.reload();
    await row(page, 'Load test 0').waitFor();
    await page.locator('.vlist').evaluate((el) => { el.scrollTop = el.scrollHeight; el.dispatchEvent(new Event('scroll')); });
    await page.locator('.count', { hasText: '10000 conversations' }).waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-testid=conversation-row]').count()).toBeLessThan(100);
    await page.locator('.vlist').evaluate((el) => { el.scrollTop = el.scrollHeight / 2; el.dispatchEvent(new Event('scroll')); });
    await row(page, 'Load test 5000').waitFor();
    expect(await page.locator('[data-testid=conversation-row]').count()).toBeLessThan(100);
  });

  it('raised no uncaught page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
