// Probe (not part of `npm run bench`): how FerretDB 1.24 on SQLite serves the lookups Parley depends on, as a
// collection grows — `{_id}` alone (pushed down to SQL), `{_id, workspaceId}` (a full scan decoded in Go), and
// update by `_id` — then the same `_id` lookups again after adding the SQLite expression index FerretDB's own
// SQL would need (`_ferretdb_sjson->'$._id'`; FerretDB indexes `->"_id"`, which SQLite does not match).
//   node test/bench/probes/ferretdb-id-lookup.mjs [sizes=1000,10000,100000]
// Needs the sqlite3 command-line tool for the last step. Uses a throwaway database directory.
import { execFileSync } from 'node:child_process';
import { MongoClient } from 'mongodb';
import { startDb } from '../lib/services.mjs';
import { histogram, nowMs, recordMs, summary } from '../lib/util.mjs';

const sizes = (process.argv[2] ?? '1000,10000,100000').split(',').map(Number);
const db = await startDb();
if (!db.dataDir) throw new Error('this probe is about the embedded database (unset BENCH_MONGODB_URI)');
const client = await MongoClient.connect(`${db.uri}probe`, { maxPoolSize: 1 });
const coll = client.db().collection('conversations');
const terms = Array.from({ length: 40 }, (_, i) => `term${i}`);
const doc = (i) => ({ _id: `c${String(i).padStart(9, '0')}`, workspaceId: 'w1', status: i % 2 ? 'open' : 'resolved', lastActivityAt: new Date(Date.now() - i * 1000), lastMessage: { text: 'Hello, about my order and the delivery', at: new Date(), direction: 'in' }, terms, readBy: {}, labels: [] });
const time = async (n, fn) => { const h = histogram(); for (let i = 0; i < n; i++) { const t = nowMs(); await fn(i); recordMs(h, nowMs() - t); } return summary(h); };
const rows = [];
let have = 0;
for (const size of sizes) {
  while (have < size) { const b = []; for (let k = 0; k < 1000 && have < size; k++) b.push(doc(have++)); await coll.insertMany(b); }
  const id = (i) => `c${String((i * 7919) % size).padStart(9, '0')}`;
  const scanN = size >= 50_000 ? 3 : 10;
  rows.push({
    size,
    'find {_id}': (await time(30, (i) => coll.findOne({ _id: id(i) }))).p50,
    'find {_id,workspaceId}': (await time(scanN, (i) => coll.findOne({ _id: id(i), workspaceId: 'w1' }))).p50,
    'update {_id}': (await time(30, (i) => coll.updateOne({ _id: id(i) }, { $set: { unreadCount: i } }))).p50,
    'list status=open sort limit 26': (await time(scanN, () => coll.find({ workspaceId: 'w1', status: 'open' }).sort({ lastActivityAt: -1, _id: -1 }).limit(26).toArray())).p50,
  });
}
// What the embedded database would gain from an index its SQL can use.
const file = `${db.dataDir}/db/probe.sqlite`;
const table = execFileSync('sqlite3', [file, "SELECT table_name FROM _ferretdb_collections WHERE name = 'conversations';"]).toString().trim();
execFileSync('sqlite3', [file, `CREATE INDEX IF NOT EXISTS "probe_id_path" ON "${table}" (_ferretdb_sjson->'$._id');`]);
const size = have;
const id = (i) => `c${String((i * 7919) % size).padStart(9, '0')}`;
rows.push({
  size: `${size} + index on ->'$._id'`,
  'find {_id}': (await time(30, (i) => coll.findOne({ _id: id(i) }))).p50,
  'find {_id,workspaceId}': null,
  'update {_id}': (await time(30, (i) => coll.updateOne({ _id: id(i) }, { $set: { unreadCount: i } }))).p50,
  'list status=open sort limit 26': null,
});
console.log('p50 in ms, FerretDB 1.24 embedded (serializing proxy on):');
console.table(rows);
await client.close();
await db.stop();
