// Screenshot of a page that never goes idle (the Temporal UI long-polls running workflows), over
// the DevTools protocol of an already running headless Chromium (--remote-debugging-port=PORT).
// usage: node --experimental-websocket infra/ui-screenshot.js <port> <url> <out.png> <height>
const fs = require('node:fs');
const [port, url, out, height] = process.argv.slice(2);
(async () => {
  const t = await (
    await fetch(`http://127.0.0.1:${port}/json/new?${encodeURIComponent(url)}`, { method: 'PUT' })
  ).json();
  const ws = new WebSocket(t.webSocketDebuggerUrl);
  let id = 0;
  const pending = new Map();
  ws.onmessage = (m) => {
    const d = JSON.parse(m.data);
    if (pending.has(d.id)) {
      pending.get(d.id)(d.result);
      pending.delete(d.id);
    }
  };
  await new Promise((r) => (ws.onopen = r));
  const send = (method, params = {}) =>
    new Promise((r) => {
      const i = ++id;
      pending.set(i, r);
      ws.send(JSON.stringify({ id: i, method, params }));
    });
  await send('Emulation.setDeviceMetricsOverride', {
    width: 1440,
    height: Number(height),
    deviceScaleFactor: 1,
    mobile: false,
  });
  await send('Page.navigate', { url });
  await new Promise((r) => setTimeout(r, 9000));
  const { data } = await send('Page.captureScreenshot', { format: 'png' });
  fs.writeFileSync(out, Buffer.from(data, 'base64'));
  ws.close();
  process.exit(0);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
