import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import { DEMO_PASSWORD, login, startHub, waitFor, type Api, type Hub } from '../fixtures/hub';

/**
 * The embeddable widget in real Chromium, on the hub's own /demo page (demo seed): a visitor chats, an agent
 * answers over REST, the conversation survives a reload, and nothing typed is ever run as HTML.
 */
const ARTIFACTS = path.resolve(__dirname, '../../test-artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const XSS = '<img src=x onerror=alert(1)>';

let hub: Hub;
let browser: Browser;
let agent: Api;
let admin: Api;
let inboxId: string;
let agentSocket: Socket | null = null;
const contexts: BrowserContext[] = [];
const dialogs: string[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  hub = await startHub({ demo: true });
  admin = await login(hub, 'admin@parley.demo', DEMO_PASSWORD);
  agent = await login(hub, 'agent1@parley.demo', DEMO_PASSWORD);
  const inboxes = (await admin.get('/api/v1/inboxes')).body;
  inboxId = (inboxes.items ?? inboxes).find((i: { channel: string; name: string }) => i.channel === 'webchat' && i.name === 'Website chat').id;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

afterAll(async () => {
  agentSocket?.close();
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await hub?.dispose();
});

async function demoPage(locale = 'en-US', viewport = { width: 1280, height: 820 }): Promise<Page> {
  const context = await browser.newContext({ viewport, locale });
  contexts.push(context);
  const page = await context.newPage();
  page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${hub.url}/demo`);
  return page;
}

// Playwright's CSS and role locators pierce the widget's (open) shadow root.
const widget = (page: Page) => page.locator('#parley-chat-widget');
const bubbles = (page: Page) => widget(page).locator('.bubble');
const conversationWith = (text: string) => waitFor(async () => {
  const list = await agent.get(`/api/v1/conversations?inboxId=${inboxId}`);
  return (list.body.items as Array<{ id: string; lastMessage: { text: string } | null }>).find((c) => c.lastMessage?.text === text);
}, 15_000, `a conversation ending with "${text}"`);

describe('demo page', () => {
  it('serves the demo token only because the demo seed marked its inbox', async () => {
    const r = await fetch(`${hub.url}/widget/demo-token`);
    expect(r.status).toBe(200);
    expect((await r.json()).widgetToken).toMatch(/^wt_/);
    const js = await fetch(`${hub.url}/widget.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
  });

  it('shows the away state in Chinese when nobody is online, and takes an email', async () => {
    const page = await demoPage('zh-CN');
    const launcher = page.getByRole('button', { name: '打开聊天' });
    await launcher.click();
    const panel = page.getByRole('dialog');
    await expect.poll(() => panel.isVisible()).toBe(true);
    await widget(page).getByText('客服暂时离开').waitFor();
    await widget(page).getByText('We are away right now', { exact: false }).waitFor();
    expect(await widget(page).getByLabel('消息').getAttribute('placeholder')).toBe('输入消息…');
    await widget(page).getByLabel('留下邮箱，方便我们回复您').fill('wang@example.com');
    await widget(page).getByRole('button', { name: '保存' }).click();
    await widget(page).getByText('谢谢！我们会回复到 wang@example.com。').waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'widget-away-zh.png'), animations: 'disabled' });
  });
});

