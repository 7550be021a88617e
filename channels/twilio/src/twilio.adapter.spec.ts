import { baseMessage, describeAdapterContract } from '../../../libs/channel-kit/testing/adapter-contract.suite';
import { startFakeTwilio } from '../../../test/fixtures/fake-twilio';
import { InMemoryChannelRuntime } from '../../../test/fixtures/twilio-doubles';
import { TwilioClientFactory } from './twilio-client.factory';
import { TwilioAdapter } from './twilio.adapter';

const SID = `AC${'c'.repeat(32)}`;
const TOKEN = 'contract-auth-token';
const FROM = '+14155550100';

describeAdapterContract('phone (Twilio)', async () => {
  const fake = await startFakeTwilio({ accounts: [{ sid: SID, authToken: TOKEN }] });
  const runtime = new InMemoryChannelRuntime();
  const adapter = new TwilioAdapter(runtime, new TwilioClientFactory(runtime));
  return {
    adapter,
    inbox: { id: 'inbox-phone', workspaceId: 'ws-1', name: 'Phone', channel: 'phone' },
    validConfig: { accountSid: SID, authToken: TOKEN, phoneNumber: FROM, apiBaseUrl: fake.url },
    invalidConfigs: [
      { config: { accountSid: 'nope', authToken: TOKEN, phoneNumber: FROM }, field: 'accountSid' },
      { config: { accountSid: SID, phoneNumber: FROM }, field: 'authToken' },
      { config: { accountSid: SID, authToken: TOKEN, phoneNumber: 'call me' }, field: 'phoneNumber' },
    ],
    message: () => baseMessage({ contact: { id: 'c1', name: 'Ana', identifier: '+14155550199', email: null, phone: '+14155550199' } }),
    received: async (externalId, msg) => fake.messages.some((m) => m.sid === externalId && m.body === msg.text && m.to === '+14155550199' && m.from === FROM),
    refuseNext: () => fake.failNext(400, 21211, "The 'To' number is not a valid phone number."),
    close: () => fake.stop(),
  };
});
