import { Hono } from 'hono';
import type { AppEnv } from '../http/context.js';

// Server-rendered pages (the full web app comes with issue #4). The title is neutral on purpose:
// it is what a shared phone's history and tab list show.
function Home() {
  return (
    <html lang="ru">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>Tynys</title>
      </head>
      <body>
        <main>
          <h1>Tynys</h1>
          <p lang="ru">Анонимная поддержка. Сервис работает.</p>
          <p lang="kk">Анонимді қолдау. Қызмет жұмыс істейді.</p>
          <p lang="en">Anonymous support. The service is running.</p>
          <p><a href="/api/openapi.json">API (OpenAPI)</a></p>
        </main>
      </body>
    </html>
  );
}

export function webRoutes() {
  return new Hono<AppEnv>().get('/', (c) => {
    c.header('Cache-Control', 'no-store');
    return c.html(`<!doctype html>${(<Home />).toString()}`);
  });
}
