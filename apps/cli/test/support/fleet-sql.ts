import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

const SQL_DOC = join(__dirname, '..', '..', '..', '..', 'docs', 'sql.md');

/**
 * The queries of docs/sql.md, run by DuckDB as Athena runs them: `orgmeta.accounts` and
 * `orgmeta.changes` are views over whatever the test says the tables hold (a hive-partitioned
 * folder, or the files the symlink manifests list), each with its `dt`. The only help DuckDB gets
 * is a macro giving `element_at(map, key)` Athena's meaning (the value, or NULL when absent).
 */
export class FleetSql {
  private constructor(
    private readonly connection: DuckDBConnection,
    private readonly queries: ReadonlyMap<string, string>,
  ) {}

  /** `views`: a SELECT per table giving the dataset's columns and `dt`. */
  static async open(views: { readonly accounts: string; readonly changes: string }): Promise<FleetSql> {
    // The queries exactly as docs/sql.md gives them (each fenced block starts with `-- <name>`).
    const queries = new Map<string, string>();
    for (const [, name, sql] of readFileSync(SQL_DOC, 'utf8').matchAll(/```sql\n-- ([\w-]+)\n([\s\S]*?)```/g)) queries.set(name, sql);
    const connection = await (await DuckDBInstance.create(':memory:')).connect();
    await connection.run('CREATE SCHEMA orgmeta');
    await connection.run(`CREATE VIEW orgmeta.accounts AS ${views.accounts}`);
    await connection.run(`CREATE VIEW orgmeta.changes AS ${views.changes}`);
    // Athena's element_at(map, key): the value, or NULL for an absent key (DuckDB's gives a list).
    await connection.run('CREATE MACRO element_at(m, k) AS m[k]');
    return new FleetSql(connection, queries);
  }

  async run(name: string): Promise<Record<string, unknown>[]> {
    const sql = this.queries.get(name);
    if (!sql) throw new Error(`docs/sql.md has no query named ${name}`);
    return (await this.connection.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  }

  close(): void {
    this.connection.closeSync();
  }
}
