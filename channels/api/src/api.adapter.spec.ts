import { baseMessage, describeAdapterContract } from '../../../libs/channel-kit/testing/adapter-contract.suite';
import { startCallbackServer } from '../../../test/fixtures/callback-server';
import { ApiChannelAdapter } from './api.adapter';

const TOKEN = 'pit_contract_token';

describeAdapterContract('api', async () => {
  let refuse = false;
  const server = await startCallbackServer(() => TOKEN, () => { if (refuse) { refuse = false; return 422; } return 200; });
  return {
    adapter: new ApiChannelAdapter(),
    inbox: { id: 'inbox-1', workspaceId: 'ws-1', name: 'API', channel: 'api', inboxToken: TOKEN },
    validConfig: { callbackUrl: server.url },
    invalidConfigs: [
      { config: { callbackUrl: 'ftp://example.com/x' }, field: 'callbackUrl' },
      { config: { callbackUrl: 'not a url' }, field: 'callbackUrl' },
      { config: { callbackUrl: 'http://127.0.0.1:9/hook' }, field: 'callbackUrl' },
      { config: { surprise: true }, field: 'surprise' },
    ],
    message: () => baseMessage({ contact: { id: 'c1', name: 'Ana', identifier: 'cust-1', email: null, phone: null } }),
    received: async (externalId, msg) => server.received.some((r) => r.validSignature && r.body.message.id === msg.id && r.body.deliveryId === externalId),
    refuseNext: () => { refuse = true; },
    close: () => server.close(),
  };
});
