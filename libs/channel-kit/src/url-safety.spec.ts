import { describe, expect, it } from 'vitest';
import { assertPublicUrl, isPrivateAddress } from './url-safety';

describe('SSRF guard', () => {
  it('knows private, loopback and link-local addresses', () => {
    for (const ip of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '0.0.0.0']) expect(isPrivateAddress(ip), ip).toBe(true);
    for (const ip of ['8.8.8.8', '1.1.1.1', '2606:4700::1111']) expect(isPrivateAddress(ip), ip).toBe(false);
  });
  it('refuses private targets unless allowed', async () => {
    await expect(assertPublicUrl('http://127.0.0.1:8080/x', false)).rejects.toThrow(/private|loopback/);
    await expect(assertPublicUrl('http://localhost/x', false)).rejects.toThrow(/private|loopback/);
    await expect(assertPublicUrl('http://[::1]/x', false)).rejects.toThrow(/private|loopback/);
    await expect(assertPublicUrl('file:///etc/passwd', true)).rejects.toThrow(/http/);
    await expect(assertPublicUrl('http://127.0.0.1:8080/x', true)).resolves.toBeInstanceOf(URL);
  });
});
