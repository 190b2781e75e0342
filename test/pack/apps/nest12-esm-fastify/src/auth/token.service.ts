import { Injectable } from '@nestjs/common';

@Injectable()
export class TokenService {
  private readonly valid = new Set(['valid-token']);

  verify(token: string | undefined): boolean {
    return token !== undefined && this.valid.has(token);
  }
}
