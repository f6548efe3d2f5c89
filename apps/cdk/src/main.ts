import { App, BootstraplessSynthesizer, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { collectorContext } from './app-context';
import { CollectorStack } from './collector-stack';
import { TenantReaderRoleStack } from './reader-role-stack';

/** Both stacks, configured by CDK context (see app-context.ts for the keys and their defaults). */
export function buildApp(app: App = new App()): App {
  new CollectorStack(app, 'OrgmetaCollector', collectorContext(app));
  // A StackSet template: no bootstrap resources, no assets.
  new TenantReaderRoleStack(app, 'OrgmetaTenantReaderRole', { synthesizer: new BootstraplessSynthesizer() });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return app;
}

if (require.main === module) {
  buildApp().synth();
}
