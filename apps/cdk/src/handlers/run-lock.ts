import type { PipelineDependencies } from '@orgmeta/core';

/** What the run lock needs of Lambda's context object: who this invocation is. */
export interface LambdaInvocation {
  readonly awsRequestId?: string;
  readonly functionName?: string;
}

/** The lock's `holder`: `lambda <function> request <id>` (no secrets). */
export function lambdaHolder(context: LambdaInvocation | undefined): string {
  return `lambda ${context?.functionName ?? process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'orgmeta'} request ${context?.awsRequestId ?? 'unknown'}`;
}

/** The container's dependencies, with this invocation named as the run lock's holder. */
export function forInvocation(deps: PipelineDependencies, context: LambdaInvocation | undefined): PipelineDependencies {
  return deps.runLock ? { ...deps, runLock: { ...deps.runLock, holder: lambdaHolder(context) } } : deps;
}
