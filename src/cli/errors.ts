import { AppError } from '../errors/app-error.js';

export const cliErrors = {
  usage: (message: string, usage: string) => new AppError('cli.usage', `${message}\n\n${usage}`),
  notConfirmed: () =>
    new AppError('cli.not_confirmed', 'nothing deleted: confirm at the prompt, or pass --yes'),
};
