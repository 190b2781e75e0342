import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'sample:isPublic';
/** Lets a route through the global AuthGuard. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
