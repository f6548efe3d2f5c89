import { MAX_DISPLAY_LENGTH, SecretMasker } from '@orgmeta/core';
import { LambdaJsonLogger } from '../src/handlers/logger';

function capture(level: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR', secrets = new SecretMasker()) {
  const lines: string[] = [];
  const logger = new LambdaJsonLogger({ level, secrets, write: (line) => lines.push(line) });
  return { logger, lines, records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('LambdaJsonLogger', () => {
  it('writes one JSON object per line with the level and the fields', () => {
    const { logger, lines, records } = capture('INFO');
    logger.info('Tenant collected', { tenantId: '106000000001', accounts: 3, ok: true, s3Key: undefined });
    expect(lines).toHaveLength(1);
    expect(lines[0].endsWith('\n')).toBe(true);
    expect(records()).toEqual([{ level: 'INFO', message: 'Tenant collected', tenantId: '106000000001', accounts: 3, ok: true }]);
  });

  it('masks every secret the masker knows, in the message and in text fields, including ones learnt later', () => {
    const secrets = new SecretMasker(['run-wide-external-id']);
    const { logger, lines } = capture('INFO', secrets);
    logger.error('AssumeRole failed: ExternalId run-wide-external-id rejected', { hint: 'check run-wide-external-id' });
    secrets.add('tenant-own-external-id');
    logger.warn('saw tenant-own-external-id', { detail: 'tenant-own-external-id' });
    const output = lines.join('');
    expect(output).not.toContain('run-wide-external-id');
    expect(output).not.toContain('tenant-own-external-id');
    expect(output.match(/\*\*\*/g)).toHaveLength(4);
  });

  it('neutralises control characters and cuts long values, so untrusted text cannot forge or flood lines', () => {
    const { logger, records } = capture('INFO');
    logger.warn('name\nINFO forged line\u001b[2J', { tenantName: `x${'y'.repeat(5000)}` });
    const [record] = records();
    expect(record.message).toBe('name\\nINFO forged line\\u001b[2J');
    expect(String(record.tenantName).length).toBeLessThan(MAX_DISPLAY_LENGTH + 40);
    expect(record.tenantName).toMatch(/… \(\d+ more characters\)$/);
  });

  it('keeps the level and message when a field has the same name', () => {
    const { logger, records } = capture('INFO');
    logger.error('real message', { level: 'DEBUG', message: 'forged' });
    expect(records()).toEqual([{ level: 'ERROR', message: 'real message' }]);
  });

  it.each([
    ['INFO', ['INFO', 'WARN', 'ERROR']],
    ['DEBUG', ['DEBUG', 'INFO', 'WARN', 'ERROR']],
    ['ERROR', ['ERROR']],
  ] as const)('at level %s writes %j', (level, expected) => {
    const { logger, records } = capture(level);
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(records().map((r) => r.level)).toEqual(expected);
  });
});
