import type { PreloadBridge } from '../../shared/contract';

declare global {
  interface Window {
    /** Present only inside Electron, where the preload exposes it; absent in a browser. */
    readonly deckhandBridge?: PreloadBridge;
  }
}
