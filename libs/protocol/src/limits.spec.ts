import { decodeLightdRemoteEvent } from './lightd';
import { cutText, LIGHTD_OTHER_EVENT_MAX_LENGTH, LIGHTD_UPDATE_DATA_MAX_LENGTH, LIGHTD_UPDATE_ERROR_MAX_LENGTH, NODE_KEY_MAX_LENGTH, NODE_TEXT_MAX_LENGTH, truncateText } from './limits';
import { realisticNodeReport, realisticNodeStatic } from '../../../test/support/ithiltir-node-fixtures';
import { validateNodeReport, validateNodeStatic } from './ithiltir-node';
import { unstorableReason } from './unstorable-text';

describe('truncateText', () => {
  it('keeps text within the cap as it is', () => {
    expect(truncateText('short', 10)).toBe('short');
    expect(truncateText('x'.repeat(10), 10)).toBe('x'.repeat(10));
  });

  it('cuts longer text to the cap, ending with a marker that says how much was cut', () => {
    const cut = truncateText('x'.repeat(100_000), 8192);
    expect(cut.length).toBeLessThanOrEqual(8192);
    expect(cut.length).toBeGreaterThan(8180);
    expect(cut).toMatch(/… \[\d+ characters cut\]$/);
    const dropped = Number(/\[(\d+) characters cut\]/.exec(cut)![1]);
    // What is kept plus what is said to be cut is the whole text.
    expect(cut.indexOf('…') + dropped).toBe(100_000);
  });

  it('never splits a surrogate pair (half of one is text PostgreSQL cannot store)', () => {
    for (let shift = 0; shift < 4; shift++) {
      const text = 'a'.repeat(shift) + '😀'.repeat(5000);
      expect(unstorableReason(truncateText(text, 300))).toBeNull();
      expect(truncateText(text, 300).length).toBeLessThanOrEqual(300);
    }
  });
});

describe('Lightd update sizes', () => {
  it('cuts a long error and its data instead of refusing them (Lightd never retries)', () => {
    const decoded = decodeLightdRemoteEvent({ event: 'update', server: 'c-1', error: 'e'.repeat(1000), data: 'd'.repeat(100_000) });
    expect(decoded.ok).toBe(true);
    const body = (decoded as { value: { body: { error: string; data: string } } }).value.body;
    expect(body.error.length).toBeLessThanOrEqual(LIGHTD_UPDATE_ERROR_MAX_LENGTH);
    expect(body.data.length).toBeLessThanOrEqual(LIGHTD_UPDATE_DATA_MAX_LENGTH);
    expect(body.data).toMatch(/characters cut\]$/);
    expect(body.data.startsWith('d'.repeat(8000))).toBe(true);
  });
});

describe('Lightd events of unknown kinds', () => {
  it('keeps a small one as it came, and a large one as its kind, container and size', () => {
    const small = { event: 'future', server: 'c-1', detail: 'x'.repeat(100) };
    expect(decodeLightdRemoteEvent(small)).toEqual({ ok: true, value: { kind: 'other', body: small } });
    const large = { event: 'future', server: 'c-1', detail: 'x'.repeat(LIGHTD_OTHER_EVENT_MAX_LENGTH) };
    expect(decodeLightdRemoteEvent(large)).toEqual({
      ok: true,
      value: { kind: 'other', body: { event: 'future', server: 'c-1', pharos_cut: { json_length: JSON.stringify(large).length } } },
    });
  });
});

describe('Ithiltir report bounds', () => {
  it('refuses counts past a PostgreSQL integer, naming the field', () => {
    const report = realisticNodeReport();
    report.metrics.processes.process_count = 2 ** 31;
    const result = validateNodeReport(report);
    expect(result.ok ? 'ok' : result.error.path).toBe('metrics.processes.process_count');
    report.metrics.processes.process_count = 2 ** 31 - 1;
    expect(validateNodeReport(report).ok).toBe(true);
  });

  it('refuses a static fact or a mount path past its cap, naming it', () => {
    const facts = realisticNodeStatic();
    facts.system.kernel_version = 'k'.repeat(NODE_TEXT_MAX_LENGTH + 1);
    const result = validateNodeStatic(facts);
    expect(result.ok ? 'ok' : result.error.path).toBe('system.kernel_version');
    const report = realisticNodeReport();
    report.metrics.disk.logical[0]!.name = `/${'m'.repeat(NODE_KEY_MAX_LENGTH)}`;
    expect(validateNodeReport(report).ok).toBe(false);
  });
});

describe('cutText', () => {
  it('cuts to the cap, one unit short when the cap falls inside a surrogate pair', () => {
    expect(cutText('abcdef', 3)).toBe('abc');
    expect(cutText('ab😀', 3)).toBe('ab');
    expect(cutText('ab😀', 4)).toBe('ab😀');
    expect(unstorableReason(cutText('a😀😀', 4))).toBeNull();
  });
});
