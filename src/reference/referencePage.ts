import fs from 'node:fs';
import path from 'node:path';
import express, { type Request, type Response } from 'express';
import type YAML from 'yaml';

const SPEC_PATH = path.resolve(__dirname, '../generated/openapi.json');

/**
 * The frontend teams' reference page: Swagger UI from node_modules (swagger-ui-dist), served by this server
 * so the page needs no CDN and no outside fonts. Assets have absolute URLs, so the same page works at
 * /api/docs/ (where the contract puts it) and /api/v1/docs/ (where tools that ignore path-level servers look).
 */
export const REFERENCE_PATH = '/api/docs/';
const ASSETS_PATH = `${REFERENCE_PATH}assets/`;
const SWAGGER_UI_DIR = path.dirname(require.resolve('swagger-ui-dist/package.json'));

/** Only these files leave node_modules: the rest of the package (its petstore index.html) stays private. */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': path.join(SWAGGER_UI_DIR, 'swagger-ui.css'),
  'swagger-ui-bundle.js': path.join(SWAGGER_UI_DIR, 'swagger-ui-bundle.js'),
  'favicon-32x32.png': path.join(SWAGGER_UI_DIR, 'favicon-32x32.png'),
  'init.js': path.join(__dirname, 'referenceInit.js'),
};

export const REFERENCE_HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>LearnFlow API reference</title>
  <link rel="icon" type="image/png" href="${ASSETS_PATH}favicon-32x32.png">
  <link rel="stylesheet" href="${ASSETS_PATH}swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="${ASSETS_PATH}swagger-ui-bundle.js"></script>
  <script src="${ASSETS_PATH}init.js"></script>
</body>
</html>
`;

export function sendReferencePage(res: Response): void {
  res.status(200).type('text/html').send(REFERENCE_HTML);
}

/** The bundle as the server routes with it, byte for byte. */
export function openApiJsonText(): string {
  return fs.readFileSync(SPEC_PATH, 'utf8');
}

let yamlText: string | undefined;
export function openApiYamlText(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  yamlText ??= (require('yaml') as typeof YAML).stringify(JSON.parse(openApiJsonText()), { aliasDuplicateObjects: false });
  return yamlText;
}

/** GET /api/docs/ and its assets; the JSON and YAML documents are operations of the contract (api/handlers/docs.ts). */
export function referencePageRouter(): express.Router {
  const router = express.Router({ strict: true });
  router.get(REFERENCE_PATH.slice(0, -1), (_req: Request, res: Response) => res.redirect(301, REFERENCE_PATH));
  router.get(REFERENCE_PATH, (_req: Request, res: Response) => sendReferencePage(res));
  router.get(`${ASSETS_PATH}:file`, (req: Request, res: Response, next) => {
    const file = ASSETS[req.params.file as string];
    if (!file) return next();
    res.sendFile(file, { maxAge: '1h' });
  });
  return router;
}
