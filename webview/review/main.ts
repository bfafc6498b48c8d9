/**
 * Entry of the Review panel bundle (dist/webview/review.js). The host's HTML contains an empty
 * <lbl-review-app>; defining the element upgrades it, and it connects to the host and says ready.
 */
import './app';