describe('a visitor and an agent', () => {
  let page: Page;
  let convId: string;

  beforeAll(async () => {
    // An agent with the console open makes the inbox "online" (skipped if the /agents namespace is missing).
    const s = io(`${hub.url}/agents`, { auth: { token: agent.token }, transports: ['websocket'], reconnection: false, forceNew: true });
    agentSocket = await new Promise<Socket | null>((resolve) => {
      s.once('connect', () => resolve(s));
      s.once('connect_error', () => { s.close(); resolve(null); });
    });
    page = await demoPage();
  });

  it('opens with the keyboard-friendly launcher and sends a message', async () => {
    const launcher = page.getByRole('button', { name: 'Open chat' });
    await launcher.click();
    const input = widget(page).getByLabel('Message');
    // Focus lands in the composer when the panel opens.
    await expect.poll(() => input.evaluate((el) => el.getRootNode() instanceof ShadowRoot && (el.getRootNode() as ShadowRoot).activeElement === el)).toBe(true);
    await widget(page).getByText('Hi there! Ask us anything', { exact: false }).waitFor();
    if (agentSocket) await widget(page).getByText('We are online').waitFor();
    await input.fill('Hello! Do you ship to Canada?');
    await input.press('Enter');
    await widget(page).locator('.meta', { hasText: 'Sent' }).waitFor();
    convId = (await conversationWith('Hello! Do you ship to Canada?')).id;
    expect(convId).toEqual(expect.any(String));
  });

  it('shows the agent reply live, with the agent name and typing first', async () => {
    if (agentSocket) {
      await agentSocket.timeout(10_000).emitWithAck('typing', { conversationId: convId, isTyping: true });
      await widget(page).getByText('Alex Agent is typing…').waitFor();
    }
    const r = await agent.post(`/api/v1/conversations/${convId}/messages`, { text: 'Yes, we ship to Canada in 3-5 days. <b>Free</b> over $50.' });
    expect(r.status).toBe(201);
    await bubbles(page).filter({ hasText: 'Yes, we ship to Canada in 3-5 days. <b>Free</b> over $50.' }).waitFor();
    await widget(page).locator('.who', { hasText: 'Alex Agent' }).waitFor();
    expect(await widget(page).locator('b').count()).toBe(0);
    await waitFor(async () => (await agent.get(`/api/v1/conversations/${convId}/messages`)).body.items.find((m: { id: string; status: string }) => m.id === r.body.id)?.status === 'delivered', 10_000, 'delivered');
  });

  it('shows HTML a visitor typed as text, and runs nothing', async () => {
    const input = widget(page).getByLabel('Message');
    await input.fill(XSS);
    await input.press('Enter');
    await bubbles(page).filter({ hasText: XSS }).waitFor();
    expect(await widget(page).locator('img[src="x"]').count()).toBe(0);
    await conversationWith(XSS);
    const stored = (await agent.get(`/api/v1/conversations/${convId}/messages`)).body.items.find((m: { text: string }) => m.text === XSS);
    expect(stored).toBeTruthy();
    expect(dialogs).toEqual([]);
  });

  it('looks clean when open', async () => {
    await page.screenshot({ path: path.join(ARTIFACTS, 'widget-open.png'), animations: 'disabled' });
  });

  it('closes with Escape, returns focus to the launcher, and counts unread replies', async () => {
    await widget(page).getByLabel('Message').press('Escape');
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    const focused = await page.evaluate(() => document.getElementById('parley-chat-widget')?.shadowRoot?.activeElement?.getAttribute('aria-label'));
    expect(focused).toBe('Open chat');
    await agent.post(`/api/v1/conversations/${convId}/messages`, { text: 'Anything else I can help with?' });
    await widget(page).getByText('1 new message').waitFor({ state: 'attached' });
    await page.getByRole('button', { name: 'Open chat' }).click();
    await bubbles(page).filter({ hasText: 'Anything else I can help with?' }).waitFor();
    expect(await widget(page).locator('.badge').count()).toBe(0);
  });

  it('sends an image the visitor picked', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5d5d1a50000000049454e44ae426082', 'hex');
    await widget(page).locator('input[type=file]').setInputFiles({ name: 'receipt.png', mimeType: 'image/png', buffer: png });
    await widget(page).locator('.files li:not(.busy)', { hasText: 'receipt.png' }).waitFor();
    await widget(page).getByRole('button', { name: 'Send' }).click();
    const img = widget(page).locator('.bubble img[alt="receipt.png"]');
    await img.waitFor();
    await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0)).toBe(true);
    const msgs = (await agent.get(`/api/v1/conversations/${convId}/messages`)).body.items as Array<{ attachments: Array<{ name: string }> }>;
    expect(msgs.some((m) => m.attachments.some((a) => a.name === 'receipt.png'))).toBe(true);
  });

  it('keeps the conversation across a reload', async () => {
    await page.reload();
    await page.getByRole('button', { name: 'Open chat' }).click();
    for (const text of ['Hello! Do you ship to Canada?', 'Yes, we ship to Canada in 3-5 days. <b>Free</b> over $50.', XSS, 'Anything else I can help with?']) {
      await bubbles(page).filter({ hasText: text }).first().waitFor();
    }
    expect(await widget(page).locator('img[src="x"]').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('leaves the host page styles alone (and is not affected by them)', async () => {
    const pageButton = await page.evaluate(() => {
      const b = document.createElement('button');
      document.body.appendChild(b);
      const bg = getComputedStyle(b).backgroundColor;
      b.remove();
      return bg;
    });
    expect(pageButton).toBe('rgb(255, 105, 180)'); // the demo page's own hostile rule still applies to the page
    const launcherBg = await widget(page).locator('button.launcher').evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(launcherBg).not.toBe('rgb(255, 105, 180)');
  });

  it('fits a phone screen', async () => {
    const phone = await demoPage('en-US', { width: 390, height: 760 });
    await phone.getByRole('button', { name: 'Open chat' }).click();
    const box = await phone.getByRole('dialog').boundingBox();
    expect(box?.width).toBe(390);
    // Nothing floats over the composer: the launcher steps aside while the panel covers the screen.
    expect(await widget(phone).locator('button.launcher').isVisible()).toBe(false);
    await widget(phone).getByRole('button', { name: 'Close chat' }).click();
    await expect.poll(() => widget(phone).locator('button.launcher').isVisible()).toBe(true);
    await phone.getByRole('button', { name: 'Open chat' }).click();
    await phone.screenshot({ path: path.join(ARTIFACTS, 'widget-phone.png'), animations: 'disabled' });
  });
});

describe('on another website', () => {
  let site: Server;
  let siteUrl: string;
  const pages = new Map<string, string>();

  beforeAll(async () => {
    // A different origin than the hub (localhost vs 127.0.0.1, another port): the snippet as a customer pastes it.
    site = createServer((req, res) => {
      const html = pages.get(req.url ?? '');
      res.writeHead(html ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html ?? 'not found');
    });
    await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
    siteUrl = `http://localhost:${(site.address() as AddressInfo).port}`;
  });
  afterAll(async () => { await new Promise<void>((r) => site.close(() => r())); });

  const embed = async (name: string, config: Record<string, unknown>) => {
    const inbox = await admin.post('/api/v1/inboxes', { name, channel: 'webchat', config, memberIds: [] });
    expect(inbox.status).toBe(201);
    pages.set(`/${name}`, `<!doctype html><html><head><title>${name}</title></head><body><h1>${name}</h1>${inbox.body.widgetSnippet}</body></html>`);
    return inbox.body as { id: string; widgetToken: string };
  };

  it('works cross-origin: config, socket, upload and the reply', async () => {
    const inbox = await embed('partner', { allowedOrigins: [siteUrl], teamName: 'Partner Help', color: '#0f766e' });
    const context = await browser.newContext({ viewport: { width: 1100, height: 760 }, locale: 'en-US' });
    contexts.push(context);
    const page = await context.newPage();
    page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
    await page.goto(`${siteUrl}/partner`);
    await page.getByRole('button', { name: 'Open chat' }).click();
    await widget(page).getByRole('heading', { name: 'Partner Help' }).waitFor();
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5d5d1a50000000049454e44ae426082', 'hex');
    await widget(page).getByLabel('Message').fill('Hello from a partner site');
    await widget(page).locator('input[type=file]').setInputFiles({ name: 'dot.png', mimeType: 'image/png', buffer: png });
    await widget(page).locator('.files li:not(.busy)', { hasText: 'dot.png' }).waitFor();
    await widget(page).getByLabel('Message').press('Enter');
    await widget(page).locator('.bubble img[alt="dot.png"]').waitFor();
    const conv = await waitFor(async () => {
      const list = await admin.get(`/api/v1/conversations?inboxId=${inbox.id}`);
      return (list.body.items as Array<{ id: string }>)[0];
    }, 15_000, 'the partner conversation');
    await admin.post(`/api/v1/conversations/${conv.id}/messages`, { text: 'Welcome, partner!' });
    await bubbles(page).filter({ hasText: 'Welcome, partner!' }).waitFor();
  });

  it('does not appear on a site outside allowedOrigins', async () => {
    await embed('stranger', { allowedOrigins: ['https://shop.example.com'] });
    const context = await browser.newContext({ locale: 'en-US' });
    contexts.push(context);
    const page = await context.newPage();
    const warnings: string[] = [];
    page.on('console', (m) => { if (m.type() === 'warning') warnings.push(m.text()); });
    await page.goto(`${siteUrl}/stranger`);
    await expect.poll(() => warnings.some((w) => w.includes('[parley]'))).toBe(true);
    expect(await page.locator('#parley-chat-widget').count()).toBe(0);
  });
});
