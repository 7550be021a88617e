import { parseRoute, routeToHash, type Route } from '../util/route';

class Router {
  route = $state<Route>(parseRoute(typeof location !== 'undefined' ? location.hash : ''));
  constructor() {
    if (typeof window !== 'undefined') window.addEventListener('hashchange', () => { this.route = parseRoute(location.hash); });
  }
  go(r: Route, replace = false) {
    const hash = routeToHash(r);
    if (location.hash === hash) return;
    if (replace) history.replaceState(null, '', hash);
    else history.pushState(null, '', hash);
    this.route = r;
  }
  openConversation(id: string | null) {
    this.go({ name: 'inbox', conversationId: id });
  }
}
export const router = new Router();
