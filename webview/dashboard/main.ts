import type { DashboardModel } from '../../src/protocol/dashboard';
import { HostIpc, vscodeTransport } from '../shared/host-ipc';
import './dashboard-app';

/** The first model, embedded in the page by the host (webviewHtml's `initial`), so the first paint needs no round trip. */
function initialModel(): DashboardModel | undefined {
  const el = document.getElementById('lbl-initial');
  if (!el?.textContent) return undefined;
  try {
    return JSON.parse(el.textContent) as DashboardModel;
  } catch {
    return undefined; // the host's notification after ready brings it
  }
}

const app = document.querySelector('lbl-dashboard-app');
if (app) app.attach(new HostIpc(vscodeTransport()), initialModel());
