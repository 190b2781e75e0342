import { Module, type DynamicModule } from '@nestjs/common';
import { CorsBootstrapService } from './cors-bootstrap.service.js';
import { ConfigurableModuleClass, OPTIONS_TYPE } from './cors.module-definition.js';

/**
 * Per-route CORS. Import once in the root module: `CorsModule.forRoot({...})` or
 * `CorsModule.forRootAsync({ useFactory, inject })`; then `@Cors(...)` on controllers and handlers.
 */
@Module({ providers: [CorsBootstrapService] })
export class CorsModule extends ConfigurableModuleClass {
  /** The global policy. Without `origin`, no route is open until a `@Cors(...)` opens it. */
  static override forRoot(options: typeof OPTIONS_TYPE = {}): DynamicModule {
    return super.forRoot(options);
  }
}
