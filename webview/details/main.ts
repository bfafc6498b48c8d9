import { HostIpc, vscodeTransport } from '../shared/host-ipc';
import './details-app';

const app = document.querySelector('lbl-details-app');
if (app) app.attach(new HostIpc(vscodeTransport()));
