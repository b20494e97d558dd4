import { Controller, Get, Header, Param, StreamableFile } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { NotFoundError } from '../errors/domain-errors';
import { Public } from '../http/public-route';
import type { JsonSchema } from './api-schema';
import { OpenApiDocument } from './openapi-document';

/** Swagger UI's files the page loads (swagger-ui-dist, served from this server: machines may be offline). */
const UI_ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'index.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

export const OPENAPI_DOCUMENT_PATH = '/api/openapi.json';
const UI_PATH = '/api/docs';
const UI_START_SCRIPT = 'pharos-docs.js';

/** Points Swagger UI at the document; its own file so that the page needs no inline script. */
const UI_START = `window.onload = function () {
  window.ui = SwaggerUIBundle({ url: '${OPENAPI_DOCUMENT_PATH}', dom_id: '#swagger-ui', deepLinking: true, presets: [SwaggerUIBundle.presets.apis], layout: 'BaseLayout' });
};
`;

const UI_PAGE = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>Pharos API</title>
    <link rel="stylesheet" href="${UI_PATH}/swagger-ui.css">
    <link rel="stylesheet" href="${UI_PATH}/index.css">
    <link rel="icon" type="image/png" href="${UI_PATH}/favicon-32x32.png">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${UI_PATH}/swagger-ui-bundle.js"></script>
    <script src="${UI_PATH}/${UI_START_SCRIPT}"></script>
  </body>
</html>
`;

/** Swagger UI sets styles on elements, and "Try it out" calls this server. */
const UI_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/**
 * The API described: `GET /api/openapi.json` (OpenAPI 3.1, built from the routes: `OpenApiDocument`)
 * and `GET /api/docs`, the document rendered by Swagger UI. Public, as the routes they describe
 * are no secret and each still needs its own credential.
 */
@Public()
@Controller()
export class OpenApiController {
  private readonly uiRoot = path.dirname(require.resolve('swagger-ui-dist/package.json'));
  private readonly files = new Map<string, Buffer>();

  constructor(private readonly document: OpenApiDocument) {}

  @Get(OPENAPI_DOCUMENT_PATH)
  @Header('Cache-Control', 'no-cache')
  openApi(): JsonSchema {
    return this.document.get();
  }

  @Get(UI_PATH)
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', UI_CSP)
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Cache-Control', 'no-cache')
  page(): string {
    return UI_PAGE;
  }

  @Get(`${UI_PATH}/:file`)
  @Header('Cache-Control', 'public, max-age=86400')
  @Header('X-Content-Type-Options', 'nosniff')
  asset(@Param('file') file: string): StreamableFile {
    if (file === UI_START_SCRIPT) return new StreamableFile(Buffer.from(UI_START), { type: 'text/javascript; charset=utf-8' });
    const type = Object.hasOwn(UI_ASSETS, file) ? UI_ASSETS[file] : undefined;
    if (!type) throw new NotFoundError(`no such file: ${file}`);
    let content = this.files.get(file);
    if (!content) this.files.set(file, (content = readFileSync(path.join(this.uiRoot, file))));
    return new StreamableFile(content, { type, length: content.length });
  }
}
