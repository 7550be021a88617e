import { mount } from 'svelte';
import App from './App.svelte';
import { Chat } from './lib/chat.svelte';
import { pickLang, translator } from './lib/i18n';
import type { Identity } from './lib/types';

declare global {
  interface Window {
    /** Optional, set by the embedding site before the script: a verified visitor (see the inbox's identitySecret). */
    ParleySettings?: { identity?: Identity };
    Parley?: { open(): void; close(): void };
    __parleyWidgetStarted?: boolean;
  }
}

// Only available while this script first runs, so it is read at once.
const current = document.currentScript;

function ourScript(): HTMLScriptElement | null {
  if (current instanceof HTMLScriptElement && current.dataset.widgetToken) return current;
  return document.querySelector<HTMLScriptElement>('script[data-widget-token]');
}

function identityFrom(script: HTMLScriptElement): Identity | null {
  const d = script.dataset;
  if (d.identityId && d.identityHash) {
    return { id: d.identityId, hash: d.identityHash, ...(d.identityName ? { name: d.identityName } : {}), ...(d.identityEmail ? { email: d.identityEmail } : {}) };
  }
  const s = window.ParleySettings?.identity;
  return s && typeof s.id === 'string' && typeof s.hash === 'string' ? s : null;
}

async function start(): Promise<void> {
  if (window.__parleyWidgetStarted) return; // pasted twice
  const script = ourScript();
  const widgetToken = script?.dataset.widgetToken;
  if (!script || !widgetToken) { console.warn('[parley] chat widget: add data-widget-token to the script tag'); return; }
  window.__parleyWidgetStarted = true;
  // The hub is wherever this script came from, so the snippet needs nothing but the token.
  const hub = new URL(script.src, location.href).origin;
  const chat = new Chat({ hub, widgetToken, identity: identityFrom(script) });
  if (!(await chat.loadConfig())) {
    console.warn('[parley] chat widget: unknown widget token, or this website is not in the inbox\'s allowed origins');
    return;
  }
  if (document.readyState === 'loading') await new Promise((r) => document.addEventListener('DOMContentLoaded', r, { once: true }));
  const host = document.createElement('div');
  host.id = 'parley-chat-widget';
  // The shadow root keeps the page's CSS out and ours in; the host only has to stay out of the layout.
  host.setAttribute('style', 'all:initial;position:fixed;bottom:0;right:0;width:0;height:0;z-index:2147483000;');
  const root = host.attachShadow({ mode: 'open' });
  document.body.appendChild(host);
  const lang = pickLang(navigator.languages?.length ? navigator.languages : [navigator.language]);
  mount(App, { target: root, props: { chat, t: translator(lang), lang } });
  if (chat.visitorToken) chat.connect();
  window.Parley = { open: () => chat.open(), close: () => chat.close() };
}

void start();
