import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/** Options a panel needs for a strict-CSP page that loads one built webview app. */
export function webviewOptions(extensionUri: vscode.Uri, dataRoots: vscode.Uri[] = []): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    retainContextWhenHidden: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), ...dataRoots],
  };
}

/**
 * The HTML of a webview app: `default-src 'none'`, scripts only with a per-load nonce, images only from
 * localResourceRoots. Styles: the extension's files (codicons) and the page's one nonce'd <style>, no
 * inline-style allowance and no eval. Lit components style themselves with constructable stylesheets (adoptedStyleSheets,
 * which CSP does not govern) and set per-element values through the CSSOM (webview/shared/css-vars.ts),
 * never through a `style=` attribute.
 *
 * `initial`: a first snapshot embedded as a JSON data block (`<script type="application/json"
 * id="lbl-initial">`, which is never executed, so CSP does not govern it; `<` escaped so the data cannot
 * close the element), for an app whose first paint must not wait for a round trip (the dashboard, the
 * labeler). `preloadImages`: webview URIs of images the first paint shows, fetched while the script loads.
 */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, app: string, tag: string, title: string, initial?: unknown, preloadImages: string[] = []): string {
  const nonce = randomBytes(16).toString('base64');
  const asset = (f: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', f));
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    // The labeler fetches a held image's file again as a Blob, for a bitmap decoded off the page's thread (prefetch.ts).
    `connect-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('codicon.css')}" id="vscode-codicon-stylesheet">
${preloadImages.map((u) => `<link rel="preload" as="image" href="${escapeHtml(u)}">\n`).join('')}<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">html, body { height: 100%; margin: 0; padding: 0; } body { background: var(--vscode-editor-background); color: var(--vscode-foreground); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); }</style>
</head>
<body>
<${tag}></${tag}>
${initial === undefined ? '' : `<script type="application/json" id="lbl-initial">${embedJson(initial)}</script>\n`}<script type="module" nonce="${nonce}" src="${asset(`${app}.js`)}"></script>
</body>
</html>`;
}

/** JSON safe inside a <script> data block: no `<` (so no `</script>` or `<!--`), and no U+2028/U+2029. */
export function embedJson(v: unknown): string {
  return JSON.stringify(v).replace(/[<\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A webview panel showing one built app (`dist/webview/<app>.js`, root element `<tag>`). */
export function createAppPanel(
  extensionUri: vscode.Uri,
  opts: { viewType: string; title: string; app: string; tag: string; dataRoots?: vscode.Uri[]; deferHtml?: boolean },
): vscode.WebviewPanel {
  const panel = vscode.window.createWebviewPanel(opts.viewType, opts.title, vscode.ViewColumn.Active, webviewOptions(extensionUri, opts.dataRoots));
  panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'labeling.svg');
  // deferHtml: the caller sets the page itself (with its first state embedded).
  if (!opts.deferHtml) panel.webview.html = webviewHtml(panel.webview, extensionUri, opts.app, opts.tag, opts.title);
  return panel;
}
