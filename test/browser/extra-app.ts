// A second small application for what the sample does not show: origin patterns (a port pattern
// and a *.localhost subdomain pattern, which Chromium resolves to loopback without DNS), handler
// overrides that differ from the global policy under the same controller path, a handler policy
// that differs by method on the same path, and a handler re-enabled under a disabled controller.
import { Body, Controller, Get, Module, Put, type Type } from '@nestjs/common';
import { Cors, CorsModule, parseOrigins } from 'nestjs-route-cors';

export interface ExtraAppOrigins {
  /** The origin the global policy allows (credentials). */
  readonly page: string;
  /** An origin only PUT /catalog/items allows. */
  readonly other: string;
  /** The subdomain pattern of the "subdomains" policy, e.g. http://*.localhost:5173. */
  readonly subdomainPattern: string;
}

export function extraAppModule(origins: ExtraAppOrigins): Type {
  @Controller('tools')
  class ToolsController {
    /** Named policy with a port pattern: every http://localhost:<port>. */
    @Get('ports')
    @Cors('localPorts')
    ports() {
      return { tool: 'ports' };
    }

    /** Named policy with a subdomain pattern: http://<anything>.localhost:<page port>. */
    @Get('subdomains')
    @Cors('subdomains')
    subdomains() {
      return { tool: 'subdomains' };
    }
  }

  /** The global policy, except where a handler says otherwise. */
  @Controller('catalog')
  class CatalogController {
    private items = [{ sku: 'A-1', name: 'Anvil' }];

    @Get('items')
    list() {
      return this.items;
    }

    /** Same path as GET, another method, another policy: only the other origin may write. */
    @Put('items')
    @Cors({ origin: [origins.other] })
    replace(@Body() body: { sku: string; name: string }[]) {
      this.items = body;
      return this.items;
    }

    /** Open to every page, without credentials, under a controller that follows the global policy. */
    @Get('open')
    @Cors({ origin: '*', credentials: false })
    open() {
      return { open: true };
    }
  }

  /** Disabled controller; one handler enabled again with @Cors() (the inherited global policy). */
  @Cors(false)
  @Controller('ops')
  class OpsController {
    @Get('status')
    status() {
      return { status: 'internal' };
    }

    @Get('ping')
    @Cors()
    ping() {
      return { pong: true };
    }
  }

  @Module({
    imports: [
      CorsModule.forRoot({
        origin: parseOrigins(origins.page, 'EXTRA_ORIGINS'),
        credentials: true,
        maxAge: 600,
        policies: {
          localPorts: { origin: parseOrigins('http://localhost:*', 'LOCAL_PORTS') },
          subdomains: { origin: [origins.subdomainPattern], credentials: true },
        },
      }),
    ],
    controllers: [ToolsController, CatalogController, OpsController],
  })
  class ExtraAppModule {}

  return ExtraAppModule;
}
