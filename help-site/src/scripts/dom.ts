// Small DOM helpers shared by the account pages: switching views, filling slots, showing progress and errors.
import { formatDate as formatDateIn } from '../../../server/format.js';

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from the page`);
  return element as T;
}

/** Shows the child `[data-view=name]` of `root` and hides the others; moves focus to its heading when asked. */
export function showView(root: HTMLElement, name: string, focus = false): HTMLElement {
  let shown: HTMLElement | undefined;
  for (const view of root.querySelectorAll<HTMLElement>(':scope > [data-view]')) {
    const match = view.dataset.view === name;
    view.hidden = !match;
    if (match) shown = view;
  }
  if (!shown) throw new Error(`no view "${name}"`);
  if (focus) shown.querySelector<HTMLElement>('h2[tabindex="-1"]')?.focus();
  return shown;
}

/** Sets the text of every `[data-slot=name]` inside `root`. */
export function fill(root: ParentNode, slots: Record<string, string>): void {
  for (const [name, value] of Object.entries(slots)) {
    for (const element of root.querySelectorAll<HTMLElement>(`[data-slot="${name}"]`)) element.textContent = value;
  }
}

/** Marks a form busy (aria-busy, disabled submit button) while `work` runs. */
export async function whileBusy<T>(form: HTMLElement, work: () => Promise<T>, fallback?: () => HTMLElement | null): Promise<T> {
  form.setAttribute('aria-busy', 'true');
  try {
    return await whileDisabled([...form.querySelectorAll<HTMLButtonElement>('button')], work, fallback);
  } finally {
    form.removeAttribute('aria-busy');
  }
}

/**
 * Disables `buttons` while `work` runs. A disabled button loses focus to the page's body, which sends a keyboard
 * user back to the top: the pressed button (or `fallback` when the work removed or hid it) gets focus back.
 */
export async function whileDisabled<T>(buttons: HTMLButtonElement[], work: () => Promise<T>, fallback?: () => HTMLElement | null): Promise<T> {
  const pressed = buttons.find((button) => button === document.activeElement);
  for (const button of buttons) button.disabled = true;
  try {
    return await work();
  } finally {
    for (const button of buttons) button.disabled = false;
    const lost = document.activeElement === null || document.activeElement === document.body;
    if (pressed && lost) (pressed.isConnected && !pressed.hidden ? pressed : fallback?.())?.focus();
  }
}

/** Writes a message into a status region (role=status or role=alert); empty text clears it. */
export function say(region: HTMLElement, text: string, tone: 'info' | 'success' | 'error' = 'info'): void {
  region.textContent = text;
  region.dataset.tone = tone;
  region.hidden = text === '';
}

/** Marks one field invalid with the message in `errorElement` (or clears it). */
export function fieldError(input: HTMLInputElement | HTMLTextAreaElement, errorElement: HTMLElement, message: string | null): void {
  if (message) {
    input.setAttribute('aria-invalid', 'true');
    errorElement.textContent = message;
    errorElement.hidden = false;
  } else {
    input.removeAttribute('aria-invalid');
    errorElement.textContent = '';
    errorElement.hidden = true;
  }
}

/** "12 March 2026" in this page's language, the same in every browser (the one formatter, shared with the server). */
export function formatDate(iso: string): string {
  return formatDateIn(iso, { locale: document.documentElement.lang });
}

/** A same-origin path from the query (e.g. returnTo), or null: never a URL that leaves the site. */
export function samePath(value: string | null): string | null {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\') || /[\u0000-\u001f\u007f\\]/.test(value)) return null;
  try {
    return new URL(value, location.origin).origin === location.origin ? value : null;
  } catch {
    return null;
  }
}
