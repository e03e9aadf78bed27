import { useEffect, useRef } from 'hono/jsx';

// hono/jsx renders a component again whenever its state is set, even after it left the screen:
// an answer that arrives late (a slow line, a tab switched meanwhile) would bring the old screen
// back beside the new one. `live(f)` wraps a callback so that it does nothing once the component
// has unmounted; every request a screen starts sets its state through it.

export function useLive(): <A extends unknown[]>(f: (...args: A) => void) => (...args: A) => void {
  const mounted = useRef(true);
  useEffect(() => () => { mounted.current = false; }, []);
  return (f) => (...args) => { if (mounted.current) f(...args); };
}
