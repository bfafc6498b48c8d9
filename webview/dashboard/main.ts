import type { DashboardModel } from '../../src/protocol/dashboard';
import { embeddedInitial, HostIpc, vscodeTransport } from '../shared/host-ipc';
import './dashboard-app';

// The first model, embedded in the page by the host, so the first paint needs no round trip.
const app = document.querySelector('lbl-dashboard-app');
if (app) app.attach(new HostIpc(vscodeTransport()), embeddedInitial<DashboardModel>());
