import { schemas } from '@asyncapi/specs';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ASYNCAPI_DIR, asyncApiDocuments } from '../scripts/asyncapi';

/**
 * The AsyncAPI documents in docs/asyncapi/ are what `npm run asyncapi` makes from libs/protocol
 * today (a changed message schema without the documents rewritten fails here), and each is valid
 * AsyncAPI 3.0.0 by that version's JSON Schema (@asyncapi/specs).
 */
describe('the AsyncAPI documents', () => {
  const generated = asyncApiDocuments();

  it('are the ones the script writes, and no others', () => {
    expect(readdirSync(ASYNCAPI_DIR).sort()).toEqual(Object.keys(generated).sort());
    for (const [name, text] of Object.entries(generated)) {
      expect({ name, text: readFileSync(path.join(ASYNCAPI_DIR, name), 'utf8') }).toEqual({ name, text });
    }
  });

  it('are valid AsyncAPI 3.0.0', () => {
    // The 3.0.0 schema carries its own copy of the draft-07 meta-schema: Ajv's is left out.
    const ajv = new Ajv({ strict: false, allErrors: true, meta: false, validateSchema: false });
    addFormats(ajv);
    const validate = ajv.compile(schemas['3.0.0']);
    for (const [name, text] of Object.entries(generated)) {
      const doc = JSON.parse(text);
      expect(doc.asyncapi).toBe('3.0.0');
      validate(doc);
      expect({ name, errors: validate.errors ?? null }).toEqual({ name, errors: null });
      // The schema bites: AsyncAPI 2's "publish" is no action in 3.0.
      const firstOperation = Object.keys(doc.operations)[0]!;
      expect(validate({ ...doc, operations: { [firstOperation]: { ...doc.operations[firstOperation], action: 'publish' } } })).toBe(false);
    }
  });

  it('carry the protocol schemas as message payloads', () => {
    const agent = JSON.parse(generated['agent-websocket.json']!);
    expect(agent.channels.agent.address).toBe('/api/v1/agents/ws');
    expect(agent.channels.agent.messages.auth.payload.required).toEqual(['type', 'api_key']);
    const browser = JSON.parse(generated['browser-websockets.json']!);
    expect(Object.values(browser.channels).map((c: any) => c.address)).toEqual([
      '/api/v1/ws/metrics/{serverId}',
      '/api/v1/ws/logs/{serverId}',
      '/api/v1/ws/terminal/{serverId}',
      '/api/v1/ws/containers/{containerId}/console',
    ]);
    const node = JSON.parse(generated['ithiltir-node.json']!);
    expect(node.channels.metrics.messages.report.payload.required).toEqual(['version', 'hostname', 'timestamp', 'metrics']);
  });
});
