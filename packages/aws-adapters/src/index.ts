/**
 * The AWS SDK v3 implementations of `@orgmeta/core`'s ports: the DynamoDB tenant table, STS role assumption with
 * paced Organizations calls, S3 report sink and reader, S3 run locks, EventBridge change events.
 * {@link createAwsAdapters} builds them all from a configuration; {@link awsPipelineDependencies} wires them into
 * core's pipeline the way the orgmeta CLI and Lambda do.
 *
 * @packageDocumentation
 */
export { awsPipelineDependencies, createAwsAdapters, resolveAwsRegion } from './aws-adapters';
export type { AwsAdapterHooks, AwsAdapters, PipelineWiring } from './aws-adapters';
export { clientConfig } from './client-config';
export type { AwsClientSettings } from './client-config';
export { DynamoDbTenantSource } from './dynamodb-tenant-source';
export { SdkOrganizationReader } from './sdk-organization-reader';
export { S3ReportSink } from './s3-report-sink';
export type { S3ReportSinkSettings } from './s3-report-sink';
export { S3RunLockStore } from './s3-run-lock-store';
export type { S3RunLockStoreSettings } from './s3-run-lock-store';
export { StsCallerIdentity } from './sts-caller-identity';
export { StsOrganizationConnector } from './sts-organization-connector';
export type { StsOrganizationAccessSettings } from './sts-organization-connector';
export { EventBridgeChangeEventSink } from './eventbridge-change-event-sink';
export type { EventBridgeSinkSettings } from './eventbridge-change-event-sink';
export { S3CheckpointStore } from './s3-checkpoint-store';
export { S3ObjectReader } from './s3-object-reader';
export type { S3ObjectReaderSettings } from './s3-object-reader';
