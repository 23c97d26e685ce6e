// The mapping screen every dropped file passes through.

/** Waits until `count` files show a preview, then clicks the import button. */
export async function confirmMapping(page, count, timeoutMs = 30_000) {
  await page.waitForFunction(
    (n) => document.querySelectorAll('[data-testid="pending-file"] [data-testid="preview"]').length === n,
    count,
    { timeout: timeoutMs },
  );
  await page.click('[data-testid="confirm-import"]');
}
