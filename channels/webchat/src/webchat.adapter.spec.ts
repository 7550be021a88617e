import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import type { ChannelQueryService } from '@parley/core';
import { baseMessage, describeAdapterContract } from '../../../libs/channel-kit/testing/adapter-contract.suite';
import { WebchatAdapter } from './webchat.adapter';
import type { WidgetDirectory } from './widget-directory.service';
import { WidgetRooms } from './widget-rooms';

/** The peer is a real visitor socket on a real Socket.IO server; "refused" is a contact with no visitor id. */
describeAdapterContract('webchat', async () => {
  const http = createServer();
  const server = new Server(http);
  const nsp = server.of('/widget');
  nsp.on('connection', (s) => { void s.join(WidgetRooms.visitor('inbox-1', String(s.handshake.auth.visitorId))); });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const rooms = new WidgetRooms();
  rooms.attach(nsp);
  const directory = { signingKey: async () => Buffer.alloc(32, 7) } as unknown as WidgetDirectory;
  const queries = { identityValues: async () => [] } as unknown as ChannelQueryService;

  const got: Array<{ id: string; text: string }> = [];
  const visitor: Socket = connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}/widget`, { auth: { visitorId: 'v1' }, transports: ['websocket'] });
  visitor.on('message.created', (p: { message: { id: string; text: string } }, ack?: unknown) => {
    got.push(p.message);
    if (typeof ack === 'function') ack({ ok: true });
  });
  await new Promise<void>((r) => visitor.once('connect', () => r()));

  let refuse = false;
  return {
    adapter: new WebchatAdapter(rooms, directory, queries),
    inbox: { id: 'inbox-1', workspaceId: 'ws-1', name: 'Chat', channel: 'webchat' },
    validConfig: { greeting: 'Hi', identitySecret: 'a-long-enough-secret', allowedOrigins: ['https://shop.example.com'] },
    invalidConfigs: [
      { config: { color: 'red' }, field: 'color' },
      { config: { allowedOrigins: ['https://shop.example.com/path'] }, field: 'allowedOrigins[0]' },
      { config: { requireIdentity: true }, field: 'requireIdentity' },
      { config: { surprise: true }, field: 'surprise' },
    ],
    message: () => {
      const identifier = refuse ? null : 'v1';
      refuse = false;
      return baseMessage({ contact: { id: '', name: 'Ana', identifier, email: null, phone: null } });
    },
    received: async (externalId, msg) => {
      for (let i = 0; i < 100 && !got.some((m) => m.id === msg.id); i++) await new Promise((r) => setTimeout(r, 20));
      return externalId === msg.id && got.some((m) => m.id === msg.id && m.text === msg.text);
    },
    refuseNext: () => { refuse = true; },
    close: async () => {
      visitor.close();
      await new Promise<void>((r) => { void server.close(() => r()); });
    },
  };
});
