/**
 * A minimal stand-in for the parts of Obsidian's API the plugin uses, so the plugin's real code
 * runs in a plain browser page. It mimics Obsidian's DOM layout (status bar, ribbon, right
 * sidebar) closely enough for screenshots; it is not a second Obsidian.
 */
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';

// ---- Obsidian's DOM helpers on HTMLElement -------------------------------------------------
interface DomElementInfo {
  cls?: string | string[];
  text?: string;
  attr?: Record<string, string>;
}

function applyInfo(el: HTMLElement, info?: DomElementInfo | string): void {
  if (typeof info === 'string') {
    el.className = info;
    return;
  }
  if (!info) return;
  if (info.cls) el.classList.add(...(Array.isArray(info.cls) ? info.cls : info.cls.split(' ')));
  if (info.text !== undefined) el.textContent = info.text;
  for (const [k, v] of Object.entries(info.attr ?? {})) el.setAttribute(k, v);
}

const proto = HTMLElement.prototype as unknown as Record<string, unknown>;
proto.createEl = function (this: HTMLElement, tag: string, info?: DomElementInfo | string) {
  const el = document.createElement(tag);
  applyInfo(el, info);
  this.appendChild(el);
  return el;
};
proto.createDiv = function (this: HTMLElement & { createEl: (t: string, i?: unknown) => HTMLElement }, info?: unknown) {
  return this.createEl('div', info);
};
proto.createSpan = function (this: HTMLElement & { createEl: (t: string, i?: unknown) => HTMLElement }, info?: unknown) {
  return this.createEl('span', info);
};
proto.addClass = function (this: HTMLElement, ...cls: string[]) {
  this.classList.add(...cls);
};
proto.removeClass = function (this: HTMLElement, ...cls: string[]) {
  this.classList.remove(...cls);
};
proto.toggleClass = function (this: HTMLElement, cls: string, on: boolean) {
  this.classList.toggle(cls, on);
};
proto.setText = function (this: HTMLElement, text: string) {
  this.textContent = text;
};
proto.empty = function (this: HTMLElement) {
  this.replaceChildren();
};

function div(parent: HTMLElement, cls: string): HTMLElement {
  const el = document.createElement('div');
  el.className = cls;
  parent.appendChild(el);
  return el;
}

// ---- Free functions --------------------------------------------------------------------------
const harnessConfig = (): { language?: string; data?: unknown } =>
  (window as unknown as { __HISHO_HARNESS__?: { language?: string; data?: unknown } }).__HISHO_HARNESS__ ?? {};

export function getLanguage(): string {
  return harnessConfig().language ?? 'en';
}

export const moment = { locale: (): string => getLanguage() };

/** Icons are drawn as their name in a small badge; enough to see that one is set. */
export function setIcon(el: HTMLElement, icon: string): void {
  el.replaceChildren();
  el.dataset.icon = icon;
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', `svg-icon lucide-${icon}`);
  const circle = document.createElementNS('http://www.w3.org/2000/svg', 'circle');
  circle.setAttribute('cx', '12');
  circle.setAttribute('cy', '12');
  circle.setAttribute('r', '6');
  svg.appendChild(circle);
  el.appendChild(svg);
}

export function addIcon(): void {}

/** As Obsidian's: forward slashes, no leading, trailing or doubled slashes. */
export function normalizePath(path: string): string {
  return path.replace(/\\/g, '/').replace(/\/+/g, '/').replace(/^\/|\/$/g, '') || '/';
}

export const Platform = { isDesktopApp: false, isDesktop: true, isMobile: false, isMacOS: false };

export class Notice {
  readonly noticeEl: HTMLElement;
  constructor(message: string, duration = 5000) {
    const container = document.querySelector<HTMLElement>('.notice-container') ?? div(document.body, 'notice-container');
    this.noticeEl = div(container, 'notice');
    this.noticeEl.textContent = message;
    window.setTimeout(() => this.hide(), duration);
  }
  hide(): void {
    this.noticeEl.remove();
  }
}

