import { join } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export const REPO_ROOT = join(__dirname, '..', '..', '..', '..');
export const HANDLERS_DIR = join(__dirname, '..', '..', 'src', 'handlers');

/**
 * How every handler is bundled: locally with esbuild (no Docker), minified, with the
 * AWS SDK inside the bundle (not taken from the runtime, so the version is the one we test).
 * `npm run bench` measures bundles built with exactly these options.
 */
export const BUNDLING: BundlingOptions = {
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  target: 'node24',
  format: OutputFormat.CJS,
  externalModules: [],
  forceDockerBundling: false,
};

export interface OrgmetaFunctionProps {
  /** File under src/handlers, e.g. `collect-all.ts`. */
  readonly entryFile: string;
  /** Exported function name. */
  readonly handler: string;
  readonly description: string;
  readonly timeout: Duration;
  readonly environment: Record<string, string>;
  readonly logRetention: logs.RetentionDays;
  readonly memorySize?: number;
  readonly reservedConcurrentExecutions?: number;
}

/**
 * A handler with our defaults baked in: current Node.js runtime on arm64, JSON logs into
 * its own retained log group with retention, its own role (no managed policies: it may write only
 * to its log group until a stack grants more), no automatic retry of async invocations.
 */
export class OrgmetaFunction extends NodejsFunction {
  readonly executionRole: iam.Role;
  readonly functionLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: OrgmetaFunctionProps) {
    // Retained: the logs of past runs outlive a stack deletion or replacement (retention still applies).
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, { retention: props.logRetention, removalPolicy: RemovalPolicy.RETAIN });
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `orgmeta ${props.handler}`,
    });
    super(scope, id, {
      entry: join(HANDLERS_DIR, props.entryFile),
      handler: props.handler,
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout,
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      retryAttempts: 0,
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      bundling: BUNDLING,
    });
    logGroup.grantWrite(role);
    this.executionRole = role;
    this.functionLogGroup = logGroup;
  }
}
