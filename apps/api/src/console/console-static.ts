import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PROBLEM_CONTENT_TYPE } from '@ops/infra/http/problem-details';

export const CONSOLE_PATH = '/console';

/** dist/console of this checkout: found from here whether running the sources (tests) or dist/. */
export function consoleBuildDir(from = __dirname): string {
  for (let folder = from; ; folder = dirname(folder)) {
    if (existsSync(join(folder, 'package.json')) && existsSync(join(folder, 'apps'))) {
      return join(folder, 'dist', 'console');
    }
    if (dirname(folder) === folder) return join(from, 'console');
  }
}

/**
 * Serves the console's build at /console: hashed assets cached for good, every other path the
 * single page (its router decides), never cached so a new build is picked up at once.
 */
@Injectable()
export class ConsoleStatic implements OnModuleInit {
  constructor(private readonly adapter: HttpAdapterHost) {}

  onModuleInit(): void {
    const http = this.adapter.httpAdapter?.getInstance<Express>();
    // Preview mode (the OpenAPI document's build) has no server.
    if (!http?.use) return;
    const dir = consoleBuildDir();
    const assets = `${CONSOLE_PATH}/assets`;
    http.use(assets, express.static(join(dir, 'assets'), { immutable: true, maxAge: '365d', index: false }));
    // An asset of another build is not the page: answering the page would run HTML as a script.
    http.use(assets, (request: Request, response: Response) =>
      notFound(request, response, 'No such console asset; reload the console'),
    );
    http.use(CONSOLE_PATH, (request: Request, response: Response, next: NextFunction) => {
      if (request.method !== 'GET' && request.method !== 'HEAD') return next();
      const index = join(dir, 'index.html');
      if (!existsSync(index))
        return notFound(request, response, 'The console is not built: run npm run build');
      response.setHeader('Cache-Control', 'no-cache');
      response.type('html').send(readFileSync(index));
    });
  }
}

function notFound(request: Request, response: Response, detail: string): void {
  response.status(404).type(PROBLEM_CONTENT_TYPE).send({
    type: 'about:blank',
    title: 'Not Found',
    status: 404,
    detail,
    instance: request.originalUrl,
  });
}