// ---- Components ------------------------------------------------------------------------------
export class Component {
  private loaded = false;
  private children: Component[] = [];
  private cleanups: (() => void)[] = [];

  /** What onload returned (a promise for async onloads), so the harness can wait for it. */
  loadResult: unknown;

  load(): void {
    if (this.loaded) return;
    // As in Obsidian: marked loaded first, so children added during onload load at once.
    this.loaded = true;
    this.loadResult = this.onload();
    for (const child of this.children) child.load();
  }
  onload(): void {}
  unload(): void {
    if (!this.loaded) return;
    this.loaded = false;
    for (const child of this.children.splice(0)) child.unload();
    for (const cleanup of this.cleanups.splice(0).reverse()) cleanup();
    this.onunload();
  }
  onunload(): void {}
  addChild<T extends Component>(child: T): T {
    this.children.push(child);
    if (this.loaded) child.load();
    return child;
  }
  register(cb: () => unknown): void {
    this.cleanups.push(() => void cb());
  }
  registerDomEvent(el: HTMLElement, type: string, cb: (evt: Event) => unknown): void {
    el.addEventListener(type, cb);
    this.register(() => el.removeEventListener(type, cb));
  }
  registerEvent(ref: EventRef): void {
    this.register(() => ref.source.offref(ref));
  }
  registerInterval(id: number): number {
    this.register(() => window.clearInterval(id));
    return id;
  }
}

// ---- Events and files ------------------------------------------------------------------------
export interface EventRef {
  source: Events;
  name: string;
  callback: (...args: never[]) => unknown;
}

export class Events {
  private readonly handlers = new Map<string, Set<EventRef>>();
  on(name: string, callback: (...args: never[]) => unknown): EventRef {
    const ref: EventRef = { source: this, name, callback };
    let set = this.handlers.get(name);
    if (!set) this.handlers.set(name, (set = new Set()));
    set.add(ref);
    return ref;
  }
  offref(ref: EventRef): void {
    this.handlers.get(ref.name)?.delete(ref);
  }
  trigger(name: string, ...args: unknown[]): void {
    for (const ref of [...(this.handlers.get(name) ?? [])]) (ref.callback as (...a: unknown[]) => unknown)(...args);
  }
  /** For tests: how many handlers are registered for `name`. */
  handlerCount(name: string): number {
    return this.handlers.get(name)?.size ?? 0;
  }
}

export class TFolder {
  constructor(readonly path: string) {}
}

export class TFile {
  readonly basename: string;
  readonly extension: string;
  /** As in Obsidian, the vault's root folder has the path '/'. */
  readonly parent: TFolder;
  constructor(readonly path: string) {
    const slash = path.lastIndexOf('/');
    const name = path.slice(slash + 1);
    const dot = name.lastIndexOf('.');
    this.basename = dot > 0 ? name.slice(0, dot) : name;
    this.extension = dot > 0 ? name.slice(dot + 1) : '';
    this.parent = new TFolder(slash < 0 ? '/' : path.slice(0, slash));
  }
}

/** A file of the vault's folder on disk, through the harness server (the page cannot touch the disk itself). */
async function vaultFile(method: 'GET' | 'PUT', path: string, body?: string): Promise<string> {
  const response = await fetch(`/vault-file?path=${encodeURIComponent(path)}`, { method, body });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.text();
}

/** The desktop adapter: the vault's folder on disk (the harness config's vaultPath). */
export class FileSystemAdapter {
  constructor(private readonly basePath: string) {}
  getBasePath(): string {
    return this.basePath;
  }
  read(path: string): Promise<string> {
    return vaultFile('GET', path);
  }
}

const FRONTMATTER = /^---\r?\n(?:([\s\S]*?)\r?\n)?---(?:\r?\n|$)/;

