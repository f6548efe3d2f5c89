import type { DatasetColumn } from '@orgmeta/core';
import type { SchemaElement } from 'hyparquet';

/** Parquet schema elements for the dataset columns; every column is OPTIONAL, since an empty value is NULL. */

function stringElement(name: string, repetition: 'OPTIONAL' | 'REQUIRED' = 'OPTIONAL'): SchemaElement {
  return { name, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' }, repetition_type: repetition };
}

/** The elements of one column: a leaf, or (for a map) its group, the repeated key_value group and both leaves. */
function columnElements(column: DatasetColumn): SchemaElement[] {
  switch (column.type) {
    case 'string':
      return [stringElement(column.name)];
    case 'timestamp':
      // TIMESTAMP(MILLIS, UTC); the converted type too, for readers that predate logical types.
      return [
        {
          name: column.name,
          type: 'INT64',
          converted_type: 'TIMESTAMP_MILLIS',
          logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' },
          repetition_type: 'OPTIONAL',
        },
      ];
    case 'map<string,string>':
      // The standard three-level MAP layout (parquet-format LogicalTypes.md).
      return [
        { name: column.name, converted_type: 'MAP', logical_type: { type: 'MAP' }, repetition_type: 'OPTIONAL', num_children: 1 },
        { name: 'key_value', repetition_type: 'REPEATED', num_children: 2 },
        stringElement('key', 'REQUIRED'),
        stringElement('value'),
      ];
  }
}

/** The flat, depth-first schema list Parquet stores: the root, then every column's elements. */
export function parquetSchema(columns: readonly DatasetColumn[]): SchemaElement[] {
  return [{ name: 'schema', num_children: columns.length }, ...columns.flatMap(columnElements)];
}
