/**
 * xterm.js styles its DOM renderer (theme colours, cell sizes, scrollbar) with `<style>`
 * elements whose text it sets from script. The dashboard's Content-Security-Policy
 * (`style-src 'self'`, no inline styles) refuses those, and the terminal would draw without its
 * colours. Constructed style sheets go through the CSSOM, which the policy allows: once this is
 * installed, `document.createElement('style')` gives an inert element whose text is applied as
 * a constructed sheet (adopted by the document while the element is in it). Nothing else in
 * the dashboard creates `<style>` elements: the policy would refuse them anyway.
 */
let installed = false;

interface Adopted {
  holder: HTMLElement;
  sheet: CSSStyleSheet;
  attached: boolean;
}

const adopted: Adopted[] = [];

function adopt(sheets: CSSStyleSheet[]): void {
  document.adoptedStyleSheets = sheets;
}

/** Drops the sheets of elements that were in the document and have left it. */
function prune(): void {
  const before = adopted.length;
  for (let i = adopted.length - 1; i >= 0; i--) {
    const entry = adopted[i]!;
    if (entry.holder.isConnected) entry.attached = true;
    else if (entry.attached) adopted.splice(i, 1);
  }
  if (adopted.length !== before) adopt([...document.adoptedStyleSheets.filter((s) => !isOurs(s)), ...adopted.map((a) => a.sheet)]);
}

function isOurs(sheet: CSSStyleSheet): boolean {
  return ourSheets.has(sheet);
}

const ourSheets = new WeakSet<CSSStyleSheet>();

export function installConstructedStyles(): void {
  if (installed || typeof CSSStyleSheet === 'undefined' || !('replaceSync' in CSSStyleSheet.prototype)) return;
  installed = true;
  const create = document.createElement.bind(document) as (tagName: string, options?: ElementCreationOptions) => HTMLElement;
  const patched = (tagName: string, options?: ElementCreationOptions): HTMLElement => {
    if (String(tagName).toLowerCase() !== 'style') return create(tagName, options);
    prune();
    const holder = create('pharos-style');
    holder.hidden = true;
    const sheet = new CSSStyleSheet();
    ourSheets.add(sheet);
    let text = '';
    Object.defineProperty(holder, 'textContent', {
      configurable: true,
      get: () => text,
      set: (value: unknown) => {
        text = value == null ? '' : String(value);
        sheet.replaceSync(text);
      },
    });
    const remove = holder.remove.bind(holder);
    holder.remove = () => {
      remove();
      const at = adopted.findIndex((a) => a.holder === holder);
      if (at >= 0) adopted.splice(at, 1);
      adopt(document.adoptedStyleSheets.filter((s) => s !== sheet));
    };
    adopted.push({ holder, sheet, attached: false });
    adopt([...document.adoptedStyleSheets, sheet]);
    return holder;
  };
  document.createElement = patched as typeof document.createElement;
}