export class FileManager {
  constructor(private readonly vault: Vault) {}
  /** As in Obsidian: the frontmatter as an object, changed by `fn`, written back as YAML (added when the note had none). */
  async processFrontMatter(file: TFile, fn: (frontmatter: Record<string, unknown>) => void): Promise<void> {
    const text = await this.vault.read(file);
    const match = FRONTMATTER.exec(text);
    const data = ((match ? parseYaml(match[1] ?? '') : null) ?? {}) as Record<string, unknown>;
    fn(data);
    const body = match ? text.slice(match[0].length) : text;
    await this.vault.modify(file, `---\n${stringifyYaml(data)}---\n${body}`);
  }
  generateMarkdownLink(file: TFile, _sourcePath: string): string {
    return `[[${file.basename}]]`;
  }
}

/** Enough of CodeMirror's editor for inserting text at the cursor. */
export class Editor {
  private cursor = 0;
  constructor(private value: string) {
    this.cursor = value.length;
  }
  getValue(): string {
    return this.value;
  }
  /** For tests: where the cursor is. */
  setCursorOffset(offset: number): void {
    this.cursor = offset;
  }
  replaceSelection(text: string): void {
    this.value = this.value.slice(0, this.cursor) + text + this.value.slice(this.cursor);
    this.cursor += text.length;
  }
}

/** A note open in the main area, with its text in an editor. */
export class MarkdownView {
  constructor(
    readonly file: TFile,
    readonly editor: Editor,
  ) {}
}

/**
 * The vault. Notes live in memory (tests read them with `text`); when the harness gives a folder on
 * disk, the files listed there at load are known too (read from disk on first use) and every write
 * goes through to disk, so tests can read the file back as the daemon sees it. Every change fires
 * the vault's event and the metadata cache's 'changed', as Obsidian does once it has parsed the file.
 */
export class Vault extends Events {
  /** Not Obsidian's default name, as a person may choose: the plugin must ask for it, never assume it. */
  readonly configDir = '.vault-config';
  private readonly files = new Map<string, { file: TFile; text: string | null }>();
  private readonly folders = new Set<string>();
  constructor(
    readonly adapter: FileSystemAdapter | object,
    private readonly metadataCache: MetadataCache,
    diskPaths: readonly string[] = [],
  ) {
    super();
    for (const path of diskPaths) this.files.set(path, { file: new TFile(path), text: null });
  }
  private get disk(): FileSystemAdapter | null {
    return this.adapter instanceof FileSystemAdapter ? this.adapter : null;
  }
  private folderExists(path: string): boolean {
    return this.folders.has(path) || [...this.files.keys()].some((f) => f.startsWith(`${path}/`));
  }
  getFiles(): TFile[] {
    return [...this.files.values()].map((f) => f.file);
  }
  getMarkdownFiles(): TFile[] {
    return this.getFiles().filter((f) => f.extension === 'md');
  }
  getFileByPath(path: string): TFile | null {
    return this.files.get(normalizePath(path))?.file ?? null;
  }
  getAbstractFileByPath(path: string): TFile | TFolder | null {
    const normal = normalizePath(path);
    if (this.folderExists(normal)) return new TFolder(normal);
    return this.getFileByPath(normal);
  }
  async createFolder(path: string): Promise<void> {
    if (this.getAbstractFileByPath(path)) throw new Error('Folder already exists.');
    this.folders.add(normalizePath(path));
  }
  /** As in Obsidian: refuses an existing path (regardless of case, as on Windows and macOS) and a missing folder. */
  async create(path: string, text: string): Promise<TFile> {
    const normal = normalizePath(path);
    if (this.getFiles().some((f) => f.path.toLowerCase() === normal.toLowerCase())) throw new Error('File already exists.');
    const parent = normal.includes('/') ? normal.slice(0, normal.lastIndexOf('/')) : '';
    if (parent && !this.folderExists(parent) && !this.disk) throw new Error(`Folder ${parent} does not exist.`);
    if (this.disk) await vaultFile('PUT', normal, text);
    const file = new TFile(normal);
    this.files.set(normal, { file, text });
    this.changed('create', file, text);
    return file;
  }
  async read(file: TFile): Promise<string> {
    const entry = this.entry(file);
    entry.text ??= await vaultFile('GET', file.path);
    return entry.text;
  }
  async modify(file: TFile, text: string): Promise<void> {
    const entry = this.entry(file);
    if (this.disk) await vaultFile('PUT', file.path, text);
    entry.text = text;
    this.changed('modify', file, text);
  }
  async process(file: TFile, fn: (text: string) => string): Promise<string> {
    const text = fn(await this.read(file));
    await this.modify(file, text);
    return text;
  }
  /** For tests: the text of a note written or read through the vault, or null. */
  text(path: string): string | null {
    return this.files.get(normalizePath(path))?.text ?? null;
  }
  private entry(file: TFile): { file: TFile; text: string | null } {
    const entry = this.files.get(file.path);
    if (!entry) throw new Error(`${file.path} does not exist`);
    return entry;
  }
  private changed(event: string, file: TFile, text: string): void {
    this.trigger(event, file);
    this.metadataCache.update(file, text);
  }
}

