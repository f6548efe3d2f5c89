import { DescribeTableCommand, DynamoDBClient, paginateScan, type AttributeValue, type KeySchemaElement } from '@aws-sdk/client-dynamodb';
import {
  TenantSourceError,
  errorCode,
  isAccessDeniedCode,
  type KeyAttribute,
  type TenantAttribute,
  type TenantRecord,
  type TenantScan,
  type TenantSource,
} from '@orgmeta/core';

function toTenantAttribute(value: AttributeValue): TenantAttribute {
  if (value.S !== undefined) return { type: 'S', value: value.S };
  if (value.N !== undefined) return { type: 'N', value: value.N };
  const dynamoType = Object.keys(value).find((k) => k !== '$unknown') ?? 'unknown';
  return { type: 'other', dynamoType };
}

function toKeyAttribute(name: string, value: AttributeValue | undefined): KeyAttribute | undefined {
  if (value?.S !== undefined) return { name, type: 'S', value: value.S };
  if (value?.N !== undefined) return { name, type: 'N', value: value.N };
  if (value?.B !== undefined) return { name, type: 'B', value: Buffer.from(value.B).toString('base64') };
  return undefined;
}

/** Partition (HASH) key first, then the sort (RANGE) key, as operators write them. */
function keyNames(schema: readonly KeySchemaElement[]): string[] {
  return [...schema]
    .sort((a, b) => (a.KeyType === b.KeyType ? 0 : a.KeyType === 'HASH' ? -1 : 1))
    .map((k) => k.AttributeName ?? '')
    .filter(Boolean);
}

function tableHint(code: string, tableName: string, region: string): string {
  switch (code) {
    case 'ResourceNotFoundException':
      return `Table ${tableName} was not found in ${region}; check --table / TENANTS_TABLE_NAME and AWS_REGION.`;
    case 'AccessDeniedException':
      return `Allow the collector dynamodb:Scan on table ${tableName}.`;
    default:
      return "Check the collector's AWS credentials and network access to DynamoDB, then re-run.";
  }
}

/**
 * Reads every item of the tenant table (all Scan pages), each with its primary key as the
 * table defines it (DescribeTable), so a bad item can be named the way the operator finds it.
 */
export class DynamoDbTenantSource implements TenantSource {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async scanTenants(): Promise<TenantScan> {
    const { names, warnings } = await this.keySchema();
    const records: TenantRecord[] = [];
    try {
      for await (const page of paginateScan({ client: this.client }, { TableName: this.tableName, ConsistentRead: true })) {
        for (const item of page.Items ?? []) {
          records.push({
            attributes: Object.fromEntries(Object.entries(item).map(([name, value]) => [name, toTenantAttribute(value)])),
            primaryKey: names.map((name) => toKeyAttribute(name, item[name])).filter((k): k is KeyAttribute => k !== undefined),
          });
        }
      }
    } catch (error) {
      throw await this.unreadable(error);
    }
    return { records, warnings };
  }

  /** The key attribute names; without dynamodb:DescribeTable, none (items are then named by tenant_id), said once. */
  private async keySchema(): Promise<{ names: string[]; warnings: string[] }> {
    try {
      const { Table } = await this.client.send(new DescribeTableCommand({ TableName: this.tableName }));
      return { names: keyNames(Table?.KeySchema ?? []), warnings: [] };
    } catch (error) {
      const code = errorCode(error);
      if (!isAccessDeniedCode(code)) throw await this.unreadable(error);
      return {
        names: [],
        warnings: [
          `Cannot read the key schema of tenant table ${this.tableName} (${code}), so invalid items are named by tenant_id or scan position instead of their primary key; allow the collector dynamodb:DescribeTable on the table to name them by key.`,
        ],
      };
    }
  }

  private async unreadable(error: unknown): Promise<TenantSourceError> {
    const code = errorCode(error);
    const region = await this.client.config.region();
    const detail = error instanceof Error ? error.message : String(error);
    return new TenantSourceError(
      `Could not read tenant table ${this.tableName}: ${code}: ${detail}\n  Fix: ${tableHint(code, this.tableName, region)}`,
      { cause: error },
    );
  }
}
