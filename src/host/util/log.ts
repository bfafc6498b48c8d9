import * as vscode from 'vscode';
import type { Logger } from '../../core/logger';
import { OUTPUT_CHANNEL } from '../constants';

/** The one "Data Labeling" log channel, adapted to core's Logger. */
export function createLogger(): { channel: vscode.LogOutputChannel; logger: Logger } {
  const channel = vscode.window.createOutputChannel(OUTPUT_CHANNEL, { log: true });
  const logger: Logger = {
    trace: (m, ...a) => channel.trace(m, ...a),
    debug: (m, ...a) => channel.debug(m, ...a),
    info: (m, ...a) => channel.info(m, ...a),
    warn: (m, ...a) => channel.warn(m, ...a),
    error: (m, ...a) => channel.error(m, ...a),
  };
  return { channel, logger };
}
