// The in-page half of npm run bench:ui: installed into the labeling panel's inner webview frame with
// frame.evaluate (so it must be self-contained: no imports, no closures over module scope).
// Clocks: everything is performance.now() of the webview frame (input and message events by their
// timeStamp), returned relative to the action's input event; ping also returns the host's Date.now().
export function installProbe() {
  if (window.__benchUi) return true;
  const app = document.querySelector('lbl-labeler-app');
  if (!app) return false;
  const msgs = [];
  const inputs = [];
  window.addEventListener('message', (e) => {
    const d = e.data;
    if (d && (d.type === 'response' || d.type === 'notification')) msgs.push({ ts: e.timeStamp, d });
  });
  for (const type of ['keydown', 'click']) window.addEventListener(type, (e) => inputs.push({ type, key: e.key, ts: e.timeStamp }), true);
  // Long animation frames (over 50 ms; Chromium's long-animation-frame entries): where a slow action's time went.
  const loafs = [];
  try {
    new PerformanceObserver((l) => loafs.push(...l.getEntries())).observe({ type: 'long-animation-frame', buffered: false });
  } catch {
    // not supported: loafOf() returns []
  }
  let lastSpan;
  const root = () => app.shadowRoot ?? app;
  const keyText = () => (root().querySelector('header .key[title="Item"]') ?? root().querySelector('header .key'))?.textContent ?? '';
  const progressText = () => root().querySelector('header .progress')?.textContent ?? '';
  let pings = 0;
  const outerWin = window.frameElement?.ownerDocument?.defaultView;
  const post = outerWin?.__vscode_post_message__?.bind(outerWin);
  window.__benchUi = {
    canPing: !!post,
    texts: () => ({ key: keyText(), progress: progressText() }),
    /**
     * The long animation frames that overlap the last measured action (from its input event until it ended),
     * relative to its input: { start, dur, render (renderStart), style (styleAndLayoutStart), scripts: [{ fn, inv, at, dur, layout }] }.
     * Their entries arrive after the frame: call it a little after the result.
     */
    loafOf() {
      if (!lastSpan) return [];
      const { t0, tEnd } = lastSpan;
      return loafs.filter((e) => e.startTime + e.duration >= t0 && e.startTime <= tEnd).map((e) => ({
        start: e.startTime - t0, dur: e.duration, render: e.renderStart ? e.renderStart - t0 : undefined, style: e.styleAndLayoutStart ? e.styleAndLayoutStart - t0 : undefined,
        scripts: (e.scripts ?? []).map((x) => ({ fn: x.sourceFunctionName || x.invoker, inv: x.invoker, at: x.startTime - t0, dur: x.duration, layout: x.forcedStyleAndLayoutDuration })),
      }));
    },
    /** A no-op request to the host and back (labeler/ping). */
    ping() {
      const id = 2_000_000_000 + ++pings;
      return new Promise((resolve) => {
        const t0 = performance.now();
        const timer = setTimeout(() => { window.removeEventListener('message', h); resolve({ ms: NaN, ok: false }); }, 10000);
        const h = (e) => {
          if (e.data?.type !== 'response' || e.data.id !== id) return;
          clearTimeout(timer);
          window.removeEventListener('message', h);
          resolve({ ms: performance.now() - t0, ok: e.data.ok, hostAt: e.data.result?.hostAt, t0, origin: performance.timeOrigin });
        };
        window.addEventListener('message', h);
        post('onmessage', { message: { type: 'request', id, method: 'labeler/ping', params: null }, transfer: undefined });
      });
    },
    /**
     * The same no-op round trip, sent from the handler of the next keydown (as the panel sends a submit
     * from Enter's): what the workbench's handling of that key event adds to a request sent with it.
     */
    keyPing() {
      return new Promise((resolve) => {
        const h = (e) => {
          window.removeEventListener('keydown', h);
          resolve(window.__benchUi.ping().then((r) => ({ ...r, keyTs: e.timeStamp })));
        };
        window.addEventListener('keydown', h);
      });
    },
    /**
     * Arms a measurement: resolves when the item key (and, with `progress`, the progress line) differ from
     * now, the editor finished updating, its image (with `image`) is on screen (an <img> decoded; a canvas
     * editor drew it loaded), and the next frame has run.
     */
    arm({ progress, image, timeoutMs = 15000 }) {
      const before = { key: keyText(), progress: progressText() };
      const i0 = inputs.length;
      const m0 = msgs.length;
      let done = false;
      window.__benchUi.result = new Promise((resolve) => {
        const finish = async () => {
          const tDom = performance.now();
          await app.updateComplete;
          const ed = root().querySelector('#editor');
          if (ed?.updateComplete) await ed.updateComplete;
          const tUpd = performance.now();
          let tImg;
          let tDecodeCall;
          let imgHow;
          let noImage = false;
          if (image) {
            // class editor: an <img>, on screen once decoded. Canvas editors (boxes, polygons): the image is on
            // the canvas once the editor drew it loaded (drawImage decodes it, in this frame's paint); calling
            // decode() on that element would wait for a compositor frame that adds nothing to what is shown,
            // so it is only timed (decodeCall), not waited for.
            const el = ed?.shadowRoot?.querySelector('img');
            if (el) {
              await el.decode().catch(() => {});
              tImg = performance.now();
              imgHow = 'decode';
            } else if (ed?.image) {
              if (!ed.imageLoaded) {
                await Promise.race([new Promise((r) => ed.addEventListener('lbl-image-load', r, { once: true })), new Promise((r) => setTimeout(r, timeoutMs))]);
                await ed.updateComplete;
              }
              tImg = performance.now();
              imgHow = 'drawn';
              ed.image.decode().then(() => (tDecodeCall = performance.now()), () => {});
            } else noImage = true;
          }
          requestAnimationFrame(() => {
            const tRaf = performance.now();
            const ch = new MessageChannel();
            ch.port1.onmessage = () => {
              const tEnd = performance.now();
              const input = inputs.slice(i0).find((x) => x.type === 'keydown' ? x.key === 'Enter' : true) ?? inputs[i0];
              const t0 = input?.ts ?? NaN;
              lastSpan = { t0, tEnd };
              const after = msgs.slice(m0).filter((x) => x.ts >= t0 - 1);
              const resp = after.find((x) => x.d.type === 'response' && x.d.id < 2_000_000_000);
              const notes = after.filter((x) => x.d.type === 'notification' && x.ts <= tEnd);
              const first = notes[0];
              resolve({
                ok: true, t0, input: input?.type, resp: resp ? resp.ts - t0 : undefined, note: first ? first.ts - t0 : undefined,
                notes: notes.length, noteMethod: first?.d.method, noteBytes: notes.reduce((s, x) => s + JSON.stringify(x.d).length, 0),
                noImage, respBytes: resp ? JSON.stringify(resp.d).length : undefined,
                dom: tDom - t0, upd: tUpd - t0, imgHow, decodeCall: tDecodeCall === undefined ? undefined : tDecodeCall - t0, keyAt: keyAt - t0, progressAt: progressAt === undefined ? undefined : progressAt - t0, img: tImg === undefined ? undefined : tImg - t0, raf: tRaf - t0, end: tEnd - t0,
                origin: performance.timeOrigin, key: keyText(), hostTimings: resp?.d.timings,
                // The panel's own marks (src/protocol/labeler.ts): { mark, method, t, host?, decoded? }, t in this clock.
                lbl: (window.__lblTimings ?? []).filter((e) => e.t >= t0 - 1 && e.t <= tEnd).map((e) => ({ ...e, t: e.t - t0 })),
              });
            };
            ch.port2.postMessage(0);
          });
        };
        let keyAt;
        let progressAt;
        const check = () => {
          if (done) return;
          const keyChanged = keyText() !== before.key;
          const progressChanged = progressText() !== before.progress;
          if (keyChanged) keyAt ??= performance.now();
          if (progressChanged) progressAt ??= performance.now();
          if (!keyChanged || (progress && !progressChanged)) return;
          done = true;
          mo.disconnect();
          void finish();
        };
        const mo = new MutationObserver(check);
        mo.observe(root(), { subtree: true, childList: true, characterData: true, attributes: true });
        setTimeout(() => {
          if (done) return;
          done = true;
          mo.disconnect();
          resolve({ ok: false, why: `no change within ${timeoutMs} ms (key "${before.key}" -> "${keyText()}", progress "${before.progress}" -> "${progressText()}")` });
        }, timeoutMs);
      });
      return before;
    },
  };
  return true;
}
