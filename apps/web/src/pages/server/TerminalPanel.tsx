import '@xterm/xterm/css/xterm.css';
import type { ServerView, TerminalEndReason, TerminalSocketMessage } from '@pharos/protocol';
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import { useEffect, useRef, useState } from 'react';
import { api } from '../../api/client';
import { type Theme, useTheme } from '../../app/theme';
import { installConstructedStyles } from '../../components/constructed-styles';
import type { Dictionary } from '../../i18n/en';
import { useT } from '../../i18n/i18n';

type TerminalState =
  | { kind: 'connecting' }
  | { kind: 'open'; shell: string }
  | { kind: 'ended'; reason: TerminalEndReason | 'lost'; message?: string; exitCode?: number | null };

/** Bytes of input per message (the socket takes 64 KiB): a long paste goes in pieces. */
const INPUT_CHUNK_BYTES = 48 * 1024;

function toBase64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

function fromBase64(data: string): Uint8Array {
  const text = atob(data);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** The console colours of styles.css (`--console-bg`, `--console-text`): dark in both themes. */
function terminalTheme(theme: Theme) {
  return { background: theme === 'dark' ? '#0a0d11' : '#10151b', foreground: '#d6dde6', cursor: '#e2b340', cursorAccent: '#0a0d11', selectionBackground: '#3a4656' };
}

function endedText(t: Dictionary, state: Extract<TerminalState, { kind: 'ended' }>): string {
  switch (state.reason) {
    case 'exited':
      return t.terminalExited(state.exitCode ?? null);
    case 'closed':
      return t.terminalClosed;
    case 'idle':
      return t.terminalIdle;
    case 'agent_gone':
      return t.terminalAgentGone;
    case 'overrun':
      return t.terminalOverrun;
    case 'lost':
      return t.terminalLost;
    case 'refused':
      return t.terminalRefused(state.message ?? '');
  }
}

/**
 * A shell on the server's host, through its agent (`/api/v1/ws/terminal/{id}`): xterm.js draws
 * the output and, once it has, says how much (`ack`), which is what lets the agent send more.
 * One socket is one session: when it ends, a new one starts only when asked.
 */
export function TerminalPanel({ server }: { server: ServerView }) {
  const t = useT();
  const theme = useTheme();
  const host = useRef<HTMLDivElement>(null);
  const term = useRef<Terminal | null>(null);
  const [state, setState] = useState<TerminalState>({ kind: 'connecting' });
  const [attempt, setAttempt] = useState(0);
  const socketRef = useRef<WebSocket | null>(null);

  useEffect(() => {
    if (term.current) term.current.options.theme = terminalTheme(theme);
  }, [theme]);

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    installConstructedStyles();
    const terminal = new Terminal({ cursorBlink: true, fontSize: 13, scrollback: 5000, theme: terminalTheme(theme) });
    const fit = new FitAddon();
    terminal.loadAddon(fit);
    terminal.open(element);
    term.current = terminal;
    try {
      fit.fit();
    } catch {
      // Not laid out yet: the default size stands until the first resize.
    }
    setState({ kind: 'connecting' });

    let ws: WebSocket | null = null;
    let disposed = false;
    let consumed = 0;
    let acked = 0;
    let ackTimer: ReturnType<typeof setTimeout> | undefined;
    let lastToken = '';
    let window = 256 * 1024;
    const send = (message: object) => ws?.readyState === WebSocket.OPEN && ws.send(JSON.stringify(message));
    const ack = () => {
      ackTimer = undefined;
      if (consumed > acked) {
        acked = consumed;
        send({ type: 'ack', bytes: consumed });
      }
    };
    const sendInput = (bytes: Uint8Array) => {
      for (let i = 0; i < bytes.length; i += INPUT_CHUNK_BYTES) send({ type: 'input', data: toBase64(bytes.subarray(i, i + INPUT_CHUNK_BYTES)) });
    };
    const encoder = new TextEncoder();
    const subscriptions = [
      terminal.onData((data) => sendInput(encoder.encode(data))),
      terminal.onBinary((data) => sendInput(Uint8Array.from(data, (c) => c.charCodeAt(0) & 0xff))),
      terminal.onResize(({ cols, rows }) => send({ type: 'resize', cols, rows })),
    ];
    const resizer = new ResizeObserver(() => {
      try {
        fit.fit();
      } catch {
        // Hidden: nothing to fit.
      }
    });
    resizer.observe(element);

    // The access token lives minutes and the session longer: hand Pharos each fresh one.
    const renew = setInterval(() => {
      if (ws?.readyState !== WebSocket.OPEN) return;
      api.token().then((token) => {
        if (token !== lastToken) {
          lastToken = token;
          send({ type: 'token', token });
        }
      }, () => undefined);
    }, 5000);

    void api.token().then(
      (token) => {
        if (disposed) return;
        lastToken = token;
        const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/ws/terminal/${encodeURIComponent(server.id)}?cols=${terminal.cols}&rows=${terminal.rows}`;
        ws = new WebSocket(url);
        socketRef.current = ws;
        let ended = false;
        ws.onopen = () => ws?.send(JSON.stringify({ type: 'auth', token }));
        ws.onmessage = (event) => {
          let message: TerminalSocketMessage;
          try {
            message = JSON.parse(String(event.data)) as TerminalSocketMessage;
          } catch {
            return;
          }
          switch (message.type) {
            case 'opened':
              window = message.window;
              setState({ kind: 'open', shell: message.shell });
              terminal.focus();
              return;
            case 'output': {
              const bytes = fromBase64(message.data);
              terminal.write(bytes, () => {
                consumed += bytes.length;
                // Ack at once past a quarter window, else shortly: few messages, never a stall.
                if (consumed - acked >= window / 4) ack();
                else ackTimer ??= setTimeout(ack, 25);
              });
              return;
            }
            case 'exit':
              ended = true;
              setState({ kind: 'ended', reason: message.reason, message: message.message, exitCode: message.exit_code });
              return;
            case 'error':
              // Before the session opened, an error is the refusal (the socket closes next).
              setState((s) => (s.kind === 'connecting' ? { kind: 'ended', reason: 'refused', message: message.message } : s));
              return;
          }
        };
        ws.onclose = (event) => {
          if (disposed || ended) return;
          setState((s) => (s.kind === 'ended' ? s : { kind: 'ended', reason: event.code === 4003 ? 'refused' : 'lost', message: event.reason }));
        };
      },
      () => !disposed && setState({ kind: 'ended', reason: 'lost' }),
    );

    return () => {
      disposed = true;
      clearInterval(renew);
      clearTimeout(ackTimer);
      resizer.disconnect();
      for (const s of subscriptions) s.dispose();
      ws?.close(1000);
      socketRef.current = null;
      terminal.dispose();
      term.current = null;
    };
    // The theme is applied by its own effect, without a new session.
  }, [server.id, attempt]);

  const end = () => socketRef.current?.readyState === WebSocket.OPEN && socketRef.current.send(JSON.stringify({ type: 'close' }));

  return (
    <section className="card card-pad stack" aria-label={t.terminalOf(server.name)}>
      <div className="row terminal-bar">
        <span role="status" className="muted small">
          {state.kind === 'connecting' && t.terminalConnecting}
          {state.kind === 'open' && t.terminalOpen(state.shell)}
          {state.kind === 'ended' && endedText(t, state)}
        </span>
        <span className="spacer" />
        {state.kind === 'open' && (
          <button type="button" onClick={end}>
            {t.terminalEnd}
          </button>
        )}
        {state.kind === 'ended' && (
          <button type="button" className="primary" onClick={() => setAttempt((n) => n + 1)}>
            {t.terminalNewSession}
          </button>
        )}
      </div>
      <div ref={host} className="terminal-host" data-state={state.kind} />
      <p className="hint">{t.terminalHint}</p>
    </section>
  );
}