/** Frontmatter as Obsidian reads it, for the flat `key: value` lines the plugin's notes use. */
export class MetadataCache extends Events {
  private readonly caches = new Map<string, { frontmatter?: Record<string, unknown> }>();
  getFileCache(file: TFile): { frontmatter?: Record<string, unknown> } | null {
    return this.caches.get(file.path) ?? null;
  }
  update(file: TFile, text: string): void {
    const block = /^---\n([\s\S]*?)\n---/.exec(text.replace(/\r\n/g, '\n'));
    const frontmatter: Record<string, unknown> = {};
    for (const line of block?.[1]?.split('\n') ?? []) {
      const m = /^([\w-]+):\s*(.*)$/.exec(line);
      if (m) frontmatter[m[1]!] = /^\d+$/.test(m[2]!) ? Number(m[2]) : m[2];
    }
    this.caches.set(file.path, block ? { frontmatter } : {});
    this.trigger('changed', file);
  }
}

// ---- Workspace -------------------------------------------------------------------------------
export interface ViewState {
  type: string;
  active?: boolean;
}

type ViewCreator = (leaf: WorkspaceLeaf) => ItemView;

export class WorkspaceLeaf {
  view: ItemView | null = null;
  readonly containerEl: HTMLElement;
  constructor(
    private readonly workspace: Workspace,
    parent: HTMLElement,
  ) {
    this.containerEl = div(parent, 'workspace-leaf');
  }
  async setViewState(state: ViewState): Promise<void> {
    if (this.view) await this.view.close();
    const creator = this.workspace.viewCreators.get(state.type);
    if (!creator) throw new Error(`no view registered for ${state.type}`);
    this.view = creator(this);
    this.containerEl.replaceChildren(this.view.containerEl);
    this.containerEl.dataset.type = state.type;
    await this.view.open();
  }
  getViewState(): ViewState {
    return { type: this.view?.getViewType() ?? 'empty' };
  }
  async detach(): Promise<void> {
    await this.view?.close();
    this.containerEl.remove();
    this.workspace.leaves.delete(this);
  }
}

export class Workspace extends Events {
  /** Every openLinkText call, for tests to check what the plugin opened. */
  readonly openedLinks: { linktext: string; sourcePath: string; newLeaf: unknown }[] = [];
  private activeFile: TFile | null = null;
  /** The Markdown editor in focus, with its selection (set by tests with setSelection). */
  activeEditor: { editor: { getSelection(): string } } | null = null;
  readonly viewCreators = new Map<string, ViewCreator>();
  readonly leaves = new Set<WorkspaceLeaf>();
  private layoutReady = false;
  private readyCallbacks: (() => void)[] = [];
  constructor(readonly rightSplitEl: HTMLElement) {
    super();
  }

