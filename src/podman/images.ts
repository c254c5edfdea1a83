import type { Transport } from './transport.js';
import type { ImageInspect } from './types.js';

export interface ImagesApi {
  exists(reference: string): Promise<boolean>;
  inspect(reference: string): Promise<ImageInspect>;
}

export function createImagesApi(transport: Transport): ImagesApi {
  // Image references contain '/' and ':'; libpod takes them unescaped in the path.
  const path = (reference: string) =>
    `/images/${reference.split('/').map(encodeURIComponent).join('/')}`;
  return {
    async exists(reference) {
      return (await transport.empty({ path: `${path(reference)}/exists`, accept: [404] })) === 204;
    },
    inspect: (reference) => transport.json<ImageInspect>({ path: `${path(reference)}/json` }),
  };
}
