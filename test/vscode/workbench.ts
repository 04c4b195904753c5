import type { Locator, Page } from 'playwright-core';

// Driving VS Code's workbench the way a user does: activity bar, command palette, quick picks,
// tree rows and the status bar. Selectors are the workbench's own classes and ARIA roles.

export async function openViewContainer(page: Page, title: string): Promise<void> {
  await page.locator(`.part.activitybar a.action-label[aria-label^="${title}"]`).click();
  await page.locator(`.part.sidebar .composite.title h2`, { hasText: title }).waitFor();
}

/** Runs a palette command by its title, e.g. "Orch: Plan"; leaves any quick pick it opens. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.locator('.part.editor').click({ position: { x: 200, y: 200 } });
  await page.keyboard.press('F1');
  await pickQuickItem(page, title, `>${title}`);
}

/** runCommand with the focus in the sidebar, for when a webview covers the editor area runCommand clicks. */
export async function runCommandFromSidebar(page: Page, title: string): Promise<void> {
  await page.locator('.part.sidebar .composite.title h2').click();
  await page.keyboard.press('F1');
  await pickQuickItem(page, title, `>${title}`);
}

/** Picks an item of the open quick pick by its label (typing `filter`); the caller waits for what follows. */
export async function pickQuickItem(page: Page, label: string, filter = label): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(filter);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first().waitFor();
  await page.keyboard.press('Enter');
}

/** A row of a tree view (by the view's name) whose label contains `label`. */
export function treeRow(page: Page, view: string, label: string): Locator {
  return page.locator(`.monaco-list[aria-label="${view}"] .monaco-list-row`).filter({ has: page.locator('.label-name', { hasText: label }) });
}

export async function rowDescription(row: Locator): Promise<string> {
  return (await row.locator('.label-description').textContent()) ?? '';
}

/** The codicon class of a tree row's icon, e.g. "codicon-pass-filled". */
export async function rowIcon(row: Locator): Promise<string> {
  const classes = (await row.locator('.custom-view-tree-node-item-icon').getAttribute('class')) ?? '';
  return classes.split(/\s+/).find((c) => c.startsWith('codicon-') && !c.startsWith('codicon-modifier') && c !== 'codicon-colored') ?? '';
}

export function statusItem(page: Page, text: string): Locator {
  return page.locator('.part.statusbar .statusbar-item', { hasText: text });
}

export function notification(page: Page, text: string): Locator {
  return page.locator('.notifications-toasts .notification-toast', { hasText: text });
}