  getActiveFile(): TFile | null {
    return this.activeFile;
  }
  /** The note open in the main area (the last one opened), if any. */
  markdownView: MarkdownView | null = null;
  /**
   * As in Obsidian, opening a note shows it in the main area, makes it the active file and fires
   * 'file-open'. It is recorded in openedLinks once it is open: a test that waits for the record
   * must not go on while the note is still loading, or the note would become active later, under
   * the next test (seen under load: the next test's active note was replaced).
   */
  async openLinkText(linktext: string, sourcePath: string, newLeaf?: unknown): Promise<void> {
    const text = await vaultFile('GET', linktext).catch(() => '');
    this.markdownView = new MarkdownView(new TFile(linktext), new Editor(text));
    this.setActiveFile(linktext);
    this.openedLinks.push({ linktext, sourcePath, newLeaf });
  }
  getActiveViewOfType<T>(type: abstract new (...args: never[]) => T): T | null {
    return this.markdownView instanceof type ? this.markdownView : null;
  }
  getMostRecentLeaf(): { view: MarkdownView | null } | null {
    return this.markdownView ? { view: this.markdownView } : null;
  }
  /** For tests: make a note active, as clicking it in the file explorer would. */
  setActiveFile(path: string | null): void {
    this.activeFile = path === null ? null : new TFile(path);
    this.trigger('file-open', this.activeFile);
  }

  /** For tests: text selected in the active note's editor ('' for a cursor, null for no editor in focus). */
  setSelection(text: string | null): void {
    this.activeEditor = text === null ? null : { editor: { getSelection: () => text } };
  }

  onLayoutReady(cb: () => void): void {
    if (this.layoutReady) cb();
    else this.readyCallbacks.push(cb);
  }
  /** The harness calls this once the plugin has loaded, as Obsidian does after restoring the layout. */
  triggerLayoutReady(): void {
    this.layoutReady = true;
    for (const cb of this.readyCallbacks.splice(0)) cb();
  }
  getRightLeaf(_split: boolean): WorkspaceLeaf {
    const leaf = new WorkspaceLeaf(this, this.rightSplitEl);
    this.leaves.add(leaf);
    return leaf;
  }
  getLeavesOfType(type: string): WorkspaceLeaf[] {
    return [...this.leaves].filter((leaf) => leaf.view?.getViewType() === type);
  }
  async revealLeaf(leaf: WorkspaceLeaf): Promise<void> {
    for (const other of this.leaves) other.containerEl.classList.toggle('is-hidden', other !== leaf);
    await Promise.resolve();
  }
  detachLeavesOfType(type: string): void {
    for (const leaf of this.getLeavesOfType(type)) void leaf.detach();
  }
}

export class App {
  readonly workspace: Workspace;
  readonly vault: Vault;
  readonly metadataCache = new MetadataCache();
  readonly fileManager: FileManager;
  /** Obsidian's settings window (not in its typings; plugins open their tab through it). Records the tabs opened. */
  readonly setting = {
    openedTabs: [] as string[],
    open(): void {},
    openTabById(id: string): void {
      this.openedTabs.push(id);
    },
  };
  readonly statusBarEl: HTMLElement;
  readonly ribbonEl: HTMLElement;
  constructor(root: HTMLElement) {
    this.ribbonEl = div(root, 'side-dock-ribbon');
    const main = div(root, 'workspace-split mod-root');
    div(main, 'harness-note').textContent = 'Obsidian stand-in (Hisho browser harness)';
    const right = div(root, 'workspace-split mod-right-split');
    this.statusBarEl = div(root, 'status-bar');
    this.workspace = new Workspace(right);
    const { vaultPath, vaultFiles } = harnessConfig() as { vaultPath?: string; vaultFiles?: string[] };
    this.vault = new Vault(vaultPath ? new FileSystemAdapter(vaultPath) : {}, this.metadataCache, vaultFiles ?? []);
    this.fileManager = new FileManager(this.vault);
  }
}

