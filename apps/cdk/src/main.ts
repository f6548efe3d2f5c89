import { App, BootstraplessSynthesizer, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CollectorStack, type CollectorMode } from './collector-stack';
import { TenantReaderRoleStack } from './reader-role-stack';

/** Context (cdk.json, or -c key=value) with the defaults of a first deployment. */
function context(app: App, key: string, fallback?: string): string | undefined {
  const value = app.node.tryGetContext(key) as string | undefined;
  return value === undefined || value === '' ? fallback : value;
}

export function buildApp(app: App = new App()): App {
  const mode = (context(app, 'mode', 'single') as CollectorMode) ?? 'single';
  if (mode !== 'single' && mode !== 'fanout') throw new Error(`context "mode" must be single or fanout, not ${mode}`);
  new CollectorStack(app, 'OrgmetaCollector', {
    mode,
    tenantsTableName: context(app, 'tenantsTableName', 'orgmeta-tenants') as string,
    readerRoleName: context(app, 'readerRoleName', 'OrgMetaReader') as string,
    // Per-tenant role_name values the collector may assume besides readerRoleName, comma-separated.
    extraReaderRoleNames: context(app, 'extraReaderRoleNames')
      ?.split(',')
      .map((n) => n.trim())
      .filter(Boolean),
    // The CLI's environment variables for the handlers, as JSON: {"TAG_KEYS":"CostCenter,Owner"}.
    collectorEnvironment: JSON.parse(context(app, 'environment', '{}') as string) as Record<string, string>,
    existingBucketName: context(app, 'existingBucketName'),
    reportPrefix: context(app, 'reportPrefix'),
    reportKmsKeyArn: context(app, 'reportKmsKeyArn'),
    alarmTopicArn: context(app, 'alarmTopicArn'),
    maxConcurrency: Number(context(app, 'maxConcurrency', '10')),
  });
  // A StackSet template: no bootstrap resources, no assets.
  new TenantReaderRoleStack(app, 'OrgmetaTenantReaderRole', { synthesizer: new BootstraplessSynthesizer() });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return app;
}

if (require.main === module) {
  buildApp().synth();
}
