/** The real tray handle: the only tray code that touches Electron, kept to a direct mapping. */
import { Menu, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron';
import type { TrayFactory } from './tray';
import type { TrayMenuItem } from './tray-model';

function toTemplate(
  items: readonly TrayMenuItem[],
  onClick: (item: TrayMenuItem) => void,
): MenuItemConstructorOptions[] {
  return items.map((item) =>
    item.type === 'separator'
      ? { id: item.id, type: 'separator' }
      : {
          id: item.id,
          label: item.label,
          type: item.type ?? 'normal',
          ...(item.checked !== undefined ? { checked: item.checked } : {}),
          enabled: item.enabled ?? true,
          click: () => onClick(item),
        },
  );
}

export function electronTrayFactory(platform: NodeJS.Platform = process.platform): TrayFactory {
  const image = (file: string): Electron.NativeImage => {
    const img = nativeImage.createFromPath(file);
    // macOS tints template images for light and dark menu bars.
    if (platform === 'darwin') img.setTemplateImage(true);
    return img;
  };
  return (iconFile) => {
    const tray = new Tray(image(iconFile));
    return {
      setImage: (file) => tray.setImage(image(file)),
      setToolTip: (text) => tray.setToolTip(text),
      setMenu: (items, onClick) => tray.setContextMenu(Menu.buildFromTemplate(toTemplate(items, onClick))),
      // On macOS a click opens the menu; opening the window as well would fight it.
      onActivate: (listener) => {
        if (platform !== 'darwin') tray.on('click', listener);
      },
      destroy: () => tray.destroy(),
    };
  };
}
