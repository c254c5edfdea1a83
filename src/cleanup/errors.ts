import { AppError } from '../errors/app-error.js';

export const cleanupErrors = {
  busy: () =>
    new AppError('cleanup.busy', 'a cleanup run is already in progress; try again when it ends'),
};
