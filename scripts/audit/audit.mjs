// Audit a GraphQL-over-HTTP server with the graphql-http suite.
// Usage: node audit.mjs URL   — prints one JSON line per audit, exits 1 on any MUST failure.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs http://127.0.0.1:8000/graphql');
  process.exit(2);
}
const results = await auditServer({ url });
let mustFailures = 0;
for (const result of results) {
  const level = result.name.split(' ')[0];
  if (result.status !== 'ok' && level === 'MUST') mustFailures += 1;
  console.log(JSON.stringify({ id: result.id, level, status: result.status, name: result.name,
    reason: result.reason || '' }));
}
process.exit(mustFailures ? 1 : 0);
