import type { AgentCommandResponse } from '@pharos/protocol';
import { AnswerOutbox, type CommandAnswer, CommandLedger } from './command-ledger';

const answer = (id: string): AgentCommandResponse => ({ type: 'command_response', command_id: id, output: id, exit_code: 0, duration_ms: 1 });

describe('command ledger', () => {
  it('runs an id once; a repeat while it runs is dropped, after it is answered again', () => {
    const ledger = new CommandLedger();
    expect(ledger.begin('a')).toEqual({ kind: 'run' });
    expect(ledger.begin('a')).toEqual({ kind: 'running' });
    ledger.finish(answer('a'));
    expect(ledger.begin('a')).toEqual({ kind: 'answered', answer: answer('a') });
  });

  it('forgets answers after a while, and the oldest past its size', () => {
    let now = 0;
    const ledger = new CommandLedger(1000, 2, () => now);
    for (const id of ['a', 'b', 'c']) {
      ledger.begin(id);
      ledger.finish(answer(id));
      now += 100;
    }
    expect(ledger.begin('a')).toEqual({ kind: 'run' }); // pushed out by size
    expect(ledger.begin('c').kind).toBe('answered');
    now += 1000;
    expect(ledger.begin('c')).toEqual({ kind: 'run' }); // expired
  });
});

describe('answer outbox', () => {
  it('keeps answers while disconnected and sends them in order after authentication', () => {
    const outbox = new AnswerOutbox();
    const sent: CommandAnswer[] = [];
    let connected = false;
    const send = (a: CommandAnswer) => connected && sent.push(a) > 0;
    outbox.post(answer('a'), send);
    outbox.post(answer('b'), send);
    expect(outbox.pending).toBe(2);
    connected = true;
    outbox.post(answer('c'), send); // behind the waiting ones, not before them
    outbox.flush(send);
    expect(sent.map((a) => a.command_id)).toEqual(['a', 'b', 'c']);
    expect(outbox.pending).toBe(0);
  });

  it('sends again what was written just before the connection dropped', () => {
    let now = 0;
    const outbox = new AnswerOutbox(5000, () => now);
    const sent: string[] = [];
    const send = (a: CommandAnswer) => sent.push(a.command_id) > 0;
    outbox.post(answer('old'), send);
    now = 10_000;
    outbox.post(answer('recent'), send);
    now = 11_000;
    outbox.connectionLost();
    expect(outbox.pending).toBe(1);
    outbox.flush(send);
    expect(sent).toEqual(['old', 'recent', 'recent']);
    outbox.connectionLost();
    expect(outbox.pending).toBe(1); // still recent: a second drop right after sends it once more
  });
});
