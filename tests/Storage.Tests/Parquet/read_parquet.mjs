// Reads a parquet file with hyparquet, a reader independent of Parquet.Net, and prints JSON:
// { columns: [names], codecs: [distinct codecs], numRows, rows: [objects] }.
// usage: node read_parquet.mjs <infra/azurite/node_modules> <file.parquet>
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [modules, file] = process.argv.slice(2);
const hyparquet = await import(pathToFileURL(join(modules, 'hyparquet', 'src', 'index.js')).href);
const bytes = readFileSync(file);
const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
const metadata = hyparquet.parquetMetadata(buffer);
const columns = metadata.schema.slice(1).map(s => s.name);
const codecs = [...new Set(metadata.row_groups.flatMap(g => g.columns.map(c => c.meta_data.codec)))];
const rows = await hyparquet.parquetReadObjects({ file: buffer });
const json = JSON.stringify({ columns, codecs, numRows: metadata.num_rows, rows }, (_, v) => (typeof v === 'bigint' ? Number(v) : v));
process.stdout.write(json);
