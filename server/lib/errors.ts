/** Field name -> message; react-admin shows each under its input. */
export type FieldErrors = Record<string, string>;

/** The one error type services throw; the error plugin turns it into the API's error shape. */
export class AppError extends Error {
  constructor(
    public readonly statusCode: number,
    public readonly code: string,
    message: string,
    public readonly errors?: FieldErrors,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const validationError = (errors: FieldErrors, message = 'Invalid input') =>
  new AppError(400, 'VALIDATION_FAILED', message, errors);
export const unauthorized = (message = 'Authentication required') =>
  new AppError(401, 'UNAUTHORIZED', message);
export const forbidden = (message = 'Not allowed', errors?: FieldErrors) =>
  new AppError(403, 'FORBIDDEN', message, errors);
export const notFound = (what = 'Record') => new AppError(404, 'NOT_FOUND', `${what} not found`);
export const conflict = (code: string, message: string, errors?: FieldErrors) =>
  new AppError(409, code, message, errors);

export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  errors?: FieldErrors;
}