export class ItemView extends Component {
  readonly containerEl: HTMLElement;
  readonly contentEl: HTMLElement;
  readonly app: App;
  constructor(readonly leaf: WorkspaceLeaf) {
    super();
    this.app = (window as unknown as { __HISHO_APP__: App }).__HISHO_APP__;
    this.containerEl = document.createElement('div');
    this.containerEl.className = 'workspace-leaf-content';
    const header = div(this.containerEl, 'view-header');
    div(header, 'view-header-title');
    this.contentEl = div(this.containerEl, 'view-content');
  }
  getViewType(): string {
    return '';
  }
  getDisplayText(): string {
    return '';
  }
  getIcon(): string {
    return 'document';
  }
  async open(): Promise<void> {
    this.containerEl.dataset.type = this.getViewType();
    const title = this.containerEl.querySelector('.view-header-title');
    if (title) title.textContent = this.getDisplayText();
    this.load();
    await this.onOpen();
  }
  async close(): Promise<void> {
    await this.onClose();
    this.unload();
  }
  async onOpen(): Promise<void> {}
  async onClose(): Promise<void> {}
}

// ---- Plugin ----------------------------------------------------------------------------------
export interface Command {
  id: string;
  name: string;
  callback?: () => unknown;
  checkCallback?: (checking: boolean) => boolean | void;
}

export interface PluginManifest {
  id: string;
  name: string;
  version: string;
}

export class Plugin extends Component {
  settings?: unknown;
  readonly commands = new Map<string, Command>();
  settingTabs: PluginSettingTab[] = [];
  savedData: unknown;
  constructor(
    readonly app: App,
    readonly manifest: PluginManifest,
  ) {
    super();
    this.savedData = harnessConfig().data ?? null;
  }
  async loadData(): Promise<unknown> {
    return structuredClone(this.savedData);
  }
  async saveData(data: unknown): Promise<void> {
    this.savedData = structuredClone(data);
  }
  addStatusBarItem(): HTMLElement {
    return div(this.app.statusBarEl, 'status-bar-item');
  }
  addRibbonIcon(icon: string, title: string, callback: (evt: MouseEvent) => unknown): HTMLElement {
    const el = div(this.app.ribbonEl, 'side-dock-ribbon-action clickable-icon');
    el.setAttribute('aria-label', title);
    setIcon(el, icon);
    this.registerDomEvent(el, 'click', (evt) => callback(evt as MouseEvent));
    return el;
  }
  addCommand(command: Command): Command {
    this.commands.set(`${this.manifest.id}:${command.id}`, command);
    return command;
  }
  registerView(type: string, creator: ViewCreator): void {
    this.app.workspace.viewCreators.set(type, creator);
    this.register(() => this.app.workspace.viewCreators.delete(type));
  }
  addSettingTab(tab: PluginSettingTab): void {
    this.settingTabs.push(tab);
  }
}

// ---- Modals ----------------------------------------------------------------------------------
/** As in Obsidian: open() attaches the modal to the body and calls onOpen; close() detaches it and calls onClose. */
export class Modal {
  readonly containerEl: HTMLElement = document.createElement('div');
  readonly modalEl: HTMLElement;
  readonly titleEl: HTMLElement;
  readonly contentEl: HTMLElement;
  constructor(readonly app: App) {
    this.containerEl.className = 'modal-container';
    div(this.containerEl, 'modal-bg');
    this.modalEl = div(this.containerEl, 'modal');
    const closeButton = div(this.modalEl, 'modal-close-button');
    closeButton.addEventListener('click', () => this.close());
    this.titleEl = div(div(this.modalEl, 'modal-header'), 'modal-title');
    this.contentEl = div(this.modalEl, 'modal-content');
  }
  open(): void {
    document.body.appendChild(this.containerEl);
    void this.onOpen();
  }
  close(): void {
    if (!this.containerEl.isConnected) return;
    this.containerEl.remove();
    this.onClose();
  }
  setTitle(title: string): this {
    this.titleEl.textContent = title;
    return this;
  }
  onOpen(): Promise<void> | void {}
  onClose(): void {}
}

