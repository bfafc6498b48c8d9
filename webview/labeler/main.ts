/**
 * Entry of the labeling panel bundle (dist/webview/labeler.js). The host's HTML contains an empty
 * <lbl-labeler-app>; defining the element upgrades it, and it connects to the host and says ready.
 */
import './app';
