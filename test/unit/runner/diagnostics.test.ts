import { expect } from 'chai';
import { redactFields } from '../../../harness/runner/diagnostics.ts';

describe('runner/diagnostics redactFields', () => {
  it('redacts password, secret, token and key fields at any depth and keeps everything else', () => {
    const dump = {
      '/consumers': [{ id: 'c1', username: 'alice', tags: ['team-a'] }],
      '/plugins': [
        {
          id: 'p1',
          name: 'session',
          enabled: true,
          config: { secret: 'session-secret', cookie_name: 'session', redis: { password: 'redis-pass', host: 'redis', port: 6379 } },
          route: { id: 'r1' },
        },
      ],
      credentials: {
        basic: [{ username: 'bob', password: 'hunter22' }],
        keyauth: [{ key: 'k-123456', ttl: 60 }],
        oauth2: [{ client_id: 'cid', client_secret: 'csecret', redirect_uris: ['https://x'] }],
        jwt: [{ algorithm: 'HS256', secret: 'jwt-secret', rsa_public_key: 'PEM' }],
      },
      certificates: [{ id: 'cert1', cert: 'PUBLIC PEM', key: 'PRIVATE PEM', snis: ['a.example'] }],
      admin_token: 'tok-abc',
      Token: 'tok-def',
    };
    expect(redactFields(dump)).to.deep.equal({
      '/consumers': [{ id: 'c1', username: 'alice', tags: ['team-a'] }],
      '/plugins': [
        {
          id: 'p1',
          name: 'session',
          enabled: true,
          config: { secret: '[redacted]', cookie_name: 'session', redis: { password: '[redacted]', host: 'redis', port: 6379 } },
          route: { id: 'r1' },
        },
      ],
      credentials: {
        basic: [{ username: 'bob', password: '[redacted]' }],
        keyauth: [{ key: '[redacted]', ttl: 60 }],
        oauth2: [{ client_id: 'cid', client_secret: '[redacted]', redirect_uris: ['https://x'] }],
        jwt: [{ algorithm: 'HS256', secret: '[redacted]', rsa_public_key: '[redacted]' }],
      },
      certificates: [{ id: 'cert1', cert: 'PUBLIC PEM', key: '[redacted]', snis: ['a.example'] }],
      admin_token: '[redacted]',
      Token: '[redacted]',
    });
  });

  it('keeps fields whose names merely contain "key" as a word part, like key_names or monkey', () => {
    const config = { key_names: ['apikey'], key_in_header: true, keepalive_pool: 3, monkey: 'banana', hide_groups_header: false };
    expect(redactFields(config)).to.deep.equal(config);
  });

  it('keeps a null secret field as null, so an unset value stays visible as unset', () => {
    expect(redactFields({ password: null, secret: null })).to.deep.equal({ password: null, secret: null });
  });

  it('redacts numbers and booleans under secret names too', () => {
    expect(redactFields({ pin_password: 1234, token: true })).to.deep.equal({ pin_password: '[redacted]', token: '[redacted]' });
  });

  it('leaves scalars and arrays of scalars that are not under a field untouched', () => {
    expect(redactFields('password')).to.equal('password');
    expect(redactFields([1, 'secret', null])).to.deep.equal([1, 'secret', null]);
  });

  it('redacts a list of values under a secret name, but looks into a list of entities', () => {
    expect(redactFields({ client_secret: ['s1', 's2'], credentials: [{ username: 'u', password: 'p' }] })).to.deep.equal({
      client_secret: '[redacted]',
      credentials: [{ username: 'u', password: '[redacted]' }],
    });
  });

  it('does not change its input', () => {
    const input = { a: { password: 'p4ssw0rd' } };
    redactFields(input);
    expect(input).to.deep.equal({ a: { password: 'p4ssw0rd' } });
  });
});

describe('runner/diagnostics redactFields for headers', () => {
  it('redacts credentials in header maps and in Name:value header lists, keeps other headers', () => {
    const plugin = {
      name: 'request-transformer',
      config: { add: { headers: ['Authorization:Bearer abc.def', 'x-trace:1', 'X-API-Key: k-777'] } },
      'http-log': { headers: { Authorization: 'Basic dXNlcjpwYXNz', 'X-Team': 'payments' } },
    };
    expect(redactFields(plugin)).to.deep.equal({
      name: 'request-transformer',
      config: { add: { headers: ['Authorization:[redacted]', 'x-trace:1', 'X-API-Key:[redacted]'] } },
      'http-log': { headers: { Authorization: '[redacted]', 'X-Team': 'payments' } },
    });
  });
});
