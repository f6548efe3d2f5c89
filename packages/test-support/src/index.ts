export { emulatorEnvironment, freePort, startMotoServer } from './moto-server';
export type { MotoServer } from './moto-server';
export { runOrgmeta } from './run-cli';
export type { CliResult, RunCliOptions } from './run-cli';
export {
  actAs,
  callerAccount,
  changeOrganization,
  clientOptions,
  createBucket,
  putAlternateContact,
  registerDelegatedAdministrator,
  seedOrganization,
  seedTenantTable,
  tenantItem,
} from './seed';
export type { CreatedAccount, CreatedOrganization, SeedAccount, SeedOrganization, SeedTag, TenantItem } from './seed';
export { DEFAULT_REGIONS, SYNTHETIC_DELEGATED_SERVICES, SYNTHETIC_OUS, startFaultProxy } from './fault-proxy';
export type {
  FaultProxy,
  FaultProxyOptions,
  FaultProxyStats,
  FaultResponse,
  FaultRule,
  ProxiedCall,
  RateLimit,
  RegionAnswer,
  ShortLivedCredentials,
  SyntheticOrganization,
} from './fault-proxy';
export { S3Objects, motoEndpoint } from './s3-objects';
