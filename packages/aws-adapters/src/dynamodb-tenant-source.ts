import { DynamoDBClient, paginateScan, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { TenantSourceError, errorCode, type TenantAttribute, type TenantRecord, type TenantSource } from '@orgmeta/core';

function toTenantAttribute(value: AttributeValue): TenantAttribute {
  if (value.S !== undefined) return { type: 'S', value: value.S };
  if (value.N !== undefined) return { type: 'N', value: value.N };
  const dynamoType = Object.keys(value).find((k) => k !== '$unknown') ?? 'unknown';
  return { type: 'other', dynamoType };
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

/** Reads every item of the tenant table (all Scan pages). */
export class DynamoDbTenantSource implements TenantSource {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async readTenantRecords(): Promise<TenantRecord[]> {
    const records: TenantRecord[] = [];
    try {
      for await (const page of paginateScan({ client: this.client }, { TableName: this.tableName, ConsistentRead: true })) {
        for (const item of page.Items ?? []) {
          records.push(Object.fromEntries(Object.entries(item).map(([name, value]) => [name, toTenantAttribute(value)])));
        }
      }
    } catch (error) {
      const code = errorCode(error);
      const region = await this.client.config.region();
      const detail = error instanceof Error ? error.message : String(error);
      throw new TenantSourceError(
        `Could not read tenant table ${this.tableName}: ${code}: ${detail}\n  Fix: ${tableHint(code, this.tableName, region)}`,
        { cause: error },
      );
    }
    return records;
  }
}
