import { describe, expect, it } from 'vitest';
import { createSseParser, type SseEvent } from './sse';

describe('SSE parser', () => {
  it('handles events split across chunks, named events, comments and multi-line data', () => {
    const events: SseEvent[] = [];
    const p = createSseParser((e) => events.push(e));
    p.push(': keep-alive\n\nevent: status\ndata: {"status":"FUN');
    p.push('DS_HELD"}\nid: 1\n\r\ndata: line1\ndata: line2\n');
    p.push('\n');
    p.push('data: tail');
    p.end();
    expect(events).toEqual([
      { event: 'status', data: '{"status":"FUNDS_HELD"}', id: '1' },
      { event: 'message', data: 'line1\nline2', id: '1' },
      { event: 'message', data: 'tail', id: '1' },
    ]);
  });
});
