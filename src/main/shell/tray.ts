import { join } from 'node:path';
import { Menu, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron';
import type { AppState } from '../../shared/model';
import { buildTrayMenu, trayIconName, trayStatus, trayTooltip, type TrayAction, type TrayMenuItem } from './tray-model';

export interface TrayDeps {
  resourcesDir: string;
  getState(): AppState;
  subscribe(listener: () => void): () => void;
  act(action: TrayAction): void;
}

function toElectron(items: TrayMenuItem[], act: (a: TrayAction) => void): MenuItemConstructorOptions[] {
  return items.map((item) => ({
    id: item.id,
    label: item.label,
    type: item.type ?? (item.submenu ? 'submenu' : 'normal'),
    enabled: item.enabled ?? true,
    ...(item.checked !== undefined ? { checked: item.checked } : {}),
    ...(item.submenu ? { submenu: toElectron(item.submenu, act) } : {}),
    ...(item.action ? { click: () => act(item.action!) } : {}),
  }));
}

/** The tray icon and menu, rebuilt from the pure tray model whenever the state changes. */
export function createTray(deps: TrayDeps): Tray {
  const iconFor = (state: AppState): Electron.NativeImage => {
    const image = nativeImage.createFromPath(join(deps.resourcesDir, trayIconName(trayStatus(state))));
    if (process.platform === 'darwin') image.setTemplateImage(true);
    return image;
  };
  const initial = deps.getState();
  const tray = new Tray(iconFor(initial));
  const render = (): void => {
    const state = deps.getState();
    tray.setImage(iconFor(state));
    tray.setToolTip(trayTooltip(state));
    tray.setContextMenu(Menu.buildFromTemplate(toElectron(buildTrayMenu(state), deps.act)));
  };
  render();
  deps.subscribe(render);
  tray.on('click', () => deps.act({ kind: 'open' }));
  return tray;
}