// ---- Settings --------------------------------------------------------------------------------
export class PluginSettingTab {
  readonly containerEl: HTMLElement = document.createElement('div');
  constructor(
    readonly app: App,
    readonly plugin: Plugin,
  ) {
    this.containerEl.className = 'vertical-tab-content';
  }
  display(): void {}
  hide(): void {}
  update(): void {}
  getSettingDefinitions(): unknown[] {
    return [];
  }
  getControlValue(_key: string): unknown {
    return undefined;
  }
  setControlValue(_key: string, _value: unknown): void {}
}

class TextComponent {
  readonly inputEl: HTMLInputElement;
  constructor(parent: HTMLElement) {
    this.inputEl = document.createElement('input');
    this.inputEl.type = 'text';
    parent.appendChild(this.inputEl);
  }
  setPlaceholder(text: string): this {
    this.inputEl.placeholder = text;
    return this;
  }
  setValue(value: string): this {
    this.inputEl.value = value;
    return this;
  }
  onChange(cb: (value: string) => unknown): this {
    this.inputEl.addEventListener('input', () => cb(this.inputEl.value));
    return this;
  }
}

class ButtonComponent {
  readonly buttonEl: HTMLButtonElement;
  constructor(parent: HTMLElement) {
    this.buttonEl = document.createElement('button');
    parent.appendChild(this.buttonEl);
  }
  setButtonText(text: string): this {
    this.buttonEl.textContent = text;
    return this;
  }
  onClick(cb: () => unknown): this {
    this.buttonEl.addEventListener('click', () => cb());
    return this;
  }
}

class DropdownComponent {
  readonly selectEl: HTMLSelectElement;
  constructor(parent: HTMLElement) {
    this.selectEl = document.createElement('select');
    parent.appendChild(this.selectEl);
  }
  addOptions(options: Record<string, string>): this {
    for (const [value, text] of Object.entries(options)) {
      const option = document.createElement('option');
      option.value = value;
      option.textContent = text;
      this.selectEl.appendChild(option);
    }
    return this;
  }
  setValue(value: string): this {
    this.selectEl.value = value;
    return this;
  }
  onChange(cb: (value: string) => unknown): this {
    this.selectEl.addEventListener('change', () => cb(this.selectEl.value));
    return this;
  }
}

export class Setting {
  readonly settingEl: HTMLElement;
  private readonly nameEl: HTMLElement;
  private readonly descEl: HTMLElement;
  private readonly controlEl: HTMLElement;
  constructor(containerEl: HTMLElement) {
    this.settingEl = div(containerEl, 'setting-item');
    const info = div(this.settingEl, 'setting-item-info');
    this.nameEl = div(info, 'setting-item-name');
    this.descEl = div(info, 'setting-item-description');
    this.controlEl = div(this.settingEl, 'setting-item-control');
  }
  setName(name: string): this {
    this.nameEl.textContent = name;
    return this;
  }
  setDesc(desc: string): this {
    this.descEl.textContent = desc;
    return this;
  }
  setHeading(): this {
    this.settingEl.classList.add('setting-item-heading');
    return this;
  }
  addText(cb: (text: TextComponent) => unknown): this {
    cb(new TextComponent(this.controlEl));
    return this;
  }
  addButton(cb: (button: ButtonComponent) => unknown): this {
    cb(new ButtonComponent(this.controlEl));
    return this;
  }
  addDropdown(cb: (dropdown: DropdownComponent) => unknown): this {
    cb(new DropdownComponent(this.controlEl));
    return this;
  }
}

export type SettingDefinitionItem = unknown;
