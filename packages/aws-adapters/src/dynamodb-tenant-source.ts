import {
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  paginateScan,
  type AttributeValue,
  type KeySchemaElement,
} from '@aws-sdk/client-dynamodb';
import {
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

function toAttributeValue(key: KeyAttribute): AttributeValue {
  if (key.type === 'S') return { S: key.value };
  if (key.type === 'N') return { N: key.value };
  return { B: Buffer.from(key.value, 'base64') };
}

function toTenantRecord(item: Record<string, AttributeValue>, keyNames: readonly string[]): TenantRecord {
  return {
    attributes: Object.fromEntries(Object.entries(item).map(([name, value]) => [name, toTenantAttribute(value)])),
    primaryKey: keyNames.map((name) => toKeyAttribute(name, item[name])).filter((k): k is KeyAttribute => k !== undefined),
  };
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

/**
 * Reads every item of the tenant table (all Scan pages), each with its primary key as the
 * table defines it (DescribeTable), so a bad item can be named the way the operator finds it.
 * A table that cannot be read throws the SDK's error; core names it and gives the fix.
 */
export class DynamoDbTenantSource implements TenantSource {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  /** Scans the whole table (all pages), with each item's primary key. */
  async scanTenants(): Promise<TenantScan> {
    const { names, warnings } = await this.keySchema();
    const records: TenantRecord[] = [];
    for await (const page of paginateScan({ client: this.client }, { TableName: this.tableName, ConsistentRead: true })) {
      for (const item of page.Items ?? []) records.push(toTenantRecord(item, names));
    }
    return { records, warnings };
  }

  /** One item by its primary key (GetItem, strongly consistent): none when it is gone. */
  async readTenant(primaryKey: readonly KeyAttribute[]): Promise<TenantScan> {
    const { Item } = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: Object.fromEntries(primaryKey.map((key) => [key.name, toAttributeValue(key)])),
        ConsistentRead: true,
      }),
    );
    return {
      records: Item
        ? [
            toTenantRecord(
              Item,
              primaryKey.map((key) => key.name),
            ),
          ]
        : [],
      warnings: [],
    };
  }

  /** The key attribute names; without dynamodb:DescribeTable, none (items are then named by tenant_id), said once. */
  private async keySchema(): Promise<{ names: string[]; warnings: string[] }> {
    try {
      const { Table } = await this.client.send(new DescribeTableCommand({ TableName: this.tableName }));
      return { names: keyNames(Table?.KeySchema ?? []), warnings: [] };
    } catch (error) {
      const code = errorCode(error);
      // Any other answer (no such table, no credentials) would fail the Scan too: let it say so.
      if (!isAccessDeniedCode(code)) throw error;
      return {
        names: [],
        warnings: [
          `Cannot read the key schema of tenant table ${this.tableName} (${code}), so invalid items are named by tenant_id or scan position instead of their primary key; allow the collector dynamodb:DescribeTable on the table to name them by key.`,
        ],
      };
    }
  }
}
