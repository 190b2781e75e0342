import { Controller, Get } from '@nestjs/common';
import { Cors } from 'nestjs-route-cors';
import { Public } from '../auth/public.decorator.js';

@Public()
@Cors('public')
@Controller('public')
export class PublicController {
  @Get()
  get() {
    return { public: true };
  }
}
