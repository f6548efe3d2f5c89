import { SecretMasker, safeText } from '../src';
import { MASK, displaySafe, maskingLogger } from '../src/redaction';
import { RecordingLogger } from './fakes';

describe('SecretMasker', () => {
  it('masks every secret it knows, also in the URL-encoded form an echoed request carries', () => {
    const secrets = new SecretMasker(['ext/id:with=chars']);
    expect(secrets.mask('sent ExternalId=ext%2Fid%3Awith%3Dchars, value ext/id:with=chars')).toBe(`sent ExternalId=${MASK}, value ${MASK}`);
  });

  it('ignores values too short to be a secret', () => {
    const secrets = new SecretMasker(['a', '', undefined]);
    expect(secrets.mask('a cat')).toBe('a cat');
  });
});

describe('safeText', () => {
  it('masks before it cuts, so no part of a long secret is left at the cut', () => {
    const secret = 'x'.repeat(600);
    const text = safeText(`Value '${secret}' at 'externalId' failed to satisfy constraint`, new SecretMasker([secret]), 100);
    expect(text).toBe(`Value '${MASK}' at 'externalId' failed to satisfy constraint`);
  });

  it('escapes control characters and cuts to the size given', () => {
    const text = safeText(`line\nERROR forged\u001b[2J${'y'.repeat(1000)}`, undefined, 50);
    expect(text).not.toMatch(/[\n\u001b]/);
    expect(text.startsWith('line\\nERROR forged\\u001b[2J')).toBe(true);
    expect(text.length).toBeLessThan(100);
  });
});

describe('maskingLogger', () => {
  it('masks messages and string fields, including secrets learnt after it was made', () => {
    const secrets = new SecretMasker();
    const recorded = new RecordingLogger();
    const logger = maskingLogger(recorded, secrets);
    secrets.add('tenant-secret-1');
    logger.error('AssumeRole failed: tenant-secret-1', { hint: 'tenant-secret-1' });
    expect(recorded.lines).toEqual([{ level: 'error', message: `AssumeRole failed: ${MASK}`, fields: { hint: MASK } }]);
  });
});

describe('secrets and unsafe text at the edges', () => {
  it('masks a two-character secret, and a secret that contains another as a whole, leaving no tail of it', () => {
    const masker = new SecretMasker(['ab']);
    expect(masker.mask('xabx')).toBe('x***x');

    const nested = new SecretMasker();
    nested.add('ext-1');
    nested.add('ext-1-tenant-long');
    expect(nested.mask('id=ext-1-tenant-long; id=ext-1')).toBe('id=***; id=***');
  });

  it('shows carriage returns and tabs escaped, so they cannot rewrite or misalign a line', () => {
    expect(displaySafe('a\rb\tc')).toBe('a\\rb\\tc');
  });

  it('keeps a value of exactly the maximum length whole, and cuts one character more', () => {
    expect(displaySafe('x'.repeat(8), 8)).toBe('xxxxxxxx');
    expect(displaySafe('x'.repeat(9), 8)).toBe('xxxxxxxx… (1 more characters)');
  });
});
