import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { defineRoute, problems, type Route } from "@uaip/http-kit";
import * as v from "valibot";

// Swagger UI ships as files in an npm package: the hub serves them itself, so the docs
// page works with no network beyond the hub.
const assetDir = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
const assets: Record<string, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "swagger-ui-standalone-preset.js": "text/javascript; charset=utf-8",
  "favicon-32x32.png": "image/png",
  "favicon-16x16.png": "image/png",
};
const loaded = new Map<string, Promise<Buffer>>();

/** The page, its links relative to where it is served (`base`: the way back to the root). */
const page = (assets: string, base: string) => `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>UAIP Hub API</title>
  <link rel="stylesheet" href="${assets}swagger-ui.css">
  <link rel="icon" type="image/png" href="${assets}favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="${assets}swagger-ui-bundle.js"></script>
  <script src="${assets}swagger-ui-standalone-preset.js"></script>
  <script>
    window.ui = SwaggerUIBundle({
      url: "${base}openapi.json",
      dom_id: "#swagger-ui",
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
      layout: "StandaloneLayout",
      deepLinking: true,
      persistAuthorization: true,
      validatorUrl: null
    });
  </script>
</body>
</html>
`;

const atDocs = page("docs/assets/", "");
const atDocsSlash = page("assets/", "../");

/** `/openapi.json` (the document) and `/docs` (Swagger UI over it, its assets served from here). */
export function docsRoutes(document: () => Record<string, unknown>): Route[] {
  return [
    defineRoute({
      method: "get",
      path: "/openapi.json",
      operationId: "openApiDocument",
      summary: "This OpenAPI 3.1 document",
      tag: "docs",
      scope: null,
      responses: {
        200: { description: "The document", schema: v.record(v.string(), v.unknown()) },
      },
      handler: (c) => c.json(document()),
    }),
    defineRoute({
      method: "get",
      path: "/docs",
      operationId: "docsPage",
      summary: "Interactive API docs (Swagger UI)",
      tag: "docs",
      scope: null,
      responses: {
        200: { description: "An HTML page", contentType: "text/html", schema: v.string() },
      },
      handler: (c) => c.html(atDocs),
    }),
    defineRoute({
      method: "get",
      path: "/docs/",
      operationId: "docsPageSlash",
      summary: "The docs page, at /docs/ too",
      tag: "docs",
      scope: null,
      hidden: true,
      responses: {
        200: { description: "An HTML page", contentType: "text/html", schema: v.string() },
      },
      handler: (c) => c.html(atDocsSlash),
    }),
    defineRoute({
      method: "get",
      path: "/docs/assets/{file}",
      operationId: "docsAsset",
      summary: "A file of the docs page",
      tag: "docs",
      scope: null,
      hidden: true,
      params: v.object({ file: v.string() }),
      responses: { 200: { description: "The file" } },
      handler: async (c, { params }) => {
        const type = assets[params.file];
        if (!type) throw problems.notFound(`no docs asset "${params.file}"`);
        let body = loaded.get(params.file);
        if (!body) {
          body = readFile(join(assetDir, params.file));
          loaded.set(params.file, body);
        }
        return c.body(new Uint8Array(await body), 200, {
          "content-type": type,
          "cache-control": "public, max-age=86400",
        });
      },
    }),
  ];
}
