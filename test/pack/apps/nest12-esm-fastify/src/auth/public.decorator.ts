import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC_KEY = 'isPublic';
/** Lets a route through the global AuthGuard (the pattern of Nest's authentication docs). */
export const Public = () => SetMetadata(IS_PUBLIC_KEY, true);
