// The Nest face of the inspection: CorsInspector, injectable from CorsModule, reading the surface
// the bootstrap published. Imports Nest's DI and this folder only.
import { Injectable } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { surfaceOf, type CorsSurface } from './cors-surface.js';
import { explainRequest, type CorsExplainRequest, type CorsExplanation } from './explain.js';
import { formatReport } from './report-format.js';
import type { CorsRouteReport } from './route-report.js';

/**
 * A second injection token of the inspector, equal in every copy of this package. The CommonJS and
 * ESM builds each have their own CorsInspector class, and `app.get(CorsInspector)` finds only the
 * one the application itself imported; a tool such as the `nestjs-route-cors report` CLI, which
 * loads an application built against the other copy, asks for this token instead.
 *
 * @example
 * ```ts
 * const inspector = app.get<CorsInspector>(CORS_INSPECTOR);
 * ```
 */
export const CORS_INSPECTOR = Symbol.for('nestjs-route-cors.inspector');

/**
 * The application's CORS surface as data, after `app.init()`: every route's effective policy
 * (`routes()`), what the request hook would answer for a request (`explain()`), and a table
 * (`format()`), the one the start-up log prints with `debug: true`.
 *
 * @example
 * ```ts
 * const app = await NestFactory.create(AppModule);
 * await app.init();
 * const inspector = app.get(CorsInspector);
 * expect(inspector.routes()).toMatchSnapshot();
 * const answer = await inspector.explain({ method: 'OPTIONS', path: '/api/users/1', origin: 'https://app.example.com', requestMethod: 'DELETE' });
 * console.log(answer.allowed, answer.status, answer.headers, answer.route);
 * console.log(inspector.format());
 * ```
 */
@Injectable()
export class CorsInspector {
  constructor(private readonly modules: ModulesContainer) {}

  /**
   * One plain, JSON-serialisable record per route, sorted by path, method and handler, then the
   * record of paths no route serves (method and path `*`). A fresh copy on every call.
   */
  routes(): CorsRouteReport[] {
    // Through JSON, not structuredClone: records share policy objects, and each record handed out
    // must be its own (editing one must not change another).
    return JSON.parse(JSON.stringify(this.surface().records)) as CorsRouteReport[];
  }

  /**
   * What the request hook would answer, by the hook's own decision code, sending nothing and
   * changing nothing. A Promise only when an origin function answers asynchronously (`await` works
   * either way).
   */
  explain(request: CorsExplainRequest): CorsExplanation | Promise<CorsExplanation> {
    const { handler, pathOf } = this.surface();
    return explainRequest(handler, pathOf, request);
  }

  /** The report as a table grouped by policy. */
  format(): string {
    return formatReport(this.surface().records);
  }

  private surface(): CorsSurface {
    const surface = surfaceOf(this.modules);
    if (!surface) {
      throw new Error(
        "CorsInspector: there is no CORS surface yet. Call it after app.init() (CorsModule computes every route's policy then), on an HTTP application (not an application context or a microservice).",
      );
    }
    return surface;
  }
}
