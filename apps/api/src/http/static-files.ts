import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The built web apps (dist/web/*): console at /, widget script at /widget.js, demo page at /demo. */
export function mountWebApps(app: Express, distRoot: string): void {
  const agent = path.join(distRoot, 'web', 'agent');
  const widget = path.join(distRoot, 'web', 'widget');
  if (existsSync(path.join(widget, 'widget.js'))) {
    app.get('/widget.js', (_req, res) => { res.setHeader('Cache-Control', 'public, max-age=300'); res.setHeader('Access-Control-Allow-Origin', '*'); res.sendFile(path.join(widget, 'widget.js')); });
  }
  if (existsSync(path.join(widget, 'demo.html'))) app.get('/demo', (_req, res) => res.sendFile(path.join(widget, 'demo.html')));
  if (existsSync(path.join(agent, 'index.html'))) {
    app.use(express.static(agent, { index: false, maxAge: '1h' }));
    // SPA fallback for the console's client-side routes; API, webhooks and sockets are left alone.
    app.get(/^\/(?!api\/|webhooks\/|socket\.io\/|widget\/|health$).*/, (req: Request, res: Response, next: NextFunction) => {
      if (req.method !== 'GET' || path.extname(req.path)) return next();
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(path.join(agent, 'index.html'));
    });
  }
}
