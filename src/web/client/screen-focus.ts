/**
 * After a screen change, focus goes to the new screen's heading (issue 12 point 6): a screen
 * reader then reads where the person is, and Tab continues from there instead of from <body>.
 * The first h2/h3 inside `scope`, else the page's h1; made focusable with tabindex=-1 (not a Tab stop).
 * Run after the new screen is painted, so a screen that renders its heading late still gets it.
 */
export function focusScreenHeading(scope: HTMLElement | null): void {
  requestAnimationFrame(() => {
    const heading = scope?.querySelector<HTMLElement>('h2, h3') ?? document.querySelector<HTMLElement>('main h1');
    if (!heading) return;
    if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
    heading.focus();
  });
}
