import { DescribeTableCommand, DynamoDBClient, GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDbTenantSource } from '../src';

class AwsError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

const TENANT_ITEM = { tenant_id: { S: '111111111111' }, status: { S: 'active' }, service: { S: 'AWS Cloud Usage' } };

describe('DynamoDbTenantSource', () => {
  const dynamo = mockClient(DynamoDBClient);
  beforeEach(() => dynamo.reset());
  const source = () => new DynamoDbTenantSource(new DynamoDBClient({ region: 'us-east-1' }), 'tenants');

  it('gives each item its primary key, partition key first, from the key schema of the table', async () => {
    // Prepare
    dynamo.on(DescribeTableCommand).resolves({
      Table: {
        KeySchema: [
          { AttributeName: 'sk', KeyType: 'RANGE' },
          { AttributeName: 'pk', KeyType: 'HASH' },
        ],
      },
    });
    dynamo
      .on(ScanCommand)
      .resolvesOnce({ Items: [{ ...TENANT_ITEM, pk: { S: 'tenant#42' }, sk: { N: '7' } }], LastEvaluatedKey: { pk: { S: 'tenant#42' } } })
      .resolvesOnce({ Items: [{ pk: { B: Uint8Array.from([1, 2, 3]) }, sk: { N: '8' } }] });
    // Act
    const scan = await source().scanTenants();
    // Assess
    expect(scan.warnings).toEqual([]);
    expect(scan.records.map((r) => r.primaryKey)).toEqual([
      [
        { name: 'pk', type: 'S', value: 'tenant#42' },
        { name: 'sk', type: 'N', value: '7' },
      ],
      [
        { name: 'pk', type: 'B', value: 'AQID' },
        { name: 'sk', type: 'N', value: '8' },
      ],
    ]);
    expect(scan.records[0].attributes.tenant_id).toEqual({ type: 'S', value: '111111111111' });
  });

  it('reads one tenant by its primary key with a consistent GetItem, never a Scan of the table', async () => {
    // Prepare
    dynamo.on(GetItemCommand).resolves({ Item: { ...TENANT_ITEM, pk: { S: 'tenant#42' }, sk: { B: Uint8Array.from([1, 2, 3]) } } });
    const key = [
      { name: 'pk', type: 'S', value: 'tenant#42' },
      { name: 'sk', type: 'B', value: 'AQID' },
    ] as const;
    // Act
    const read = await source().readTenant(key);
    // Assess
    const [call] = dynamo.commandCalls(GetItemCommand);
    expect(call.args[0].input).toEqual({
      TableName: 'tenants',
      Key: { pk: { S: 'tenant#42' }, sk: { B: Uint8Array.from([1, 2, 3]) } },
      ConsistentRead: true,
    });
    expect(dynamo.commandCalls(ScanCommand)).toHaveLength(0);
    expect(read.records).toHaveLength(1);
    expect(read.records[0].primaryKey).toEqual(key);
    expect(read.records[0].attributes.tenant_id).toEqual({ type: 'S', value: '111111111111' });
  });

  it('reads no tenant when the item is gone', async () => {
    dynamo.on(GetItemCommand).resolves({});
    const read = await source().readTenant([{ name: 'pk', type: 'N', value: '42' }]);
    expect(read).toEqual({ records: [], warnings: [] });
  });

  it('falls back to no primary key, and says why once, without dynamodb:DescribeTable', async () => {
    // Prepare
    dynamo.on(DescribeTableCommand).rejects(new AwsError('AccessDeniedException', 'not authorized to perform: dynamodb:DescribeTable'));
    dynamo.on(ScanCommand).resolves({
      Items: [
        { ...TENANT_ITEM, pk: { S: 'tenant#1' } },
        { ...TENANT_ITEM, pk: { S: 'tenant#2' } },
      ],
    });
    // Act
    const scan = await source().scanTenants();
    // Assess
    expect(scan.records).toHaveLength(2);
    expect(scan.records.map((r) => r.primaryKey)).toEqual([[], []]);
    expect(scan.warnings).toHaveLength(1);
    expect(scan.warnings[0]).toContain('Cannot read the key schema of tenant table tenants (AccessDeniedException)');
    expect(scan.warnings[0]).toContain('dynamodb:DescribeTable');
  });

  it('fails the read, without scanning, when DescribeTable says the table does not exist', async () => {
    dynamo.on(DescribeTableCommand).rejects(new AwsError('ResourceNotFoundException', 'Requested resource not found'));
    await expect(source().scanTenants()).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    expect(dynamo.commandCalls(ScanCommand)).toHaveLength(0);
  });
});
