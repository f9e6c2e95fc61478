import { expect } from 'chai';
import { logMessage, normaliseText } from '../../../harness/judge/log-message.ts';

describe('diagnose: one normal form before every match', () => {
  it('unescapes the quotes a zap console line carries in its JSON fields', () => {
    // the console encoder writes the fields as JSON after the message (zapcore console encoder)
    const line = '2025-06-01T10:00:00.000Z\terror\tcontrollers.Ingress.netv1\tReconciler error\t{"reconcileID": "a1", "error": "Service \\"my-rel-kong-proxy\\" not found"}';
    expect(logMessage(line)).to.match(/Reconciler error.*Service "my-rel-kong-proxy" not found/);
  });

  it('turns escaped line breaks and tabs of a klog or logrus line into one space each run', () => {
    const line = 'time="2022-01-01T00:00:00Z" level=error msg="could not update kong admin" error="1 errors occurred:\\n\\twhile processing event: Create plugin foo failed: HTTP status 409"';
    expect(logMessage(line)).to.contain('1 errors occurred: while processing event: Create plugin');
  });

  it('unescapes quotes nested once per layer of quoting', () => {
    expect(normaliseText('message: \\\\\\"UNIQUE violation detected on \'{x}\'\\\\\\"')).to.equal('message: "UNIQUE violation detected on \'{x}\'"');
  });

  it('makes typographic quotes plain, so a pasted Admin API body reads as JSON', () => {
    const pasted = '{“message”:“UNIQUE violation detected on ‘{consumer=null,name=\\"rate-limiting\\"}’”,“name”:“unique constraint violation”,“code”:5}';
    const message = logMessage(pasted);
    expect(message).to.contain('UNIQUE violation detected on \'{consumer=null,name="rate-limiting"}\'');
    expect(message).to.contain('code=5');
  });

  it('joins a parsed JSON message that holds real line breaks onto one line', () => {
    const line = JSON.stringify({ level: 'error', msg: 'Could not update kong admin', error: '1 errors occurred:\n\twhile processing event: Update plugin x failed' });
    expect(logMessage(line)).to.contain('1 errors occurred: while processing event: Update plugin');
  });

  it('keeps a nested object of a JSON line as its own JSON (raw_error: Kong\'s entity error as KIC logs it)', () => {
    const line = '{"level":"error","msg":"API error returned from the gateway","type":"sni","raw_error":{"entity_type":"sni","errors":[{"field":"certificate","message":"required field missing"}]},"v":0}';
    expect(logMessage(line)).to.equal('API error returned from the gateway level=error type=sni raw_error={"entity_type":"sni","errors":[{"field":"certificate","message":"required field missing"}]} v=0');
  });

  it('leaves a plain line as it was', () => {
    const line = '2025/05/19 08:01:02 [error] 1281#0: *7 [kong] handler.lua:500 could not rebuild router: x (stale router will be used)';
    expect(logMessage(line)).to.equal(line);
  });
});
