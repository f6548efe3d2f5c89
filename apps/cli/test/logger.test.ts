import { SecretMasker } from '@orgmeta/core';
import { StderrLogger, type LogFormat } from '../src';

const FORGED = 'INFO  Tenant 999999999999: 7 account(s) collected';

function capture(format: LogFormat, secrets: readonly string[] = []) {
  const lines: string[] = [];
  const logger = new StderrLogger({ format, level: 'debug', secrets: new SecretMasker(secrets), write: (line) => lines.push(line) });
  return { logger, lines };
}

describe('StderrLogger', () => {
  it('keeps a message with a newline, an escape sequence or a line separator on one text line', () => {
    // Prepare
    const { logger, lines } = capture('text');
    // Act
    logger.warn(`Skipped tenant-table item tenant_id=x\n${FORGED}`);
    logger.info('name \u001b[2J\u001b[31mred', { tenantName: `a\u2028${FORGED}` });
    // Assess
    expect(lines).toEqual([
      `WARN  Skipped tenant-table item tenant_id=x\\n${FORGED}`,
      `INFO  name \\u001b[2J\\u001b[31mred (tenantName=a\\u2028${FORGED})`,
    ]);
  });

  it('writes JSON lines whose values carry no raw control character or line separator', () => {
    const { logger, lines } = capture('json');
    logger.error(`boom\r\n${FORGED}`, { roleArn: `arn:aws:iam::1:role/R\u2029${FORGED}`, accounts: 3, ok: false });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/[\u0000-\u001f\u2028\u2029]/);
    const entry = JSON.parse(lines[0]);
    expect(entry).toMatchObject({
      level: 'error',
      message: `boom\\r\\n${FORGED}`,
      roleArn: `arn:aws:iam::1:role/R\\u2029${FORGED}`,
      accounts: 3,
      ok: false,
    });
  });

  it('does not let a field replace the time, level or message of a JSON line', () => {
    const { logger, lines } = capture('json');
    logger.info('real', { level: 'error', message: 'forged', time: 'never' });
    const entry = JSON.parse(lines[0]);
    expect([entry.level, entry.message]).toEqual(['info', 'real']);
    expect(entry.time).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('cuts a huge message and huge field values, so a line stays a few KB', () => {
    const { logger, lines } = capture('text');
    logger.warn(`name ${'x'.repeat(300_000)}`, { tenantName: 'y'.repeat(300_000) });
    expect(lines).toHaveLength(1);
    expect(lines[0].length).toBeLessThan(4096);
    expect(lines[0]).toContain('more characters)');
  });

  it("masks the command's secrets in messages and fields, even where a long value is cut", () => {
    const secret = 'run-wide-external-id-5f2c9a';
    const { logger, lines } = capture('text', [secret]);
    // The secret straddles the point where the message is cut.
    logger.error(`${'m'.repeat(2040)}${secret} tail`, { externalId: secret });
    expect(lines[0]).not.toContain(secret);
    expect(lines[0]).not.toContain(secret.slice(0, 8));
    expect(lines[0]).toContain('externalId=***');
  });

  it('drops lines below its level', () => {
    const lines: string[] = [];
    const logger = new StderrLogger({ format: 'text', level: 'warn', secrets: new SecretMasker(), write: (line) => lines.push(line) });
    logger.info('hidden');
    logger.warn('shown');
    expect(lines).toEqual(['WARN  shown']);
  });
});
