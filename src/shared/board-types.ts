/**
 * The settings each board type declares. The Boards view renders its
 * connection form from these, so a new adapter needs no new UI code.
 */
export type SettingKind = 'text' | 'url' | 'secret' | 'number-or-text';

export interface BoardSettingField {
  /** Key in the saved settings (and in the config file's board entry, where the shapes match). */
  key: string;
  label: string;
  kind: SettingKind;
  required: boolean;
  placeholder?: string;
  help?: string;
}

export interface BoardTypeInfo {
  type: string;
  label: string;
  /** Whether Deckhand can connect to it in this version. */
  available: boolean;
  fields: BoardSettingField[];
}

/** A saved board as the UI sees it: secrets reduced to whether they are set. */
export interface SavedBoardView {
  id: string;
  type: string;
  name: string;
  /** A secret shows only whether it is set, and the environment variable it is read from, if any. */
  settings: Record<string, string | number | { secretSet: boolean; env?: string }>;
  /** Where it came from: the config file (read-only here) or the app. */
  source: 'config' | 'app';
}
