import { describe, expect, it } from 'vitest';
import { parseRoute, routeToHash } from './route';

describe('routes', () => {
  it('parses and round-trips', () => {
    expect(parseRoute('')).toEqual({ name: 'inbox', conversationId: null });
    expect(parseRoute('#/conversations/abc%2F1')).toEqual({ name: 'inbox', conversationId: 'abc/1' });
    expect(parseRoute('#/admin/users')).toEqual({ name: 'admin', tab: 'users' });
    expect(parseRoute('#/admin/nope')).toEqual({ name: 'admin', tab: 'inboxes' });
    expect(parseRoute('#/floor')).toEqual({ name: 'floor' });
    for (const h of ['#/inbox', '#/conversations/x', '#/floor', '#/admin/teams', '#/admin/canned', '#/settings']) {
      expect(routeToHash(parseRoute(h))).toBe(h);
    }
  });
});
