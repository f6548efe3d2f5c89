import type { CommandDefinition } from '../command';
import { changesCommand } from './changes';
import { checkCommand } from './check';
import { collectCommand } from './collect';
import { tenantsCommand } from './tenants';

/** Every `orgmeta` command, in the order help lists them. */
export const COMMANDS: readonly CommandDefinition[] = [collectCommand, tenantsCommand, checkCommand, changesCommand];
