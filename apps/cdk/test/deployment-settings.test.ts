import { COLLECT_SETTINGS } from '@orgmeta/core';
import { functionEnvironment, synthApp } from './synth-app';

// Besides core's settings, the handlers read only what the stack sets for their metrics.
const settingEnvVars = new Set([...COLLECT_SETTINGS.flatMap((s) => (s.envVar ? [s.envVar] : [])), 'COLLECTOR_NAME']);

describe('Collector environment', () => {
  it("names only core's settings, with the settings table's default prefix", () => {
    // Prepare / Act
    const { collector } = synthApp();
    const environment = functionEnvironment(collector);
    // Assess
    const settingsOnly = Object.keys(environment).filter((name) => name !== 'NODE_OPTIONS');
    expect(settingsOnly.filter((name) => !settingEnvVars.has(name))).toEqual([]);
    expect(environment.REPORT_PREFIX).toBe(COLLECT_SETTINGS.find((s) => s.key === 'prefix')?.defaultValue);
  });

  it('takes the environment context from cdk.json as an object too', () => {
    const { collector } = synthApp({ environment: { TAG_KEYS: 'Owner', ORG_RPS: '5' } });
    expect(functionEnvironment(collector)).toMatchObject({ TAG_KEYS: 'Owner', ORG_RPS: '5' });
  });

  it.each([
    ['TENANTS_TABLE_NAME', 'tenantsTableName'],
    ['CROSS_ACCOUNT_ROLE_NAME', 'readerRoleName'],
    ['REPORT_BUCKET_NAME', 'existingBucketName'],
    ['REPORT_PREFIX', 'reportPrefix'],
    ['REPORT_BUCKET_OWNER', 'existingBucketOwner'],
    ['REPORT_ANY_BUCKET_OWNER', 'existingBucketOwner'],
    ['REPORT_KMS_KEY_ID', 'reportKmsKeyArn'],
  ])('refuses %s in the environment context and names the context key "%s" instead', (envVar, contextKey) => {
    expect(() => synthApp({ environment: JSON.stringify({ [envVar]: 'x' }) })).toThrow(
      `${envVar} is set by the stack; use the context key "${contextKey}" instead.`,
    );
  });

  it('refuses COLLECTOR_NAME: the alarms watch the name the stack gives', () => {
    expect(() => synthApp({ environment: '{"COLLECTOR_NAME":"other"}' })).toThrow('COLLECTOR_NAME is set by the stack to its own name');
  });

  it('refuses an ExternalId in the environment and says where it belongs', () => {
    expect(() => synthApp({ environment: '{"CROSS_ACCOUNT_EXTERNAL_ID":"shared-secret"}' })).toThrow(
      /CROSS_ACCOUNT_EXTERNAL_ID is not accepted: .*external_id attribute/,
    );
  });

  it("accepts the Lambda's LOG_LEVEL and checks its value; ORGMETA_DEBUG is gone", () => {
    const { collector } = synthApp({ environment: '{"LOG_LEVEL":"debug"}' });
    expect(functionEnvironment(collector).LOG_LEVEL).toBe('debug');
    expect(() => synthApp({ environment: '{"LOG_LEVEL":"verbose"}' })).toThrow(
      'LOG_LEVEL: "verbose" is not one of DEBUG, INFO, WARN, ERROR.',
    );
    expect(() => synthApp({ environment: '{"ORGMETA_DEBUG":"true"}' })).toThrow(/ORGMETA_DEBUG is not an environment variable.*LOG_LEVEL/);
  });

  it('refuses a variable that is not a setting, listing the ones it accepts', () => {
    expect(() => synthApp({ environment: '{"TAGKEYS":"Owner"}' })).toThrow(
      /TAGKEYS is not an environment variable of the collector; use one of .*TAG_KEYS/,
    );
  });

  it("checks each value with the setting's own rule, and reports every bad key at once", () => {
    let message = '';
    try {
      synthApp({ environment: '{"ORG_RPS":"fast","INCLUDE_OU_PATH":"maybe","TAG_KEYS":7}' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('Invalid context "environment"');
    expect(message).toContain('ORG_RPS: "fast" is not a whole number from 1 to 1000.');
    expect(message).toContain('INCLUDE_OU_PATH: "maybe" is not a boolean');
    expect(message).toContain('TAG_KEYS must be a string');
  });

  it.each(['not json', '["TAG_KEYS"]', '"TAG_KEYS"', 'null'])('refuses an environment context that is not a JSON object: %s', (raw) => {
    expect(() => synthApp({ environment: raw })).toThrow(/Invalid context "environment".*JSON object/);
  });
});

describe('ExternalId required', () => {
  function environments(context: Record<string, unknown>): Record<string, unknown>[] {
    const { collector } = synthApp(context);
    return Object.values(collector.findResources('AWS::Lambda::Function')).map(
      (fn) => (fn as { Properties: { Environment: { Variables: Record<string, unknown> } } }).Properties.Environment.Variables,
    );
  }

  it.each(['single', 'fanout'])('is on by default for every handler (%s mode)', (mode) => {
    const all = environments({ mode });
    expect(all.length).toBe(mode === 'single' ? 1 : 3);
    for (const environment of all) expect(environment.REQUIRE_EXTERNAL_ID).toBe('true');
  });

  it('is turned off with -c requireExternalId=false (or false in cdk.json), read as core reads REQUIRE_EXTERNAL_ID', () => {
    expect(environments({ requireExternalId: 'false' })[0].REQUIRE_EXTERNAL_ID).toBe('false');
    expect(environments({ requireExternalId: false })[0].REQUIRE_EXTERNAL_ID).toBe('false');
    expect(environments({ requireExternalId: 'No' })[0].REQUIRE_EXTERNAL_ID).toBe('false');
  });

  it('refuses a value that is not true or false, and the variable in the environment context', () => {
    expect(() => synthApp({ requireExternalId: 'maybe' })).toThrow(
      'Invalid context "requireExternalId": "maybe" is not a boolean; use true/1/yes or false/0/no.',
    );
    expect(() => synthApp({ environment: '{"REQUIRE_EXTERNAL_ID":"false"}' })).toThrow(
      'REQUIRE_EXTERNAL_ID is set by the stack; use the context key "requireExternalId" instead.',
    );
  });
});

describe('Context checks', () => {
  it.each(['abc', '0', '10001', '2.5', '-3', '1e3'])('fails synth on maxConcurrency=%s, naming the key and the bound', (value) => {
    expect(() => synthApp({ mode: 'fanout', maxConcurrency: value })).toThrow(
      `Invalid maxConcurrency (context "maxConcurrency"): "${value}" is not a whole number from 1 to 10,000; it is the number of tenants collected at once`,
    );
  });

  it('accepts maxConcurrency=10000, the Distributed Map bound, as text or number', () => {
    expect(() => synthApp({ mode: 'fanout', maxConcurrency: '10000' })).not.toThrow();
    expect(() => synthApp({ mode: 'fanout', maxConcurrency: 10_000 })).not.toThrow();
  });

  it('refuses to synth the fan-out without the result writer flag, which aws-cdk-lib would otherwise drop silently', () => {
    expect(() => synthApp({ mode: 'fanout', '@aws-cdk/aws-stepfunctions:useDistributedMapResultWriterV2': false })).toThrow(
      'The fan-out needs the context flag "@aws-cdk/aws-stepfunctions:useDistributedMapResultWriterV2": true',
    );
  });

  it('refuses an unknown mode', () => {
    expect(() => synthApp({ mode: 'distributed' })).toThrow('Invalid context "mode": "distributed" is neither single nor fanout.');
  });

  it('checks existingBucketOwner as core checks REPORT_BUCKET_OWNER, and passes it on', () => {
    expect(() => synthApp({ existingBucketName: 'shared-reports', existingBucketOwner: '1234' })).toThrow(
      'Invalid context "existingBucketOwner": "1234" is not a 12-digit AWS account ID.',
    );
    const { collector } = synthApp({ existingBucketName: 'shared-reports', existingBucketOwner: '111122223333' });
    expect(functionEnvironment(collector).REPORT_BUCKET_OWNER).toBe('111122223333');
  });
});

describe('Refactoring safety', () => {
  // A new logical ID would replace the resource: the bucket (retained) would be orphaned, every
  // tenant's reader role trusts the collector role's ARN, and the state machine's fixed name
  // cannot be created twice.
  it.each([
    ['single', ['Reports65402A0A', 'CollectorRole8FF99B37', 'Collector9EBA7CF5', 'CollectorLogs893ABD2A']],
    [
      'fanout',
      ['Reports65402A0A', 'CollectTenantRole9564B8EA', 'Collector9EBA7CF5', 'CollectTenantLogs440450A2', 'StateMachineLogs3CB16D3C'],
    ],
  ])('keeps the logical IDs other resources and tenants depend on (%s mode)', (mode, ids) => {
    const { collector } = synthApp({ mode });
    expect(Object.keys(collector.toJSON().Resources)).toEqual(expect.arrayContaining(ids));
  });
});
