import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/Button';
import { Card } from '@/components/ui/Card';
import { EmptyState } from '@/components/ui/States';
import { plainMessage } from '@/lib/errors';
import { streamChat } from '../api/chat';

interface Message {
  id: number;
  role: 'user' | 'assistant';
  text: string;
  error?: boolean;
}

const SUGGESTIONS = [
  'How much did I spend last month?',
  'Why is my transfer in review?',
  'When is my next scheduled payment?',
];

export function AssistantChat() {
  const [messages, setMessages] = useState<Message[]>([]);
  const [draft, setDraft] = useState('');
  const [busy, setBusy] = useState(false);
  const ctrl = useRef<AbortController | null>(null);
  const logRef = useRef<HTMLDivElement>(null);
  const nextId = useRef(1);

  useEffect(() => () => ctrl.current?.abort(), []);
  useEffect(() => {
    logRef.current?.scrollTo({ top: logRef.current.scrollHeight });
  }, [messages]);

  const send = async (text: string) => {
    const message = text.trim();
    if (!message || busy) return;
    setDraft('');
    const userId = nextId.current++;
    const botId = nextId.current++;
    setMessages((m) => [
      ...m,
      { id: userId, role: 'user', text: message },
      { id: botId, role: 'assistant', text: '' },
    ]);
    setBusy(true);
    ctrl.current = new AbortController();
    try {
      await streamChat(
        message,
        (t) => setMessages((m) => m.map((x) => (x.id === botId ? { ...x, text: x.text + t } : x))),
        ctrl.current.signal,
      );
    } catch (err) {
      if ((err as Error).name !== 'AbortError') {
        setMessages((m) =>
          m.map((x) =>
            x.id === botId ? { ...x, text: `Sorry — ${plainMessage(err)}`, error: true } : x,
          ),
        );
      }
    } finally {
      setBusy(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void send(draft);
  };

  return (
    <Card title="Assistant">
      <div className="chat">
        <div
          className="chat-log"
          ref={logRef}
          role="log"
          aria-live="polite"
          aria-label="Conversation"
        >
          {messages.length === 0 ? (
            <EmptyState
              icon="✦"
              title="Ask about your money"
              description="The assistant can read your accounts and transfers. It never moves money."
              action={
                <div className="row" style={{ justifyContent: 'center' }}>
                  {SUGGESTIONS.map((s) => (
                    <Button key={s} size="sm" variant="secondary" onClick={() => void send(s)}>
                      {s}
                    </Button>
                  ))}
                </div>
              }
            />
          ) : (
            messages.map((m) => (
              <div
                key={m.id}
                className={`bubble bubble-${m.role}`}
                style={m.error ? { color: 'var(--c-danger)' } : undefined}
              >
                <span className="sr-only">{m.role === 'user' ? 'You said: ' : 'Assistant: '}</span>
                {m.text || (busy && m.role === 'assistant' ? '…' : '')}
              </div>
            ))
          )}
        </div>
        <form className="row" onSubmit={submit} aria-label="Message the assistant">
          <label htmlFor="chat-input" className="sr-only">
            Your message
          </label>
          <input
            id="chat-input"
            className="input"
            style={{ flex: 1 }}
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            placeholder="Ask a question…"
            maxLength={2000}
            autoComplete="off"
          />
          {busy ? (
            <Button variant="secondary" onClick={() => ctrl.current?.abort()}>
              Stop
            </Button>
          ) : (
            <Button type="submit" disabled={!draft.trim()}>
              Send
            </Button>
          )}
        </form>
      </div>
    </Card>
  );
}
